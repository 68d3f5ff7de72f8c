"""policy-history's datasette plugin: readable changes, policy pages, a feed, read-only SQL.

``policy-history serve`` registers this package with datasette's plugin manager (``tracker.serve``)
instead of an entry point, so it only ever applies to the history that command serves, never to
another database datasette opens in the same environment. As a package it brings its
``templates/`` and ``static/`` along (datasette serves a plugin package's ``static/`` at
``/-/static-plugins/tracker.web/``).

Cells are rendered by column name, in tables and in the canned queries of ``metadata.yml``:
``diff`` (a word diff, as ``<ins>``/``<del>``), ``markdown`` (a version's text), ``snippet`` (a
search hit), ``policy`` (a slug: link to its page), ``change`` (a change id: link to its page).
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from datasette import hookimpl
from datasette.app import Datasette
from datasette.utils.asgi import Response
from markupsafe import Markup

from tracker.web import render
from tracker.web.feed import changes_feed
from tracker.web.pages import change_page, policy_page

NAME = "tracker.web"  # how datasette names this plugin (its module), e.g. in static URLs
INTERNAL = "_internal"  # datasette's own catalog database, which it writes to
READ_METHODS = ("GET", "HEAD", "OPTIONS")  # all the web may do
ASGIApp = Callable[[dict[str, Any], Callable[..., Any], Callable[..., Any]], Any]


@hookimpl
def asgi_wrapper() -> Callable[[ASGIApp], ASGIApp]:
    """Refuse every request that is not a read (datasette 0.65 would even answer a POST to a
    read-only canned query with a 500)."""

    def wrap(app: ASGIApp) -> ASGIApp:
        async def read_only(scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]) -> None:
            if scope["type"] == "http" and scope["method"] not in READ_METHODS:
                refusal = Response.text("This history is read-only.", status=405, headers={"Allow": ", ".join(READ_METHODS)})
                await refusal.asgi_send(send)
            else:
                await app(scope, receive, send)

        return read_only

    return wrap


@hookimpl
def prepare_connection(conn: sqlite3.Connection, database: str) -> None:
    """Every connection to the history is read-only, whatever opened it; capture links and
    complete word diffs are SQL functions for the canned queries."""
    if database != INTERNAL:
        conn.execute("PRAGMA query_only = 1")
    conn.create_function("memento_url", 3, render.memento_url, deterministic=True)
    conn.create_function("change_ops", 4, render.change_ops, deterministic=True)


@hookimpl
def render_cell(value: Any, column: str, table: str | None, datasette: Datasette) -> Markup | None:
    """Our columns as a person reads them (see the module's docstring); None leaves a cell to
    datasette, which escapes it."""
    if column == "policy" or (table == "documents" and column == "slug"):
        return _link(datasette, f"/-/policy/{quote(value)}", value) if isinstance(value, str) else None
    if column == "change" and table is None and isinstance(value, int):
        return _link(datasette, f"/-/change/{value}", f"change {value}")
    renderer = _RENDERERS.get(column)
    if renderer is None or not isinstance(value, str):
        return None
    return renderer(value)


def _diff_cell(value: str) -> Markup:
    return Markup('<div class="word-diff">%s</div>') % render.inline_diff(json.loads(value))


def _markdown_cell(value: str) -> Markup:
    return Markup('<div class="policy-text">%s</div>') % render.markdown_html(value)


_RENDERERS: dict[str, Callable[[str], Markup]] = {
    "diff": _diff_cell,
    "markdown": _markdown_cell,
    "snippet": render.snippet_html,
}


@hookimpl
def register_routes() -> list[tuple[str, Callable[..., Any]]]:
    return [
        (r"^/-/policy/(?P<slug>[^/]+)$", policy_page),
        (r"^/-/change/(?P<id>\d+)$", change_page),
        (r"^/-/changes\.atom$", changes_feed),
    ]


@hookimpl
def extra_css_urls(datasette: Datasette) -> list[str]:
    return [datasette.urls.static_plugins(NAME, "policy-history.css")]


@hookimpl
def menu_links(datasette: Datasette) -> list[dict[str, str]]:
    database = datasette.get_database().name
    return [
        {"href": datasette.urls.path(f"/{database}/policies"), "label": "Policies"},
        {"href": datasette.urls.path(f"/{database}/search_clauses"), "label": "Search clauses"},
        {"href": datasette.urls.path(f"/{database}/recent_changes"), "label": "Recent changes"},
        {"href": datasette.urls.path("/-/changes.atom"), "label": "Atom feed of changes"},
    ]


def _link(datasette: Datasette, path: str, label: str) -> Markup:
    return Markup('<a href="%s">%s</a>') % (datasette.urls.path(path), label)
