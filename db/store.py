"""The writer of the history: documents, captures and bodies, derived history, runs.

(``db.notifications`` and ``db.jobs`` write the announcements and the scheduler's job store;
nothing outside ``db/`` writes.)

Every write that must stand or fall together happens in one ``db.atomic()`` block, so a process
killed at any instant leaves either all of it or none (a capture is never stored without its
body, a revision list is never half-replaced).
"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import surt
import zstandard
from sqlite_utils import Database

from crawler.cdx import CdxRecord
from db.locks import FileLock
from db.schema import migrations, open_database
from tracker.changelog import LoggedChange
from tracker.clauses import Clause
from tracker.errors import DatabaseBusy, DatabaseError, UnknownPolicy
from tracker.export import ExportedRevision
from tracker.extract import Extraction
from tracker.revisions import Observation, Revision

NOT_FETCHED = "listed but not fetched yet (the crawl stopped first); the next crawl fetches it"
BUSY_TIMEOUT_MS = 30_000  # how long a reader waits for a writer's transaction to end
_compressor = zstandard.ZstdCompressor(level=10)
_decompressor = zstandard.ZstdDecompressor()


def iso_utc(moment: datetime) -> str:
    """A time as ISO 8601 UTC with a ``Z``, to the second (``2019-03-02T10:00:00Z``)."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def utcnow() -> str:
    """Now, as ``iso_utc`` writes it."""
    return iso_utc(datetime.now(timezone.utc))


CLAUSES_OF_VERSION = (
    "select id, ordinal, kind, path, label, text, level from clauses"
    " where version_id = ? order by ordinal"
)
"""The clauses of a version, in order (one parameter: the version id)."""


def numbered_clause(row: dict[str, Any]) -> tuple[int, Clause]:
    """A row of ``CLAUSES_OF_VERSION`` as ``(clause id, Clause)``."""
    row = dict(row)
    return row.pop("id"), Clause(**row)


def urlkey(url: str) -> str:
    """The SURT key web.archive.org and pywb index a URL by (``com,soompi)/privacy``)."""
    return surt.surt(url)


@dataclass(frozen=True)
class Document:
    """A tracked policy: its slug, name, every URL it has lived at, and extraction options."""

    id: int
    slug: str
    name: str | None
    urls: tuple[str, ...]
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PendingExtraction:
    """A stored capture of a document whose text has not been extracted by the current extractor."""

    capture_id: int
    document_id: int
    slug: str
    url: str
    timestamp: str
    body_sha256: str
    content_type: str | None


@dataclass(frozen=True)
class LanguageRow:
    """The language a capture's text is written in, and its flag (``language`` when it was
    set aside for being in another language than the policy's)."""

    capture_id: int
    language: str
    flag: str | None


@dataclass(frozen=True)
class StoredBody:
    """A payload already stored, as a capture that has the same digest can reuse it."""

    body_sha256: str
    status: int | None
    content_type: str | None


