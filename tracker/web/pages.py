"""Our pages in datasette: a policy (its timeline and a chosen pair's clause change log side by
side) and one change (its words, its place, the captures around it).

Both are read-only views over the served database. They carry a Content-Security-Policy that
allows no script at all, on top of escaping every archived text (``tracker.web.render``).
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from datasette.app import Datasette
from datasette.utils.asgi import BadRequest, Request, Response

from tracker.report import SYMBOLS, summary
from tracker.web import reads, render
from tracker.web.reads import Row

# Our pages run no script: an archived text that slipped through escaping could not run either.
CSP = ("default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self'; form-action 'self'; "
       "base-uri 'none'; frame-ancestors 'none'")


async def policy_page(datasette: Datasette, request: Request) -> Response:
    """``/-/policy/SLUG?from=N&to=M``: the timeline and the change log from N to M (default:
    the latest change); ``all=1`` shows cosmetic changes too."""
    db = datasette.get_database()
    document = await reads.document(db, request.url_vars["slug"])
    revisions = [{**r, "summary": summary(r), "topic_list": json.loads(r["topics"] or "[]")}
                 for r in await reads.revisions(db, document["id"])]
    before, after = _pair(revisions, request.args)
    changes = [shown(c) for c in await reads.changes(db, before, after)] if before and after else []
    show_all = bool(request.args.get("all"))
    context = {
        "document": document,
        "revisions": revisions,
        "before": before,
        "after": after,
        "changes": [c for c in changes if show_all or not c["cosmetic"]],
        "hidden": 0 if show_all else sum(1 for c in changes if c["cosmetic"]),
        "database": db.name,
    }
    return await _page(datasette, request, "policy-history/policy.html", context)


async def change_page(datasette: Datasette, request: Request) -> Response:
    """``/-/change/ID``: one change of the log, inline and side by side, with the last capture
    of the old text and the first capture of the new."""
    db = datasette.get_database()
    change = shown(await reads.change(db, int(request.url_vars["id"])))
    by_seq = {r["seq"]: r for r in await reads.revisions(db, change["document_id"])}
    context = {
        "change": change,
        "before": by_seq[change["from_revision"]],
        "after": by_seq[change["to_revision"]],
        "database": db.name,
    }
    return await _page(datasette, request, "policy-history/change.html", context)


def _pair(revisions: list[Row], args: Mapping[str, str]) -> tuple[Row | None, Row | None]:
    """The two revisions asked for (``from``, ``to``: revision numbers), oldest first."""
    if len(revisions) < 2:
        return None, None
    by_seq = {r["seq"]: r for r in revisions}
    try:
        after = int(args.get("to") or revisions[-1]["seq"])
        before = int(args.get("from") or after - 1)
    except ValueError as err:
        raise BadRequest("from and to are revision numbers, e.g. ?from=1&to=3") from err
    if before == after or before not in by_seq or after not in by_seq:
        raise BadRequest(f"choose two different revisions between 1 and {len(revisions)}")
    return by_seq[min(before, after)], by_seq[max(before, after)]


def shown(change: Row) -> Row:
    """A change with what a person reads: its symbol, topics, and its words as HTML, inline
    and on each side."""
    ops = json.loads(render.change_ops(change["kind"], change["diff"], change["old_text"], change["new_text"]))
    old, new = render.sides(ops)
    return {**change, "symbol": SYMBOLS[change["kind"]], "topic_list": json.loads(change["topics"]),
            "inline_html": render.inline_diff(ops), "old_html": old, "new_html": new}


async def _page(datasette: Datasette, request: Request, template: str, context: dict[str, Any]) -> Response:
    html = await datasette.render_template(template, context, request=request)
    return Response.html(html, headers={"Content-Security-Policy": CSP})
