"""What the policy pages and the feed read, through datasette's read-only connections.

Rows come back as dicts. Capture links are made in SQL by ``memento_url()``, which the plugin
registers on every connection (``tracker.web.prepare_connection``).
"""
from __future__ import annotations

from typing import Any

from datasette.database import Database
from datasette.utils.asgi import NotFound

from db.store import CLAUSES_OF_VERSION, numbered_clause
from tracker.changelog import change_log
from tracker.clauses import Clause
from tracker.revisions import Revision

Row = dict[str, Any]

_REVISIONS = """
select r.*, d.slug, v.words, v.title, v.text_sha256,
  memento_url(fc.archive, fc.timestamp, fc.url) as first_capture,
  memento_url(lc.archive, lc.timestamp, lc.url) as last_capture
from revisions r join documents d on d.id = r.document_id
join versions v on v.id = r.version_id
join captures fc on fc.id = r.first_capture_id
join captures lc on lc.id = r.last_capture_id
"""


async def document(db: Database, slug: str) -> Row:
    """A tracked policy with its URLs (``urls``); ``NotFound`` when the slug is unknown."""
    rows = await _rows(db, "select * from documents where slug = ?", [slug])
    if not rows:
        raise NotFound(f"No policy {slug!r} in this history")
    urls = await _rows(db, "select url from document_urls where document_id = ? order by id", [rows[0]["id"]])
    return {**rows[0], "urls": [row["url"] for row in urls]}


async def revisions(db: Database, document_id: int) -> list[Row]:
    """A policy's revisions, oldest first, with words, hash and links to their first and last
    captures (``first_capture``, ``last_capture``)."""
    return await _rows(db, _REVISIONS + " where r.document_id = ? order by r.seq", [document_id])


async def recent_revisions(db: Database, *, slug: str | None, limit: int) -> list[Row]:
    """The latest revisions that changed a policy (every policy's, or one's), newest first."""
    where = "r.seq > 1" + (" and d.slug = :slug" if slug else "")
    sql = f"{_REVISIONS} where {where} order by r.first_seen desc, d.slug limit :limit"
    return await _rows(db, sql, {"slug": slug, "limit": limit})


async def changes(db: Database, before: Row, after: Row) -> list[Row]:
    """The clause change log from revision ``before`` to ``after`` of one policy: as stored when
    they are consecutive, computed as ``policy-history diff`` does otherwise (``id`` None)."""
    if after["seq"] == before["seq"] + 1:
        return await stored_changes(db, after)
    pair = [Revision.from_row(before), Revision.from_row(after)]
    clauses = {r.version_id: await _clauses(db, r.version_id) for r in pair}
    _, logged = change_log(pair, clauses, {r.version_id: r.stated_date for r in pair})
    return [{"id": None, **change.as_row()} for change in logged]


async def stored_changes(db: Database, revision: Row) -> list[Row]:
    """The stored change log of a revision against the one before it, in order."""
    return await _rows(
        db, "select * from changes where document_id = ? and to_revision = ? order by seq",
        [revision["document_id"], revision["seq"]],
    )


async def change(db: Database, change_id: int) -> Row:
    """One row of ``changes`` with its policy's ``slug`` and ``name``; ``NotFound`` if none."""
    rows = await _rows(
        db, "select c.*, d.slug, d.name from changes c join documents d on d.id = c.document_id"
        " where c.id = ?", [change_id],
    )
    if not rows:
        raise NotFound(f"No change {change_id} in this history")
    return rows[0]


async def _clauses(db: Database, version_id: int) -> list[tuple[int, Clause]]:
    return [numbered_clause(row) for row in await _rows(db, CLAUSES_OF_VERSION, [version_id])]


async def _rows(db: Database, sql: str, params: list[Any] | dict[str, Any]) -> list[Row]:
    return [dict(row) for row in (await db.execute(sql, params)).rows]
