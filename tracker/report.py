"""Change logs for people and programs: terminal text, Markdown and JSON."""
from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import click

from tracker.changelog import LoggedChange
from tracker.revisions import Revision

SYMBOLS = {"added": "+", "removed": "−", "modified": "~", "moved": "↔", "split": "⇉", "merged": "⇇"}


def summary(revision: Mapping[str, Any]) -> str:
    """``+3 −1 ~5 ↔1`` for a ``revisions`` row's counts against the revision before."""
    return " ".join(f"{symbol}{revision[key] or 0}" for symbol, key in
                    (("+", "added"), ("−", "removed"), ("~", "modified"), ("↔", "moved")))


def header(slug: str, before: Revision, after: Revision) -> list[str]:
    """What a change log is about: the revisions, the window it happened in, the dates."""
    lines = [
        f"{slug}: revision {before.seq} → {after.seq}, changed between {before.last_seen} "
        f"(last capture of the old text) and {after.first_seen} (first capture of the new)",
        f"stated date: {before.stated_date or 'none'} → {after.stated_date or 'none'}",
    ]
    if after.silent_change:
        lines.append("silent change: the text changed but the stated date did not")
    if after.date_only_change:
        lines.append("date-only change: the stated date changed, nothing else did")
    return lines


def as_text(changes: Sequence[LoggedChange]) -> list[str]:
    """Each change as a line with its kind, place and topics, then its words, styled with
    click (red deletions, green insertions; click drops the styling when not on a terminal)."""
    lines = []
    for change in changes:
        kind = change.kind + (" + moved" if change.moved and change.kind != "moved" else "")
        kind += " (cosmetic)" if change.cosmetic else ""
        similarity = f" {change.similarity:.2f}" if change.similarity is not None and change.kind != "moved" else ""
        where = f"#{_ordinals(change.old_ordinals)} → #{_ordinals(change.new_ordinals)}"
        lines.append(click.style(f"{SYMBOLS[change.kind]} {kind}{similarity}  [{change.path or '(top)'}]"
                                 f"  {where}  {', '.join(json.loads(change.topics))}", bold=True))
        if change.diff:
            lines.append("    " + " ".join(_styled(op, words) for op, words in json.loads(change.diff)))
        elif change.kind == "removed":
            lines.append("    " + click.style(change.old_text or "", fg="red"))
        else:
            lines.append("    " + click.style(change.new_text or "", fg="green" if change.kind == "added" else None))
    return lines


def as_markdown(changes: Sequence[LoggedChange]) -> list[str]:
    """Each change as a Markdown list item: deletions struck through, insertions in bold."""
    lines = []
    for change in changes:
        lines.append(f"- **{change.kind}**{' (moved)' if change.moved else ''} in "
                     f"*{change.path or 'top'}* ({', '.join(json.loads(change.topics))})")
        if change.diff:
            words = [w if op == "=" else f"~~{w}~~" if op == "-" else f"**{w}**"
                     for op, w in json.loads(change.diff)]
            lines.append("  " + " ".join(words))
        else:
            text = change.old_text if change.kind == "removed" else change.new_text
            lines.append("  " + (f"~~{text}~~" if change.kind == "removed" else text or ""))
    return lines


def revision_json(row: dict[str, Any]) -> dict[str, Any]:
    """A revision row for JSON output: ``topics`` a list, the flags true or false."""
    return {**row, "topics": json.loads(row.get("topics") or "[]"),
            "silent_change": bool(row.get("silent_change")),
            "date_only_change": bool(row.get("date_only_change"))}


def as_json(changes: Sequence[LoggedChange]) -> list[dict[str, Any]]:
    """Each change as a JSON-ready dict, its JSON columns decoded."""
    rows = []
    for change in changes:
        row = change.as_row()
        for key in ("old_ordinals", "new_ordinals", "topics", "diff"):
            row[key] = json.loads(row[key]) if row[key] else None
        rows.append(row)
    return rows


def _styled(op: str, words: str) -> str:
    if op == "-":
        return click.style(f"[-{words}-]", fg="red")
    if op == "+":
        return click.style(f"{{+{words}+}}", fg="green")
    return words


def _ordinals(text: str) -> str:
    values = json.loads(text)
    return ",".join(map(str, values)) if values else "-"
