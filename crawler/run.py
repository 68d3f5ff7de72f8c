"""Running one crawl: check the archive answers, then run the spider with polite settings.

Scrapy runs on Twisted's reactor, which cannot be restarted within a process: one crawl per
process (the CLI is one process; the scheduler starts one child per run).
"""
from __future__ import annotations

import contextlib
import logging
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from scrapy.crawler import CrawlerProcess

from crawler.archive import Archive
from crawler.cdx import parse_cdx
from crawler.spider import CaptureSpider
from tracker.errors import ArchiveError
from tracker.shutdown import Shutdown

log = logging.getLogger(__name__)

USER_AGENT = "policy-history/0.1 (privacy-policy history research; polite, rate-limited)"
TIMEOUT = 60  # seconds for any one request
MAX_BODY = 50 * 1024 * 1024  # bytes; a privacy policy page is well under 5 MB
CHECK_ATTEMPTS = 3  # tries of the first question to an archive before calling it down
RETRIES = 5  # per request, with the slot's delay doubling each time (crawler.politeness)
STOP_GRACE = 10  # seconds a stopping crawl may take to finish its replays in flight


@dataclass
class CrawlReport:
    """What one crawl did, by capture: listed by CDX, stored (new rows), fetched (replays made),
    reused (payload already stored under the same digest), already stored, failed."""

    listed: int = 0
    stored: int = 0
    fetched: int = 0
    reused: int = 0
    already_stored: int = 0
    failed: int = 0
    failures: list[str] = field(default_factory=list)
    unarchived: list[tuple[str, str]] = field(default_factory=list)
    """``(policy, URL)`` pairs the archive has no capture of at all."""
    interrupted: bool = False
    """Stopped early on request (SIGINT/SIGTERM): some captures may not have been listed."""

    def counts(self) -> dict[str, int]:
        return {k: v for k, v in vars(self).items() if type(v) is int}


def crawl_settings(archive: Archive, db_path: str, **overrides: Any) -> dict[str, Any]:
    """Scrapy settings for a crawl of ``archive`` into the database at ``db_path``."""
    settings: dict[str, Any] = {
        "USER_AGENT": USER_AGENT,
        "ROBOTSTXT_OBEY": False,
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        # Scrapy 2.19's remote control, an HTTP server that runs the Python code it is sent,
        # has no place in an unattended service; unlisted, it is not even imported (0.2 s)
        "EXTENSIONS": {"scrapy.extensions.remote_control.RemoteControl": None},
        "DOWNLOAD_TIMEOUT": TIMEOUT,
        "DOWNLOAD_MAXSIZE": MAX_BODY,
        "CONCURRENT_REQUESTS": 4,  # also bounds what is still sent after Ctrl-C
        "DOWNLOAD_SLOTS": {
            "cdx": {"concurrency": 1, "delay": _delay(archive.cdx_per_minute), "jitter": 0},
            "replay": {"concurrency": 3, "delay": _delay(archive.replays_per_minute), "jitter": 0},
        },
        "RETRY_TIMES": RETRIES,
        "RETRY_HTTP_CODES": [408, 429, 500, 502, 503, 504, 522, 524],
        "DOWNLOADER_MIDDLEWARES": {
            "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
            "crawler.politeness.ArchiveRetryMiddleware": 550,
        },
        "ITEM_PIPELINES": {"crawler.pipelines.StorePipeline": 300},
        "POLICY_HISTORY_DB": db_path,
        "POLICY_HISTORY_ARCHIVE": archive.base,
        "POLICY_HISTORY_BACKOFF_START": archive.retry_wait,
        "LOG_LEVEL": "WARNING",
        "LOG_INSTALL_ROOT_HANDLER": False,  # the caller configures logging
    }
    settings.update(overrides)
    return settings


def _delay(per_minute: float) -> float:
    return 60.0 / per_minute if per_minute else 0.0


def _stop_reactor() -> None:
    from twisted.internet import reactor

    with contextlib.suppress(RuntimeError):  # already stopped: the graceful stop was enough
        reactor.stop()  # type: ignore[attr-defined, misc]


