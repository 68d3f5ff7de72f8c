"""The ``notifications`` table, its only writer, and the revisions that feeds show.

One row per revision a run found, keyed by what the revision is: its policy, the text's SHA-256
and when it was first seen (ids and numbers change when revisions are rebuilt; these do not).
``announce`` is 1 for news, 0 for history (``tracker.notify`` decides); ``payload`` is the JSON
a webhook receives; ``attempts``, ``sent_at`` and ``error`` follow its delivery.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from db.store import Store, utcnow

# A revision with its policy, its text's hash and size, the capture that showed it first, and
# the size of the revision before it.
_REVISIONS = """
    select r.document_id, d.slug, d.name, r.seq, r.first_seen, r.last_seen, r.captures,
      v.text_sha256, v.words, v.markdown, c.archive, c.url, c.timestamp,
      pv.words as previous_words
    from revisions r
    join documents d on d.id = r.document_id
    join versions v on v.id = r.version_id
    join captures c on c.id = r.first_capture_id
    left join revisions p on p.document_id = r.document_id and p.seq = r.seq - 1
    left join versions pv on pv.id = p.version_id
"""


class Notifications:
    """Reads and writes ``notifications`` in ``store``'s database."""

    def __init__(self, store: Store):
        self.db = store.db

    def unrecorded(self, document_ids: Sequence[int]) -> list[dict[str, Any]]:
        """Revisions of these documents not recorded yet, by document and ``seq``, each with
        ``latest_recorded``: the latest ``first_seen`` recorded for its document, or ``None``."""
        marks = ",".join("?" * len(document_ids))
        return list(self.db.query(
            f"""select * from ({_REVISIONS}) r
                left join (select document_id as recorded_document, max(first_seen) as latest_recorded
                           from notifications group by document_id) n
                  on n.recorded_document = r.document_id
                where r.document_id in ({marks}) and not exists (
                  select 1 from notifications x where x.document_id = r.document_id
                    and x.text_sha256 = r.text_sha256 and x.first_seen = r.first_seen)
                order by r.document_id, r.seq""",
            list(document_ids),
        ))

    def record(self, run_id: int, found: Iterable[tuple[int, str, str, bool, str]]) -> None:
        """Record ``(document_id, text_sha256, first_seen, announce, payload)`` rows found by
        run ``run_id``, in one transaction."""
        now = utcnow()
        with self.db.atomic():
            self.db["notifications"].insert_all(
                {"document_id": document_id, "text_sha256": text_sha256, "first_seen": first_seen,
                 "run_id": run_id, "found_at": now, "announce": int(announce), "payload": payload}
                for document_id, text_sha256, first_seen, announce, payload in found
            )

    def undelivered(self) -> list[dict[str, Any]]:
        """Announced rows not delivered yet (``id``, ``payload``, ``attempts``), oldest first."""
        return list(self.db.query(
            "select id, payload, attempts from notifications where announce = 1"
            " and sent_at is null order by id"
        ))

    def delivered(self, notification_id: int, error: str | None) -> None:
        """Count a delivery attempt: sent (``error`` is ``None``) or failed with ``error``."""
        with self.db.atomic():
            self.db.execute(
                "update notifications set attempts = attempts + 1, error = ?,"
                " sent_at = case when ? is null then ? end where id = ?",
                [error, error, utcnow(), notification_id],
            )

    def latest_revisions(self, limit: int, document_id: int | None = None) -> list[dict[str, Any]]:
        """The ``limit`` latest revisions (of one document, or all), latest first, with their
        Markdown text (``_REVISIONS`` columns)."""
        where, params = ("where r.document_id = ?", [document_id]) if document_id is not None else ("", [])
        return list(self.db.query(
            f"select * from ({_REVISIONS}) r {where} order by r.first_seen desc, r.slug limit ?",
            [*params, limit],
        ))
