"""The error family: every error policy-history raises on purpose.

Each message names the policy, URL or capture concerned and says what to do, so the CLI can
print it as one line. Fetch and extraction errors are operational (logged, recorded on the row,
the run goes on); storage errors are fatal.
"""
from __future__ import annotations


class PolicyHistoryError(Exception):
    """Base class for every error policy-history raises on purpose."""


class DeclarationError(PolicyHistoryError):
    """A policy declaration (file or CLI arguments) is invalid: bad slug, URL or option."""


class UnknownPolicy(PolicyHistoryError):
    """A policy slug that the database does not track."""

    def __init__(self, slug: str, known: list[str]):
        hint = f"known: {', '.join(known)}" if known else "no policy is tracked yet"
        super().__init__(
            f"unknown policy {slug!r} ({hint}); add it with: policy-history add {slug} URL"
        )
        self.slug = slug


class ArchiveError(PolicyHistoryError):
    """The archive cannot be used: down, not a Wayback endpoint, or refusing us."""


class ExtractionFailed(PolicyHistoryError):
    """No policy text in a capture."""

    def __init__(self, capture: str, reason: str):
        super().__init__(f"no policy text in capture {capture}: {reason}")
        self.capture, self.reason = capture, reason


class CrawlIncomplete(PolicyHistoryError):
    """A crawl ended with captures it could not fetch; running it again fetches only those."""


class NotArchived(PolicyHistoryError):
    """The archive holds no capture at all of any URL of a policy."""


class DatabaseBusy(PolicyHistoryError):
    """Another process holds the database for the same purpose: a run, or the scheduler."""


class RunInterrupted(PolicyHistoryError):
    """A run stopped early on SIGINT/SIGTERM; what it stored is whole, the next run goes on."""



class LiveFetchFailed(PolicyHistoryError):
    """A policy's live page could not be fetched (``--live``): logged, the run goes on."""

    def __init__(self, url: str, reason: str):
        super().__init__(f"live page {url}: {reason}")
        self.url, self.reason = url, reason