class Store:
    """Reads and writes one policy-history SQLite file (created and migrated on open)."""

    def __init__(self, path: str | Path, *, readonly: bool = False, create: bool = True):
        """Open a database file, creating (unless ``create`` is false) and migrating it;
        ``readonly``: open an existing file without writing to it (migrating it first only if
        it is from an older version).

        Raises ``DatabaseError`` naming the file when it is missing (``readonly``, or not
        ``create``), or cannot be opened or used.
        """
        self.path = Path(path)
        self._run_lock = FileLock(self.path, "run")
        if (readonly or not create) and not self.path.is_file():
            raise DatabaseError(f"{self.path} does not exist; check --db, or crawl into it first")
        try:
            self.db = Database(self._read_only()) if readonly else open_database(self.path)
            if readonly and migrations.pending(self.db):
                self.db.close()
                self.db = open_database(self.path)
        except sqlite3.Error as err:
            raise DatabaseError(f"cannot use {self.path} as a policy-history database: {err}") from err

    def _read_only(self) -> sqlite3.Connection:
        connection = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True)
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        return connection

    def close(self) -> None:
        self._run_lock.release()
        self.db.close()

    # -- documents --------------------------------------------------------------------------

    def add_document(
        self,
        slug: str,
        urls: Sequence[str],
        *,
        name: str | None = None,
        options: dict[str, Any] | None = None,
    ) -> Document:
        """Track a policy at ``urls`` (added to those it has); idempotent. Returns the document."""
        with self.db.atomic():
            existing = self._document_row(slug)
            if existing is None:
                self.db["documents"].insert(
                    {
                        "slug": slug,
                        "name": name,
                        "added_at": utcnow(),
                        "options": json.dumps(options or {}),
                    }
                )
                existing = self._document_row(slug)
            else:
                updates: dict[str, Any] = {}
                if name and name != existing["name"]:
                    updates["name"] = name
                if options is not None and json.dumps(options) != existing["options"]:
                    updates["options"] = json.dumps(options)
                if updates:
                    self.db["documents"].update(existing["id"], updates)
            assert existing is not None
            for url in urls:
                self.db["document_urls"].insert(
                    {
                        "document_id": existing["id"],
                        "url": url,
                        "urlkey": urlkey(url),
                        "added_at": utcnow(),
                    },
                    ignore=True,  # a URL, or another spelling of it (same URL key), is kept once
                )
        return self.document(slug)

    def documents(self) -> list[Document]:
        """Every tracked document, by slug."""
        return [
            self._to_document(row)
            for row in self.db.query("select * from documents order by slug")
        ]

    def document(self, slug: str) -> Document:
        """The document with ``slug``; raises ``UnknownPolicy`` (listing the known ones)."""
        row = self._document_row(slug)
        if row is None:
            raise UnknownPolicy(slug, [d.slug for d in self.documents()])
        return self._to_document(row)

    def _document_row(self, slug: str) -> dict[str, Any] | None:
        return next(self.db.query("select * from documents where slug = ?", [slug]), None)

    def _to_document(self, row: dict[str, Any]) -> Document:
        urls = tuple(
            r["url"]
            for r in self.db.query(
                "select url from document_urls where document_id = ? order by id", [row["id"]]
            )
        )
        return Document(row["id"], row["slug"], row["name"], urls, json.loads(row["options"]))

    # -- captures and bodies ----------------------------------------------------------------

    def listing_start(self, archive: str, url_key: str) -> str | None:
        """Where an incremental CDX listing of ``url_key`` on ``archive`` starts (inclusive).

        The earliest capture that could not be fetched, so that it is listed and tried again,
        else the latest capture stored; 14 digits, or ``None`` when nothing is stored yet.
        """
        row = next(
            self.db.query(
                "select coalesce(min(case when error is not null then timestamp end),"
                " max(timestamp)) as start from captures where archive = ? and urlkey = ?",
                [archive, url_key],
            )
        )
        return row["start"]

    def not_fetched(self, archive: str, url_keys: Iterable[str]) -> int:
        """How many captures of these keys on ``archive`` are still ``NOT_FETCHED``: listed by a
        crawl that then neither stored them nor recorded why not."""
        keys = list(url_keys)
        return int(next(self.db.query(
            f"select count(*) as n from captures where archive = ? and error = ?"
            f" and urlkey in ({','.join('?' * len(keys))})",
            [archive, NOT_FETCHED, *keys],
        ))["n"])

    def has_captures(self, document_id: int) -> bool:
        """Whether any capture of the document's URLs is stored, from any archive or live."""
        return bool(next(self.db.query(
            "select exists (select 1 from captures c join document_urls u on u.urlkey = c.urlkey"
            " where u.document_id = ? and c.error is null) as found",
            [document_id],
        ))["found"])

    def stored_captures(self, archive: str, url_key: str) -> set[tuple[str, str]]:
        """``(url, timestamp)`` of the captures of ``url_key`` on ``archive`` stored without error."""
        return {
            (row["url"], row["timestamp"])
            for row in self.db.query(
                "select url, timestamp from captures where archive = ? and urlkey = ?"
                " and error is null",
                [archive, url_key],
            )
        }

    def body_for_digest(self, digest: str) -> StoredBody | None:
        """The stored payload with this CDX digest (fetched for another capture), if any."""
        row = next(
            self.db.query(
                "select body_sha256, status, content_type from captures where digest = ?"
                " and body_sha256 is not null and error is null limit 1",
                [digest],
            ),
            None,
        )
        return StoredBody(**row) if row else None

    def store_captures(
        self,
        archive: str,
        records: Sequence[CdxRecord],
        *,
        body: bytes | None,
        body_sha256: str | None = None,
        status: int | None,
        content_type: str | None = None,
        location: str | None = None,
    ) -> str | None:
        """Store captures that share one payload, with that payload, in one transaction.

        Give either the ``body`` bytes just fetched or the ``body_sha256`` of a stored body
        (same digest fetched before); a capture not worth fetching (an archived 4xx/5xx) has
        neither. A capture stored earlier with an error is replaced. ``status`` is that of the
        replay (the first record's) or of the stored body; the other records keep the status
        their CDX row gives, when it gives one. Returns the body's sha256.
        """
        with self.db.atomic():
            if body is not None:
                body_sha256 = hashlib.sha256(body).hexdigest()
                self.db["bodies"].insert(
                    {
                        "sha256": body_sha256,
                        "length": len(body),
                        "compression": "zstd",
                        "content": _compressor.compress(body),
                    },
                    ignore=True,
                )
            for n, record in enumerate(records):
                replayed = n == 0 and body is not None  # the archive's answer beats its index
                self._upsert_capture(
                    archive,
                    record,
                    status=status if replayed or record.status is None else record.status,
                    content_type=content_type,
                    location=location,
                    body_sha256=body_sha256,
                    error=None,
                )
        return body_sha256

    def record_listed(self, archive: str, records: Sequence[CdxRecord]) -> None:
        """Remember captures just listed, before they are fetched: until then they count as not
        fetched (``NOT_FETCHED``), so a crawl stopped half-way leaves a trace of what it missed."""
        self.record_capture_errors(archive, records, NOT_FETCHED)

    def record_capture_errors(self, archive: str, records: Sequence[CdxRecord], error: str) -> None:
        """Remember that captures could not be fetched, and why (the next crawl tries them
        again), in one transaction; captures stored already keep their page."""
        with self.db.atomic():
            for record in records:
                self._upsert_capture(
                    archive,
                    record,
                    status=record.status,
                    content_type=None,
                    location=None,
                    body_sha256=None,
                    error=error,
                )

    def _upsert_capture(
        self,
        archive: str,
        record: CdxRecord,
        *,
        status: int | None,
        content_type: str | None,
        location: str | None,
        body_sha256: str | None,
        error: str | None,
    ) -> None:
        self.db.execute(
            "insert into captures (archive, url, urlkey, timestamp, digest, status, mime, length,"
            " content_type, location, body_sha256, fetched_at, error)"
            " values (?,?,?,?,?,?,?,?,?,?,?,?,?)"
            " on conflict (archive, url, timestamp) do update set digest = excluded.digest,"
            " status = excluded.status, mime = excluded.mime, length = excluded.length,"
            " content_type = excluded.content_type,"
            " location = excluded.location, body_sha256 = excluded.body_sha256,"
            " fetched_at = excluded.fetched_at, error = excluded.error"
            " where captures.error is not null",
            [
                archive,
                record.url,
                record.urlkey,
                record.timestamp,
                record.digest,
                status,
                record.mime,
                record.length,
                content_type,
                location,
                body_sha256,
                utcnow(),
                error,
            ],
        )

    def body(self, sha256: str) -> bytes:
        """The raw bytes of a stored body."""
        row = self.db["bodies"].get(sha256)
        return _decompressor.decompress(row["content"])

    # -- derived: extractions, versions, revisions -----------------------------------------

    def pending_extractions(self, extractor: str, document_ids: Iterable[int] | None = None) -> list[PendingExtraction]:
        """Stored successful captures of tracked URLs not yet extracted by ``extractor``."""
        sql = (
            "select c.id as capture_id, u.document_id, d.slug, c.url, c.timestamp, c.body_sha256,"
            " coalesce(c.content_type, c.mime) as content_type"
            " from captures c join document_urls u on u.urlkey = c.urlkey"
            " join documents d on d.id = u.document_id"
            " left join extractions e on e.capture_id = c.id and e.document_id = u.document_id"
            "   and e.extractor = ?"
            " where c.body_sha256 is not null and c.error is null"
            "   and (c.status is null or c.status between 200 and 299) and e.capture_id is null"
        )
        params: list[Any] = [extractor]
        if document_ids is not None:
            ids = list(document_ids)
            sql += f" and u.document_id in ({','.join('?' * len(ids))})"
            params += ids
        rows = self.db.query(sql + " group by c.id, u.document_id order by c.timestamp", params)
        return [PendingExtraction(**row) for row in rows]

    def save_extraction(
        self,
        pending: PendingExtraction,
        extractor: str,
        *,
        extraction: Extraction | None,
        stated_date: str | None = None,
        error: str | None = None,
        flag: str | None = None,
        language: str | None = None,
    ) -> None:
        """Record what ``extractor`` made of a capture for a document, in one transaction:
        its text as a version (created when new), or ``error`` saying why there is none and
        ``flag`` the kind of page it is when it is not the policy (``soft-404``...).
        ``language`` is the text's ISO 639-1 code, when known.
        """
        with self.db.atomic():
            version_id = None
            if extraction is not None:
                self.db["versions"].insert(
                    {
                        "document_id": pending.document_id,
                        "text_sha256": extraction.text_sha256,
                        "markdown": extraction.markdown,
                        "title": extraction.title,
                        "words": extraction.words,
                        "extractor": extractor,
                        "stated_date": stated_date,
                    },
                    ignore=True,
                )
                version_id = next(
                    self.db.query(
                        "select id from versions where document_id = ? and text_sha256 = ?",
                        [pending.document_id, extraction.text_sha256],
                    )
                )["id"]
            self.db["extractions"].upsert(
                {
                    "capture_id": pending.capture_id,
                    "document_id": pending.document_id,
                    "extractor": extractor,
                    "version_id": version_id,
                    "error": error,
                    "flag": flag,
                    "language": language,
                },
                pk=("capture_id", "document_id"),
            )
            self.db.execute(
                "update documents set history_stale = 1 where id = ?", [pending.document_id]
            )

    def extraction_languages(self, document_id: int) -> list[LanguageRow]:
        """The language of each capture of a document that has a version or was flagged for
        its language (others say nothing about the policy's language)."""
        rows = self.db.query(
            "select capture_id, language, flag from extractions where document_id = ?"
            " and language is not null and (version_id is not null or flag = 'language')"
            " order by capture_id",
            [document_id],
        )
        return [LanguageRow(**row) for row in rows]

    def flag_extraction(self, document_id: int, capture_id: int, flag: str, error: str) -> None:
        """Mark an extracted capture as not the policy: it loses its version."""
        with self.db.atomic():
            self.db.execute(
                "update extractions set version_id = null, flag = ?, error = ?"
                " where document_id = ? and capture_id = ?",
                [flag, error, document_id, capture_id],
            )
            self.db.execute("update documents set history_stale = 1 where id = ?", [document_id])

    def forget_extraction(self, document_id: int, capture_id: int) -> None:
        """Drop a capture's extraction, so that the next update extracts it again."""
        with self.db.atomic():
            self.db.execute(
                "delete from extractions where document_id = ? and capture_id = ?",
                [document_id, capture_id],
            )

    def timeline(self, document_id: int) -> list[Observation]:
        """Every capture of a document that yielded a version, oldest first.

        A memento held by several archives (same URL key and timestamp) counts once.
        """
        rows = self.db.query(
            "select min(c.id) as capture_id, c.timestamp, e.version_id from extractions e"
            " join captures c on c.id = e.capture_id"
            " where e.document_id = ? and e.version_id is not null"
            " group by c.urlkey, c.timestamp, e.version_id"
            " order by c.timestamp, capture_id",
            [document_id],
        )
        return [Observation(**row) for row in rows]

    def clauses(self, version_id: int) -> list[tuple[int, Clause]]:
        """A version's stored clauses with their ids, in order (empty if not yet split)."""
        return [numbered_clause(row) for row in self.db.query(CLAUSES_OF_VERSION, [version_id])]

    def save_clauses(self, version_id: int, clauses: Sequence[Clause]) -> list[tuple[int, Clause]]:
        """Store a version's clauses (once; a version's text never changes); returns them with ids."""
        with self.db.atomic():
            self.db["clauses"].insert_all(
                (
                    {
                        "version_id": version_id,
                        "ordinal": c.ordinal,
                        "kind": c.kind,
                        "level": c.level,
                        "path": c.path,
                        "label": c.label,
                        "text": c.text,
                        "text_sha256": c.text_sha256,
                    }
                    for c in clauses
                ),
                ignore=True,
            )
        return self.clauses(version_id)

    def stated_dates(self, document_id: int) -> dict[int, str | None]:
        """Each version of a document's stated date (ISO), by version id."""
        return {
            row["id"]: row["stated_date"]
            for row in self.db.query(
                "select id, stated_date from versions where document_id = ?", [document_id]
            )
        }

    def replace_history(
        self, document_id: int, revisions: Iterable[Revision], changes: Iterable[LoggedChange]
    ) -> None:
        """Swap a document's revisions and change log for freshly computed ones, in one
        transaction: readers see the old history or the new, never a mix."""
        with self.db.atomic():
            self.db.execute("delete from changes where document_id = ?", [document_id])
            self.db.execute("delete from revisions where document_id = ?", [document_id])
            self.db["revisions"].insert_all(
                {"document_id": document_id, **revision.as_row()} for revision in revisions
            )
            self.db["changes"].insert_all(
                {"document_id": document_id, **change.as_row()} for change in changes
            )
            self.db.execute("update documents set history_stale = 0 where id = ?", [document_id])

    def stale_documents(self) -> list[int]:
        """Ids of documents whose extractions changed since their history was last rebuilt."""
        return [row["id"] for row in self.db.query("select id from documents where history_stale = 1")]

    def drop_orphan_versions(self) -> None:
        """Delete versions no extraction points at any more (left by a re-extraction)."""
        with self.db.atomic():
            self.db.execute(
                "delete from clauses where version_id not in"
                " (select version_id from extractions where version_id is not null)"
            )
            self.db.execute(
                "delete from versions where id not in"
                " (select version_id from extractions where version_id is not null)"
            )

    def clear_derived(self) -> None:
        """Forget every extraction, version and revision (``rebuild`` recomputes them)."""
        with self.db.atomic():
            for table in ("changes", "revisions", "clauses", "extractions", "versions"):
                self.db.execute(f"delete from {table}")
            self.db.execute("update documents set history_stale = 1")

    def revisions(self, document_id: int) -> list[dict[str, Any]]:
        """A document's revisions, oldest first, with their version's hash and word count."""
        return list(
            self.db.query(
                "select r.*, v.text_sha256, v.words, v.title from revisions r"
                " join versions v on v.id = r.version_id"
                " where r.document_id = ? order by r.seq",
                [document_id],
            )
        )

    def exported_revisions(self, document_id: int) -> list[ExportedRevision]:
        """A document's revisions with their text and the capture each was first seen in."""
        return [
            ExportedRevision(**row)
            for row in self.db.query(
                "select r.seq, v.text_sha256, v.title, v.markdown, c.archive, c.timestamp, c.url"
                " from revisions r join versions v on v.id = r.version_id"
                " join captures c on c.id = r.first_capture_id"
                " where r.document_id = ? order by r.seq",
                [document_id],
            )
        ]

    def version_text(self, version_id: int) -> str:
        """The Markdown of a version."""
        return self.db["versions"].get(version_id)["markdown"]

    # -- runs -------------------------------------------------------------------------------

    def start_run(
        self, kind: str, archive: str | None, policies: Sequence[str] | None = None
    ) -> int:
        """Record that a run of ``policies`` (slugs; ``None``: every tracked one) has started;
        returns its id.

        Holds the database's run lock until ``finish_run``: one run at a time per database. So
        a run still marked ``running`` when this one starts died unfinished (killed, power cut):
        it is marked ``interrupted`` here. Raises ``DatabaseBusy`` naming the run in progress.
        """
        holder = f"a {kind} run (pid {os.getpid()}, started {utcnow()})"
        if not self._run_lock.acquire(holder):
            raise DatabaseBusy(
                f"another run is writing to {self.path}: {self._run_lock.holder()}; wait for it "
                "to finish (see `policy-history runs`) or stop it"
            )
        try:
            self._mark_interrupted()
            with self.db.atomic():
                table = self.db["runs"].insert(
                    {
                        "kind": kind,
                        "archive": archive,
                        "started_at": utcnow(),
                        "status": "running",
                        "policies": None if policies is None else json.dumps(list(policies)),
                    }
                )
        except BaseException:
            self._run_lock.release()
            raise
        return int(table.last_pk)

    def finish_run(
        self, run_id: int, status: str, counts: dict[str, int], error: str | None = None
    ) -> None:
        """Record how a run ended (``ok``, ``incomplete``, ``failed`` or ``interrupted``) and
        release the run lock."""
        try:
            with self.db.atomic():
                self.db["runs"].update(
                    run_id,
                    {
                        "finished_at": utcnow(),
                        "status": status,
                        "counts": json.dumps(counts, sort_keys=True),
                        "error": error,
                    },
                )
        finally:
            self._run_lock.release()

    def reconcile_runs(self) -> int:
        """Mark runs whose process died unfinished as ``interrupted``, unless a run is in
        progress (then their state is its own); returns how many were marked."""
        if self._run_lock.held or not self._run_lock.acquire(f"a check (pid {os.getpid()})"):
            return 0
        try:
            return self._mark_interrupted()
        finally:
            self._run_lock.release()

    def _mark_interrupted(self) -> int:
        with self.db.atomic():
            cursor = self.db.execute(
                "update runs set status = 'interrupted', error = ? where status = 'running'",
                [f"its process ended before the run finished (killed?); found {utcnow()}. What "
                 "it stored is whole: the next run goes on from there"],
            )
        return int(cursor.rowcount)

    def runs(self, limit: int = 20) -> list[dict[str, Any]]:
        """The latest ``limit`` runs, newest first; ``counts`` and ``policies`` parsed."""
        rows = self.db.query("select * from runs order by id desc limit ?", [limit])
        return [
            {**row, "counts": json.loads(row["counts"] or "{}"),
             "policies": json.loads(row["policies"]) if row["policies"] else None}
            for row in rows
        ]

    def policy_status(self) -> list[dict[str, Any]]:
        """Per tracked policy, by slug: its latest stored capture (14 digits and archive), latest
        revision (``seq``, ``first_seen``) and latest crawl (``run_id``, ``run_started``,
        ``run_status``); ``None`` where there is none yet."""
        return list(
            self.db.query(
                """
                with last_capture as (
                  select u.document_id, c.timestamp, c.archive,
                    row_number() over (partition by u.document_id
                                       order by c.timestamp desc, c.id desc) as n
                  from captures c join document_urls u on u.urlkey = c.urlkey
                  where c.error is null
                ), last_revision as (
                  select document_id, seq, first_seen,
                    row_number() over (partition by document_id order by seq desc) as n
                  from revisions
                )
                select d.id, d.slug, lc.timestamp as capture, lc.archive as capture_archive,
                  lr.seq as revision, lr.first_seen as revision_first_seen,
                  run.id as run_id, run.started_at as run_started, run.status as run_status
                from documents d
                left join last_capture lc on lc.document_id = d.id and lc.n = 1
                left join last_revision lr on lr.document_id = d.id and lr.n = 1
                left join runs run on run.id = (
                  select r.id from runs r where r.kind != 'rebuild' and (r.policies is null
                    or exists (select 1 from json_each(r.policies) where value = d.slug))
                  order by r.id desc limit 1)
                order by d.slug
                """
            )
        )
