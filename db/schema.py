"""The database schema, as sqlite-utils migrations applied in order.

One SQLite file in WAL mode holds everything. ``captures`` and ``bodies`` are raw facts from the
archive, never rewritten; ``extractions``, ``versions`` and ``revisions`` are derived from them
and rebuilt by ``policy-history rebuild``. A new schema change is a new function at the end of
this file, never an edit of an applied one.

Timestamps: ``captures.timestamp`` is the archive's 14-digit UTC timestamp (``YYYYMMDDhhmmss``);
every other time is ISO 8601 UTC with a ``Z`` suffix (``2019-03-02T10:00:00Z``).
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlite_utils import Database, Migrations

migrations = Migrations("policy_history")

# Porter stems English ("sharing" finds "share"); unicode61 folds accents for French and German.
FTS_TOKENIZER = "porter unicode61 remove_diacritics 2"


@migrations()
def m001_initial(db: Database) -> None:
    db["documents"].create(
        {
            "id": int,
            "slug": str,
            "name": str,
            "service": str,
            "kind": str,
            "added_at": str,
            "options": str,
        },
        pk="id",
        not_null={"slug", "added_at"},
        defaults={"kind": "privacy", "options": "{}"},
    )
    db["documents"].create_index(["slug"], unique=True)

    db["document_urls"].create(
        {"id": int, "document_id": int, "url": str, "urlkey": str, "added_at": str},
        pk="id",
        foreign_keys=[("document_id", "documents", "id")],
        not_null={"document_id", "url", "urlkey"},
    )
    db["document_urls"].create_index(["document_id", "url"], unique=True)
    db["document_urls"].create_index(["urlkey"])

    db["bodies"].create(
        {"sha256": str, "length": int, "compression": str, "content": bytes},
        pk="sha256",
        not_null={"length", "compression", "content"},
    )

    db["captures"].create(
        {
            "id": int,
            "archive": str,
            "url": str,
            "urlkey": str,
            "timestamp": str,
            "digest": str,
            "status": int,
            "mime": str,
            "length": int,
            "content_type": str,
            "location": str,
            "body_sha256": str,
            "fetched_at": str,
            "error": str,
        },
        pk="id",
        foreign_keys=[("body_sha256", "bodies", "sha256")],
        not_null={"archive", "url", "urlkey", "timestamp"},
    )
    db["captures"].create_index(["archive", "url", "timestamp"], unique=True)
    db["captures"].create_index(["urlkey", "timestamp"])
    db["captures"].create_index(["digest"])

    db["versions"].create(
        {
            "id": int,
            "document_id": int,
            "text_sha256": str,
            "markdown": str,
            "title": str,
            "words": int,
            "extractor": str,
            "stated_date": str,
        },
        pk="id",
        foreign_keys=[("document_id", "documents", "id")],
        not_null={"document_id", "text_sha256", "markdown", "words", "extractor"},
    )
    db["versions"].create_index(["document_id", "text_sha256"], unique=True)

    db["extractions"].create(
        {
            "capture_id": int,
            "document_id": int,
            "extractor": str,
            "version_id": int,
            "error": str,
        },
        pk=("capture_id", "document_id"),
        foreign_keys=[
            ("capture_id", "captures", "id"),
            ("document_id", "documents", "id"),
            ("version_id", "versions", "id"),
        ],
        not_null={"extractor"},
    )
    db["extractions"].create_index(["document_id", "version_id"])

    db["revisions"].create(
        {
            "id": int,
            "document_id": int,
            "seq": int,
            "version_id": int,
            "first_seen": str,
            "last_seen": str,
            "captures": int,
            "first_capture_id": int,
            "last_capture_id": int,
        },
        pk="id",
        foreign_keys=[
            ("document_id", "documents", "id"),
            ("version_id", "versions", "id"),
            ("first_capture_id", "captures", "id"),
            ("last_capture_id", "captures", "id"),
        ],
        not_null={"document_id", "seq", "version_id", "first_seen", "last_seen", "captures"},
    )
    db["revisions"].create_index(["document_id", "seq"], unique=True)

    db["runs"].create(
        {
            "id": int,
            "kind": str,
            "archive": str,
            "started_at": str,
            "finished_at": str,
            "status": str,
            "counts": str,
            "error": str,
        },
        pk="id",
        not_null={"kind", "started_at", "status"},
        defaults={"counts": "{}"},
    )


@migrations()
def m002_clauses_and_changes(db: Database) -> None:
    db["clauses"].create(
        {
            "id": int,
            "version_id": int,
            "ordinal": int,
            "kind": str,
            "level": int,
            "path": str,
            "label": str,
            "text": str,
            "text_sha256": str,
        },
        pk="id",
        foreign_keys=[("version_id", "versions", "id")],
        not_null={"version_id", "ordinal", "kind", "text", "text_sha256"},
    )
    db["clauses"].create_index(["version_id", "ordinal"], unique=True)
    db["clauses"].create_index(["text_sha256"])

    db["changes"].create(
        {
            "id": int,
            "document_id": int,
            "from_revision": int,
            "to_revision": int,
            "seq": int,
            "kind": str,
            "moved": int,
            "cosmetic": int,
            "old_ordinals": str,
            "new_ordinals": str,
            "old_clause_id": int,
            "new_clause_id": int,
            "path": str,
            "old_text": str,
            "new_text": str,
            "similarity": float,
            "diff": str,
            "topic": str,
            "topics": str,
            "window_start": str,
            "window_end": str,
        },
        pk="id",
        foreign_keys=[
            ("document_id", "documents", "id"),
            ("old_clause_id", "clauses", "id"),
            ("new_clause_id", "clauses", "id"),
        ],
        not_null={"document_id", "from_revision", "to_revision", "seq", "kind"},
        defaults={"moved": 0, "cosmetic": 0},
    )
    db["changes"].create_index(["document_id", "to_revision", "seq"], unique=True)
    db["changes"].create_index(["topic"])

    for column, kind in (
        ("stated_date", str),
        ("added", int),
        ("removed", int),
        ("modified", int),
        ("moved", int),
        ("cosmetic", int),
        ("topics", str),
        ("silent_change", int),
        ("date_only_change", int),
    ):
        db["revisions"].add_column(column, kind)


@migrations()
def m003_stale_history_and_url_keys(db: Database) -> None:
    # Set with each extraction, cleared with each rebuilt history, in the same transactions:
    # a process killed between the two leaves the flag up, and the next update rebuilds.
    db["documents"].add_column("history_stale", int, not_null_default=0)
    db.execute("update documents set history_stale = 1")
    db["document_urls"].create_index(["document_id", "urlkey"], unique=True)


@migrations()
def m004_full_text_search(db: Database) -> None:
    """FTS5 indexes of versions and clauses, kept current by triggers on every insert, update
    and delete (so a revision that lands is searchable in the same transaction)."""
    for table, columns in (("versions", ["title", "markdown"]), ("clauses", ["path", "text"])):
        db[table].enable_fts(columns, fts_version="FTS5", create_triggers=True, tokenize=FTS_TOKENIZER)
    # a search hit links to the changes that made or touched its clause
    db["changes"].create_index(["new_clause_id"])
    db["changes"].create_index(["old_clause_id"])


@migrations()
def m005_extraction_flags(db: Database) -> None:
    """Captures that are not the policy (a soft-404, a bot wall...) are flagged, not versions;
    each extraction records the language its text is written in."""
    db["extractions"].add_column("flag", str)
    db["extractions"].add_column("language", str)


def migrate(db: Database) -> None:
    """Bring ``db`` to the current schema and switch it to WAL mode (idempotent)."""
    db.enable_wal()
    migrations.apply(db)


class WritingDatabase(Database):
    """A ``Database`` whose ``atomic()`` blocks take the write lock when they begin.

    In WAL mode a transaction that reads first (``Table.update`` and ``insert`` do) and writes
    next fails at once with "database is locked" when another process wrote in between: SQLite
    cannot wait for a snapshot that is already stale. ``BEGIN IMMEDIATE`` waits its turn (up to
    the busy timeout) instead, which matters once a scheduler writes its job store while a run
    writes its history. Nested blocks stay savepoints.
    """

    @contextmanager
    def atomic(self) -> Iterator[Database]:
        if self.conn.in_transaction:
            with super().atomic():
                yield self
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            with super().atomic():  # a savepoint in the transaction just begun
                yield self
            self.conn.execute("COMMIT")
        except BaseException:
            self.rollback()
            raise


def open_database(path: str | Path, *, any_thread: bool = False) -> Database:
    """Open the database at ``path``, creating and migrating it; foreign keys enforced, and
    writes waiting up to 30 s for another process's write to end (``WritingDatabase``).

    ``any_thread``: the connection may be used from several threads, one at a time (the
    caller serialises its calls).
    """
    db = WritingDatabase(sqlite3.connect(str(path), check_same_thread=not any_thread))
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA busy_timeout = 30000")
    migrate(db)
    return db


@migrations()
def m020_run_policies(db: Database) -> None:
    # The policies a run covered (JSON list of slugs; NULL: every policy tracked then), so
    # `policy-history status` can tell when each policy last ran.
    db["runs"].add_column("policies", str)


@migrations()
def m021_scheduler_jobs(db: Database) -> None:
    # APScheduler's job store (scheduler.SqliteJobStore): one row per scheduled job, its
    # pickled state and when it runs next (ISO 8601 UTC to the microsecond; NULL: paused).
    db["scheduler_jobs"].create(
        {"id": str, "next_run_time": str, "job_state": bytes},
        pk="id",
        not_null={"job_state"},
    )
    db["scheduler_jobs"].create_index(["next_run_time"])


@migrations()
def m022_notifications(db: Database) -> None:
    # Every revision a run found, once: announced (webhook) when it is newer than every
    # revision found before for its policy; `sent_at`/`error`/`attempts` track the webhook.
    db["notifications"].create(
        {
            "id": int,
            "document_id": int,
            "text_sha256": str,
            "first_seen": str,
            "run_id": int,
            "found_at": str,
            "announce": int,
            "payload": str,
            "attempts": int,
            "sent_at": str,
            "error": str,
        },
        pk="id",
        foreign_keys=[("document_id", "documents", "id"), ("run_id", "runs", "id")],
        not_null={"document_id", "text_sha256", "first_seen", "found_at", "announce", "payload"},
        defaults={"attempts": 0},
    )
    db["notifications"].create_index(["document_id", "text_sha256", "first_seen"], unique=True)
