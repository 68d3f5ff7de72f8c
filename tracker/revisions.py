"""Revisions: a policy's successive texts, from the versions its captures showed over time.

Captures are ordered by time (across all the URLs a policy lived at); consecutive captures
showing the same version collapse into one revision with its first and last sighting. A text
that comes back (A -> B -> A) is a new revision each time. The list is recomputed whole, so a
late capture that lands out of order puts itself in the right place.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields
from typing import Any, NamedTuple


class Observation(NamedTuple):
    """One capture of a policy and the version it showed; ``timestamp`` is 14 digits UTC."""

    capture_id: int
    timestamp: str
    version_id: int


@dataclass(frozen=True)
class Revision:
    """A run of consecutive captures showing one version; times are ISO 8601 UTC.

    The summary fields are filled by ``tracker.changelog``: the policy's ``stated_date``
    (ISO date) and, against the revision before, counts of clauses added, removed, modified
    (reworded, split or merged), moved and cosmetic-only, the ``topics`` touched (JSON list)
    and the silent-change and date-only-change flags.
    """

    seq: int
    version_id: int
    first_seen: str
    last_seen: str
    captures: int
    first_capture_id: int
    last_capture_id: int
    stated_date: str | None = None
    added: int = 0
    removed: int = 0
    modified: int = 0
    moved: int = 0
    cosmetic: int = 0
    topics: str = "[]"
    silent_change: bool = False
    date_only_change: bool = False

    def as_row(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Revision:
        """A revision from a ``revisions`` row (extra columns ignored)."""
        return cls(**{f.name: row[f.name] for f in fields(cls)})


def iso(timestamp: str) -> str:
    """``20190302101500`` -> ``2019-03-02T10:15:00Z``."""
    t = timestamp
    return f"{t[0:4]}-{t[4:6]}-{t[6:8]}T{t[8:10]}:{t[10:12]}:{t[12:14]}Z"


def build_revisions(observations: Iterable[Observation]) -> list[Revision]:
    """Collapse time-ordered observations into revisions, numbered from 1."""
    ordered = sorted(observations, key=lambda o: (o.timestamp, o.capture_id))
    revisions: list[Revision] = []
    for obs in ordered:
        last = revisions[-1] if revisions else None
        if last is not None and last.version_id == obs.version_id:
            revisions[-1] = Revision(
                last.seq,
                last.version_id,
                last.first_seen,
                iso(obs.timestamp),
                last.captures + 1,
                last.first_capture_id,
                obs.capture_id,
            )
        else:
            revisions.append(
                Revision(
                    len(revisions) + 1,
                    obs.version_id,
                    iso(obs.timestamp),
                    iso(obs.timestamp),
                    1,
                    obs.capture_id,
                    obs.capture_id,
                )
            )
    return revisions
