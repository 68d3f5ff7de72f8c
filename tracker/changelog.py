"""The change log of a policy: for each revision, which clauses changed since the one before.

Pure: revisions, their clauses and stated dates in; change rows and revision summaries out.
Each change carries its window, from the last capture of the old text to the first capture of
the new one, and its topics (``tracker.topics``). A revision is flagged as a **silent change**
when it changed in substance but states the same date as before, and as a **date-only
change** when the stated date moved but nothing else did.
"""
from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

from tracker.clauses import Clause
from tracker.dates import stated_date
from tracker.diff import Change, diff_clauses
from tracker.revisions import Revision
from tracker.topics import topics_of

Numbered = Sequence[tuple[int, Clause]]
"""A version's clauses with their database ids, in order."""


@dataclass(frozen=True)
class LoggedChange:
    """One row of ``changes``: a ``tracker.diff.Change`` placed in a policy's history."""

    from_revision: int
    to_revision: int
    seq: int
    kind: str
    moved: bool
    cosmetic: bool
    old_ordinals: str  # JSON list of 1-based ordinals in the older revision's clauses
    new_ordinals: str  # JSON list of 1-based ordinals in the newer revision's clauses
    old_clause_id: int | None
    new_clause_id: int | None
    path: str
    old_text: str | None
    new_text: str | None
    similarity: float | None
    diff: str | None  # JSON list of [op, words], op in "=", "-", "+"
    topic: str
    topics: str  # JSON list, main topic first
    window_start: str  # ISO UTC: last capture of the old text
    window_end: str  # ISO UTC: first capture of the new text

    def as_row(self) -> dict[str, Any]:
        return asdict(self)


def change_log(
    revisions: Sequence[Revision],
    clauses: Mapping[int, Numbered],
    stated: Mapping[int, str | None],
) -> tuple[list[Revision], list[LoggedChange]]:
    """Diff every consecutive pair of ``revisions``.

    ``clauses`` and ``stated`` are keyed by version id. Returns the revisions with their
    summaries filled (counts, topics, stated date, flags) and every change, in order.
    """
    summarised = [replace(revisions[0], stated_date=stated.get(revisions[0].version_id))] if revisions else []
    logged: list[LoggedChange] = []
    for before, after in zip(revisions, revisions[1:]):
        old, new = clauses[before.version_id], clauses[after.version_id]
        changes = diff_clauses([c.text for _, c in old], [c.text for _, c in new])
        rows = [_logged(before, after, n, change, old, new) for n, change in enumerate(changes, 1)]
        logged += rows
        summarised.append(_summary(after, changes, rows, old, new,
                                   stated.get(before.version_id), stated.get(after.version_id)))
    return summarised, logged


def _logged(before: Revision, after: Revision, seq: int, change: Change, old: Numbered,
            new: Numbered) -> LoggedChange:
    old_clauses = [old[n - 1] for n in change.old]
    new_clauses = [new[n - 1] for n in change.new]
    old_text = "\n".join(c.text for _, c in old_clauses) or None
    new_text = "\n".join(change.new_texts) or None
    path = (new_clauses or old_clauses)[0][1].path
    section = path.rsplit(" > ", 1)[-1]  # the heading right above: an outer one says too little
    topics = topics_of(f"{section}\n{new_text or old_text}")
    return LoggedChange(
        from_revision=before.seq,
        to_revision=after.seq,
        seq=seq,
        kind=change.kind,
        moved=change.moved,
        cosmetic=change.cosmetic,
        old_ordinals=json.dumps(list(change.old)),
        new_ordinals=json.dumps(list(change.new)),
        old_clause_id=old_clauses[0][0] if old_clauses else None,
        new_clause_id=new_clauses[0][0] if new_clauses else None,
        path=path,
        old_text=old_text,
        new_text=new_text,
        similarity=change.similarity,
        diff=json.dumps([list(op) for op in change.diff]) if change.diff else None,
        topic=topics[0],
        topics=json.dumps(topics),
        window_start=before.last_seen,
        window_end=after.first_seen,
    )


def _summary(after: Revision, changes: Sequence[Change], rows: Sequence[LoggedChange],
             old: Numbered, new: Numbered, old_date: str | None, new_date: str | None) -> Revision:
    substantive = [
        (change, row) for change, row in zip(changes, rows)
        if not change.cosmetic and not _states_the_date(change, old, new)
    ]
    topics: list[str] = []
    for _, row in substantive:
        topics += [t for t in json.loads(row.topics) if t not in topics]
    return replace(
        after,
        stated_date=new_date,
        added=sum(c.kind == "added" for c in changes),
        removed=sum(c.kind == "removed" for c in changes),
        modified=sum(c.kind in ("modified", "split", "merged") and not c.cosmetic for c in changes),
        moved=sum(c.kind == "moved" or c.moved for c in changes),
        cosmetic=sum(c.cosmetic for c in changes),
        topics=json.dumps(topics),
        silent_change=bool(substantive) and old_date is not None and old_date == new_date,
        date_only_change=not substantive and old_date != new_date and new_date is not None,
    )


def _states_the_date(change: Change, old: Numbered, new: Numbered) -> bool:
    """The change is to the clause that states the policy's date ("Last updated ...")."""
    texts = [old[n - 1][1].text for n in change.old] + list(change.new_texts)
    return all(stated_date(text) is not None for text in texts) if texts else False
