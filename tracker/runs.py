"""One recorded run: crawl the archive for new captures, then bring the history up to date.

Every run is a row in ``runs`` (started, finished, status, counts, error, the policies it
covered), whatever its end: ``ok``; ``incomplete`` (some captures could not be fetched: the next
run tries them again); ``failed`` (the archive could not be used at all); ``interrupted``
(stopped on SIGINT/SIGTERM at a safe point, or found unfinished after its process was killed).
One run at a time per database (``Store.start_run`` holds the run lock).

After the crawl and the update, a run may check the live pages (``tracker.live``), then
records the revisions it found (``tracker.notify``), posts the new ones to a webhook and
rewrites the Atom feeds (``tracker.feeds``). Failures of these are logged and counted; they
never fail the run.

``counts`` (JSON): captures ``listed`` by CDX, ``fetched`` (replays made), ``reused`` (payload
stored before under the same digest), ``already_stored`` (skipped), ``stored``, ``failed``;
captures ``extracted`` and those with ``no_text``; ``new_revisions`` (first recorded by this
run); ``live_*`` and ``webhook_*`` when enabled; ``errors`` in all.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from crawler.archive import WAYBACK, Archive
from crawler.run import CrawlReport, check_archive, run_crawl
from db.store import Document, Store, urlkey
from tracker.errors import ArchiveError, CrawlIncomplete, NotArchived, RunInterrupted
from tracker.feeds import write_feeds
from tracker.history import UpdateReport, update
from tracker.live import check_live
from tracker.notify import deliver, record_new_revisions
from tracker.shutdown import Shutdown

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunOptions:
    """What a run does beyond a full crawl; the defaults are those of ``policy-history crawl``.

    ``incremental``: list each URL's captures only from the last one stored (or the earliest
    that could not be fetched), not all of them. ``live``: check each policy's live page
    (``tracker.live``). ``feeds``: folder to keep Atom feeds in (``tracker.feeds``).
    ``webhook``: URL to POST each new revision to (``tracker.notify``).
    """

    incremental: bool = False
    live: bool = False
    feeds: str | None = None
    webhook: str | None = None


@dataclass(frozen=True)
class RunReport:
    """How a run ended: its id, status (``ok`` only: other ends raise) and counts."""

    run_id: int
    status: str
    counts: dict[str, int]


def crawl_and_update(
    store: Store,
    archive: Archive,
    documents: Sequence[Document],
    *,
    kind: str = "crawl",
    options: RunOptions = RunOptions(),
    progress: Callable[[int, int], None] | None = None,
) -> RunReport:
    """Crawl ``documents`` on ``archive`` into ``store``, extract and rebuild their revisions.

    Must run in the main thread (it catches SIGINT/SIGTERM while it runs: see
    ``tracker.shutdown``). Raises ``DatabaseBusy`` when another run holds the database;
    ``ArchiveError`` when the archive cannot be used (the run is recorded as failed, nothing
    else is written); ``CrawlIncomplete`` / ``NotArchived`` when some captures could not be
    fetched or a policy has none (what was fetched is stored and its history updated; the run
    is recorded as incomplete); ``RunInterrupted`` after a graceful stop.
    """
    with Shutdown() as shutdown:
        run_id = store.start_run(kind, archive.base, [d.slug for d in documents])
        run = _Run(store, run_id)
        try:
            return _crawl_and_update(run, store, archive, documents, shutdown, options, progress)
        except BaseException as err:
            if not run.finished:
                run.finish("failed", {}, f"{type(err).__name__}: {err}")
            raise


class _Run:
    """Finishes a run's row exactly once, and logs how it ended."""

    def __init__(self, store: Store, run_id: int):
        self.store, self.run_id, self.finished = store, run_id, False

    def finish(self, status: str, counts: dict[str, int], error: str | None = None) -> RunReport:
        self.store.finish_run(self.run_id, status, counts, error)
        self.finished = True
        log.info(
            "run %d %s: %d captures listed, %d fetched, %d skipped, %d new revisions, %d errors",
            self.run_id, status, counts.get("listed", 0), counts.get("fetched", 0),
            counts.get("already_stored", 0), counts.get("new_revisions", 0), counts.get("errors", 0),
        )
        return RunReport(self.run_id, status, counts)


