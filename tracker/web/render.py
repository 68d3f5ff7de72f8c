"""HTML for what people read: word diffs as ``<ins>``/``<del>``, policy Markdown, search hits.

Every text here comes from an archived page, so it is escaped before our own markup wraps it,
and Markdown is rendered with raw HTML off (``<script>`` in a policy's text shows as text) and
links checked (no ``javascript:``): nothing from an archive becomes markup or script in the
browser.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup, escape

from crawler.archive import Archive

Ops = Sequence[Sequence[str]]
"""A word diff: ``[["=", "We"], ["-", "may share"], ["+", "will not sell"]]`` (``changes.diff``)."""

# js-default: raw HTML escaped, link schemes checked; images off (the extractor drops them too,
# and an archived page must not make the browser fetch anything).
_markdown = MarkdownIt("js-default").disable("image")


def _link_open(renderer: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    """Links out of an archived text tell the target nothing about us (``noreferrer``)."""
    tokens[idx].attrSet("rel", "nofollow noopener noreferrer")
    return str(renderer.renderToken(tokens, idx, options, env))


_markdown.add_render_rule("link_open", _link_open)

# Search snippets come from SQLite's snippet() with these control characters around each hit,
# so that hits can be marked after the snippet's text has been escaped.
HIT_START, HIT_END = "\x02", "\x03"

_TAGS = {"-": "del", "+": "ins"}


def memento_url(archive: str, timestamp: str, url: str) -> str:
    """Where a person sees a capture in its archive: ``{archive}/web/{timestamp}/{url}``."""
    return Archive(archive, 0, 0).memento_url(timestamp, url)


def change_ops(kind: str, diff: str | None, old_text: str | None, new_text: str | None) -> str:
    """A change as a word diff (JSON), also when it has none stored: an added clause is all
    inserted, a removed one all deleted, a moved one unchanged."""
    if diff:
        return diff
    op = {"added": "+", "removed": "-"}.get(kind, "=")
    return json.dumps([[op, new_text if op == "+" else old_text or new_text or ""]])


def inline_diff(ops: Ops) -> Markup:
    """The words in order, deletions in ``<del>``, insertions in ``<ins>``."""
    return Markup(" ").join(_word(op, words) for op, words in ops)


def sides(ops: Ops) -> tuple[Markup, Markup]:
    """The old text with its deletions marked and the new text with its insertions marked."""
    old = Markup(" ").join(_word(op, words) for op, words in ops if op != "+")
    new = Markup(" ").join(_word(op, words) for op, words in ops if op != "-")
    return old, new


def markdown_html(text: str) -> Markup:
    """A version's Markdown as HTML, raw HTML in it shown as text."""
    return Markup(_markdown.render(text))


def snippet_html(text: str) -> Markup:
    """A search snippet, escaped, its hits in ``<mark>``."""
    return Markup(
        str(escape(text)).replace(HIT_START, "<mark>").replace(HIT_END, "</mark>")
    )


def _word(op: str, words: str) -> Markup:
    tag = _TAGS.get(op)
    return Markup(f"<{tag}>%s</{tag}>") % words if tag else escape(words)
