"""Clauses: a policy version's Markdown cut into the units people cite and compare.

A clause is a heading, a list item, a table row or a paragraph. Each knows its ``path``, the
trail of headings above it (``3 Sharing > 3.2 Advertisers``), its ``label`` when numbered or
lettered (``4.2``, ``(a)``, ``iv``, ``Article 5``, ``§ 2``) and its 1-based ``ordinal``.
A short paragraph that is all bold or all italics (``**Cookies**``) is a heading too: older
pages style headings that way. List markers are not part of a clause's text, so renumbering
a list changes no clause.

The clause list is a pure function of the Markdown, so the same text always gives the same
clauses; ``tracker.diff`` aligns the clauses of two versions.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*$")
_ITEM = re.compile(r"^(\s*)([-*+]|\d{1,3}[.)]|\(?[a-zA-Z]\)|\(?[ivxlcIVXLC]{1,6}[.)])\s+(.*)$")
_ROW = re.compile(r"^\s*\|(.*)\|\s*$")
_RULE = re.compile(r"^\s*\|?[\s:|-]*-{2,}[\s:|-]*\|?\s*$")
_EMPHASIS_ONLY = re.compile(r"^(\*\*|__|\*|_)(?=\S)(.+?)(?<=\S)\1:?$")
_LABEL = re.compile(
    r"^(?:(?:Article|Art\.|Section|Sec\.|Clause|Chapter|Part|Artikel|Abschnitt|§)\s*\d+[\w.]*"
    r"|\d+(?:\.\d+)*\.?(?=\s)|\([a-z]{1,2}\)|\([ivxlc]{1,6}\)|[a-z][.)](?=\s)|[ivxlc]{1,6}[.)](?=\s))",
    re.IGNORECASE,
)
_PSEUDO_LEVEL = 7  # emphasised-line headings rank below every Markdown heading
_MAX_PSEUDO_WORDS = 12
_PATH_WIDTH = 60  # characters of a heading kept in a path


@dataclass(frozen=True)
class Clause:
    """One clause of a version.

    ``kind`` is ``heading``, ``item``, ``row`` or ``paragraph``; ``text`` is the clause's
    Markdown with its list or heading marker removed and spaces folded; ``text_sha256`` is the
    hex SHA-256 of ``text``; ``level`` is the heading level (1-6; 7 and deeper for emphasised
    lines and list items, by nesting) or 0.
    """

    ordinal: int
    kind: str
    path: str
    label: str | None
    text: str
    level: int = 0

    @property
    def text_sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


def split_clauses(markdown: str) -> list[Clause]:
    """Cut Markdown into clauses, in document order, numbered from 1."""
    clauses: list[Clause] = []
    trail: list[tuple[int, str]] = []  # (level, heading text) of the headings in force
    pending: list[str] = []  # lines of the paragraph or item being read
    pending_kind = "paragraph"
    pending_marker: str | None = None
    pending_depth = 0  # nesting of the item being read (indent / 2)

    def flush() -> None:
        nonlocal pending, pending_kind, pending_marker, pending_depth
        text = _fold(" ".join(pending))
        label = _marker_label(pending_marker)
        if text:
            if _EMPHASIS_ONLY.match(text) and len(text.split()) <= _MAX_PSEUDO_WORDS:
                heading(_PSEUDO_LEVEL + pending_depth, text, label)
            else:
                add(pending_kind, text, label or _label(text))
        pending, pending_kind, pending_marker, pending_depth = [], "paragraph", None, 0

    def add(kind: str, text: str, label: str | None, level: int = 0) -> None:
        path = " > ".join(_short(h) for _, h in trail)
        if label and kind != "heading":
            path = f"{path} > {label}" if path else label
        clauses.append(Clause(len(clauses) + 1, kind, path, label, text, level))

    def heading(level: int, text: str, label: str | None = None) -> None:
        while trail and trail[-1][0] >= level:
            trail.pop()
        plain = _strip_emphasis(text)
        add("heading", text, label or _label(plain), level)
        trail.append((level, f"{label} {plain}" if label else plain))

    for line in markdown.splitlines():
        if not line.strip():
            flush()
            continue
        if match := _HEADING.match(line):
            flush()
            heading(len(match[1]), _fold(match[2]))
        elif match := _ROW.match(line):
            flush()
            if not _RULE.match(line):
                cells = [c.strip() for c in match[1].split("|")]
                text = " | ".join(c for c in cells if c)
                if text:
                    add("row", _fold(text), _label(text))
        elif (match := _ITEM.match(line)) and not _is_continuation(match, pending, pending_kind):
            flush()
            pending, pending_kind, pending_marker = [match[3]], "item", match[2]
            pending_depth = len(match[1].expandtabs(4)) // 2
        else:
            pending.append(line.strip())
    flush()
    return clauses


def _is_continuation(match: re.Match[str], pending: list[str], kind: str) -> bool:
    """A line such as ``a) ...`` inside a running paragraph sentence is text, not a new item."""
    return bool(pending) and kind == "paragraph" and match[2][0].isalpha() and not match[1]


def _fold(text: str) -> str:
    return " ".join(text.split())


def _strip_emphasis(text: str) -> str:
    match = _EMPHASIS_ONLY.match(text)
    return match[2].strip() if match else text


def _short(heading: str) -> str:
    return heading if len(heading) <= _PATH_WIDTH else heading[: _PATH_WIDTH - 1].rstrip() + "…"


def _label(text: str) -> str | None:
    match = _LABEL.match(_strip_emphasis(text).lstrip("*_ "))
    return match[0].rstrip(".") if match else None


def _marker_label(marker: str | None) -> str | None:
    """``3.`` -> ``3``, ``(a)`` -> ``(a)``; bullets carry no label."""
    if marker is None or marker in "-*+":
        return None
    return marker.rstrip(".")