def check_archive(archive: Archive, url: str, *, attempts: int = CHECK_ATTEMPTS) -> None:
    """Ask the archive's CDX API about ``url``; raise ``ArchiveError`` if it is down, refusing
    us, or not a Wayback archive, with what to do about it.

    It asks for the captures from this second on: an answer that is small (empty) on any
    archive, however often the URL was captured, yet only a CDX server gives. A refusal that
    may pass (429, 5xx, a reset or refused connection) is asked again up to ``attempts`` times
    in all, after ``archive.retry_wait`` seconds, then twice that.
    """
    now = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
    request = urllib.request.Request(archive.cdx_url(url, since=now), headers={"User-Agent": USER_AGENT})
    for attempt in range(attempts):
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                parse_cdx(response.read().decode("utf-8", "replace"), source=archive.base)
            return
        except urllib.error.HTTPError as err:
            if err.code == 429:
                error = ArchiveError(
                    f"{archive.base} is rate-limiting us (HTTP 429); wait a few minutes and run again")
            else:
                error = ArchiveError(
                    f"{archive.base} answered HTTP {err.code} to a CDX query; is it a Wayback archive? "
                    "(--archive takes the base URL, e.g. https://web.archive.org)")
                if err.code < 500:
                    raise error from err
        except (urllib.error.URLError, OSError) as err:
            reason = getattr(err, "reason", err)
            error = ArchiveError(
                f"archive {archive.base} is not reachable ({reason}); check --archive or try again later")
        if attempt + 1 < attempts:
            wait = archive.retry_wait * 2**attempt
            log.warning("%s; asking again in %.1fs", error, wait)
            time.sleep(wait)
    raise error


def run_crawl(
    archive: Archive,
    db_path: str,
    targets: list[tuple[str, str]],
    *,
    shutdown: Shutdown,
    since: dict[str, str] | None = None,
    **settings: Any,
) -> CrawlReport:
    """Crawl every ``(policy slug, URL)`` target into the database; blocks until done.

    ``since`` maps URLs to the timestamp their listing starts from (see ``CaptureSpider``).
    Captures that could not be fetched are recorded with their error and listed in the report
    (the next crawl tries them again); the crawl itself does not raise for them. When
    ``shutdown`` is requested the crawl stops gracefully: replays in flight are stored, nothing
    new starts; after ``STOP_GRACE`` seconds (replays waiting on a backed-off slot) the reactor
    is stopped, between two callbacks, so every capture stored is whole. The report then says
    ``interrupted``. Scrapy's own signal handlers are not installed.
    """
    if shutdown.requested:
        return CrawlReport(interrupted=True)
    process = CrawlerProcess(crawl_settings(archive, db_path, **settings))
    crawler = process.create_crawler(CaptureSpider)
    process.crawl(crawler, archive=archive, db_path=db_path, targets=targets, since=since)

    def stop() -> None:
        from twisted.internet import reactor  # the one CrawlerProcess installed

        reactor.callFromThread(process.stop)  # type: ignore[attr-defined]
        reactor.callFromThread(reactor.callLater, STOP_GRACE, _stop_reactor)  # type: ignore[attr-defined]

    shutdown.on_request(stop)
    try:
        process.start(install_signal_handlers=False)
    finally:
        shutdown.forget(stop)
    stats = crawler.stats.get_stats() if crawler.stats else {}
    spider = crawler.spider
    report = CrawlReport(
        **{
            name: int(stats.get(f"policy_history/{name}", 0))
            for name in ("listed", "stored", "fetched", "reused", "already_stored", "failed")
        }
    )
    report.interrupted = shutdown.requested
    report.failures = list(getattr(spider, "failures", []))
    listed: dict[tuple[str, str], int] = getattr(spider, "listed", {})
    report.unarchived = [target for target, n in listed.items() if n == 0]
    if report.failed:
        report.failures.append(
            f"{report.failed} capture(s) could not be fetched (see the captures table's error column)"
        )
    log.info(
        "crawl of %s: %d captures listed, %d stored (%d replays, %d reused by digest), "
        "%d already stored, %d failed",
        archive.base, report.listed, report.stored, report.fetched, report.reused,
        report.already_stored, report.failed,
    )
    return report
