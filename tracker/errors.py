"""The error family: every error policy-history raises on purpose.

Each message names the policy, URL or capture concerned and says what to do, so the CLI can
print it as one line. Fetch and extraction errors are operational (logged, recorded on the row,
the run goes on); storage errors are fatal.
"""
from __future__ import annotations

import difflib


class PolicyHistoryError(Exception):
    """Base class for every error policy-history raises on purpose."""


class DeclarationError(PolicyHistoryError):
    """A policy declaration (file or CLI arguments) is invalid: bad slug, URL or option."""


class UnknownPolicy(PolicyHistoryError):
    """A policy slug that the database does not track."""

    def __init__(self, slug: str, known: list[str]):
        close = difflib.get_close_matches(slug, known, n=3, cutoff=0.5) + [
            k for k in known if slug in k
        ]
        if close:
            hint = f"did you mean {' or '.join(dict.fromkeys(close))}?"
        elif known:
            hint = "`policy-history list` shows the tracked ones"
        else:
            hint = "no policy is tracked yet"
        super().__init__(
            f"unknown policy {slug!r} ({hint}); to track it: policy-history add {slug} URL"
        )
        self.slug = slug


class DatabaseError(PolicyHistoryError):
    """The database file cannot be opened or used (missing, not SQLite, read-only, busy)."""


class ArchiveError(PolicyHistoryError):
    """The archive cannot be used: down, not a Wayback endpoint, or refusing us."""


class ExtractionFailed(PolicyHistoryError):
    """No policy text in a capture."""

    def __init__(self, capture: str, reason: str):
        super().__init__(f"no policy text in capture {capture}: {reason}")
        self.capture, self.reason = capture, reason

    def at(self, capture: str) -> ExtractionFailed:
        """The same failure, naming ``capture`` (``20190301000000 https://...``)."""
        return ExtractionFailed(capture, self.reason)


class CrawlIncomplete(PolicyHistoryError):
    """A crawl ended with captures it could not fetch; running it again fetches only those."""


class NotArchived(PolicyHistoryError):
    """The archive holds no capture at all of any URL of a policy."""


class ServeError(PolicyHistoryError):
    """The history cannot be served: no database file, or the address is taken."""
class NotAPolicy(ExtractionFailed):
    """A capture that is not the policy at all: a soft-404, a bot wall, a JavaScript shell...

    ``kind`` is one of ``tracker.pages.KINDS``; such a capture never becomes a version and is
    kept as a flagged capture with the reason.
    """

    def __init__(self, capture: str, kind: str, description: str):
        super().__init__(capture, f"not the policy: {description}")
        self.kind, self.description = kind, description

    def at(self, capture: str) -> NotAPolicy:
        return NotAPolicy(capture, self.kind, self.description)


class DatabaseBusy(PolicyHistoryError):
    """Another process holds the database for the same purpose: a run, or the scheduler."""


class RunInterrupted(PolicyHistoryError):
    """A run stopped early on SIGINT/SIGTERM; what it stored is whole, the next run goes on."""

    exit_code = 130  # as a shell reports a process ended by SIGINT


class LiveFetchFailed(PolicyHistoryError):
    """A policy's live page could not be fetched (``--live``): logged, the run goes on."""

    def __init__(self, url: str, reason: str):
        super().__init__(f"live page {url}: {reason}")
        self.url, self.reason = url, reason
