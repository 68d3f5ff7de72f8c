"""One recorded run: crawl the archive for new captures, then bring the history up to date.

Every run is a row in ``runs`` (started, finished, status, counts, error), whatever its end:
``ok``, ``incomplete`` (some captures could not be fetched; the next run tries them again),
``interrupted`` (stopped by the user; the next run goes on) or ``failed`` (the archive could not
be used at all).
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from crawler.archive import WAYBACK, Archive
from crawler.run import CrawlReport, check_archive, run_crawl
from db.store import Document, Store
from tracker.errors import ArchiveError, CrawlIncomplete, Interrupted, NotArchived
from tracker.history import UpdateReport, update

log = logging.getLogger(__name__)


@dataclass
class RunReport:
    """The outcome of one run: its id, the crawl's and the update's reports."""

    run_id: int
    crawl: CrawlReport
    update: UpdateReport


def crawl_and_update(
    store: Store,
    archive: Archive,
    documents: Sequence[Document],
    *,
    kind: str = "crawl",
    progress: Callable[[int, int], None] | None = None,
) -> RunReport:
    """Crawl ``documents`` on ``archive`` into ``store``, extract and rebuild their revisions.

    Raises ``ArchiveError`` when the archive cannot be used (the run is recorded as failed,
    nothing else is written) and ``CrawlIncomplete`` when some captures could not be fetched
    (what was fetched is stored and its history updated; the run is recorded as incomplete).
    """
    run_id = store.start_run(kind, archive.base)
    targets = [(d.slug, url) for d in documents for url in d.urls]
    try:
        check_archive(archive, targets[0][1])
    except ArchiveError as err:
        store.finish_run(run_id, "failed", {}, str(err))
        raise
    again = "`policy-history crawl" + ("" if archive.base == WAYBACK else f" --archive {archive.base}") + "`"
    crawl = run_crawl(archive, str(store.path), targets)
    if crawl.interrupted:
        store.finish_run(run_id, "interrupted", crawl.counts(), "stopped by the user")
        raise Interrupted(f"crawl interrupted; what was fetched is stored: run {again} to go on")
    try:
        report = RunReport(
            run_id, crawl, update(store, document_ids=[d.id for d in documents], progress=progress)
        )
    except KeyboardInterrupt:
        store.finish_run(run_id, "interrupted", crawl.counts(), "stopped by the user while extracting")
        raise Interrupted(
            f"interrupted while extracting; everything fetched is stored: run {again} to finish"
        ) from None
    counts = {
        **crawl.counts(),
        "extracted": report.update.extracted,
        "no_text": report.update.no_text,
        "not_the_policy": report.update.flagged,
        "revisions": report.update.revisions,
    }
    for policy, url in crawl.unarchived:  # normal for a policy's old or new address
        log.info("%s: %s has no capture in %s", policy, url, archive.base)
    if crawl.failures:
        message = "; ".join(crawl.failures[:10])
        store.finish_run(run_id, "incomplete", counts, message)
        raise CrawlIncomplete(
            f"crawl incomplete: {message}. What was fetched is stored; "
            f"run {again} again to fetch only what is missing"
        )
    unarchived = set(crawl.unarchived)
    missing = [d for d in documents if all((d.slug, url) in unarchived for url in d.urls)]
    if missing:
        message = "; ".join(f"{d.slug}: {archive.base} has no capture of {', '.join(d.urls)}" for d in missing)
        store.finish_run(run_id, "incomplete", counts, message)
        raise NotArchived(
            f"{message}. Check the URL (add every address the policy lived at with "
            "`policy-history add SLUG URL`), or have the archive save the page"
        )
    store.finish_run(run_id, "ok", counts)
    return report