def _crawl_and_update(
    run: _Run,
    store: Store,
    archive: Archive,
    documents: Sequence[Document],
    shutdown: Shutdown,
    options: RunOptions,
    progress: Callable[[int, int], None] | None,
) -> RunReport:
    targets = [(d.slug, url) for d in documents for url in d.urls]
    try:
        check_archive(archive, targets[0][1])
    except ArchiveError as err:
        run.finish("failed", {}, str(err))
        raise
    since = _listing_starts(store, archive, targets) if options.incremental else None
    crawl = run_crawl(archive, str(store.path), targets, shutdown=shutdown, since=since)
    missed = store.not_fetched(archive.base, {urlkey(url) for _, url in targets})
    if missed and not crawl.interrupted:  # e.g. a storage error Scrapy logged and went past
        crawl.failures.append(f"{missed} capture(s) listed but neither stored nor failed (see the "
                              "log); the next run fetches them")
    counts = crawl.counts()
    document_ids = [d.id for d in documents]
    _add(counts, update(store, document_ids=document_ids, progress=progress,
                        stop=lambda: shutdown.requested))
    errors = crawl.failed + (missed if not crawl.interrupted else 0)
    if options.live and not shutdown.requested:
        live = check_live(store, archive, documents)
        if live.changed:
            _add(counts, update(store, document_ids=document_ids))
        counts.update(live.counts())
        errors += live.failed + live.save_failed
    counts["new_revisions"] = record_new_revisions(store, run.run_id, document_ids)
    if options.webhook and not shutdown.requested:
        delivery = deliver(store, options.webhook)
        counts.update(delivery.counts())
        errors += delivery.failed
    if options.feeds:
        write_feeds(store, Path(options.feeds))
    counts["errors"] = errors
    for policy, url in crawl.unarchived:  # normal for a policy's old or new address
        log.info("%s: %s has no capture in %s", policy, url, archive.base)
    if crawl.interrupted or shutdown.requested:
        message = (f"stopped by {shutdown.signal or 'request'}: what was fetched is stored; "
                   f"run {_again(archive, store.path)} to go on from there")
        run.finish("interrupted", counts, message)
        raise RunInterrupted(f"run {run.run_id} {message}")
    return _finish(run, archive, documents, crawl, counts)


def _finish(
    run: _Run,
    archive: Archive,
    documents: Sequence[Document],
    crawl: CrawlReport,
    counts: dict[str, int],
) -> RunReport:
    if crawl.failures:
        message = "; ".join(crawl.failures[:10])
        run.finish("incomplete", counts, message)
        raise CrawlIncomplete(
            f"crawl incomplete: {message}. What was fetched is stored; "
            f"run {_again(archive, run.store.path)} again to fetch only what is missing"
        )
    unarchived = set(crawl.unarchived)
    missing = [d for d in documents if all((d.slug, url) in unarchived for url in d.urls)
               and not run.store.has_captures(d.id)]  # a live page is a capture too
    if missing:
        message = "; ".join(f"{d.slug}: {archive.base} has no capture of {', '.join(d.urls)}" for d in missing)
        run.finish("incomplete", counts, message)
        raise NotArchived(
            f"{message}. Check the URL (add every address the policy lived at with "
            "`policy-history add SLUG URL`), or have the archive save the page"
        )
    return run.finish("ok", counts)


def _listing_starts(store: Store, archive: Archive, targets: list[tuple[str, str]]) -> dict[str, str]:
    """Where each URL's CDX listing starts in an incremental run (``Store.listing_start``)."""
    starts = {url: store.listing_start(archive.base, urlkey(url)) for _, url in targets}
    return {url: start for url, start in starts.items() if start is not None}


def _again(archive: Archive, db_path: Path) -> str:
    """The command that runs the same crawl again."""
    options = "" if archive.base == WAYBACK else f" --archive {archive.base}"
    options += "" if str(db_path) == "policies.db" else f" --db {db_path}"
    return f"`policy-history crawl{options}`"


def _add(counts: dict[str, int], report: UpdateReport) -> None:
    counts["extracted"] = counts.get("extracted", 0) + report.extracted
    counts["no_text"] = counts.get("no_text", 0) + report.no_text
    counts["not_the_policy"] = counts.get("not_the_policy", 0) + report.flagged
