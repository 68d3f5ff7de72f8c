"""Scheduled background crawls: APScheduler wiring only.

Each run is ``policy-history crawl`` in a child process: Twisted's reactor, which Scrapy runs
on, cannot be restarted within one process, so a child per run makes the hundredth run work
like the first, and a crash in one run cannot take the scheduler down.
"""
from __future__ import annotations

import logging
import subprocess
import sys
from collections.abc import Sequence
from datetime import datetime, timezone

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger

log = logging.getLogger(__name__)

MISFIRE_GRACE = 300  # seconds a late run may still start (e.g. after the machine slept)


def crawl_once(db_path: str, crawl_args: Sequence[str]) -> int:
    """Run one crawl in a child process; returns its exit code (failures are in ``runs``)."""
    command = [sys.executable, "-m", "tracker", "crawl", "--db", db_path, *crawl_args]
    result = subprocess.run(command, check=False)
    if result.returncode:
        log.warning("crawl exited with code %d; see `runs` in %s", result.returncode, db_path)
    return result.returncode


def run_forever(db_path: str, *, every_seconds: float, crawl_args: Sequence[str] = ()) -> None:
    """Crawl now, then every ``every_seconds``, until interrupted (SIGINT/SIGTERM)."""
    scheduler = BlockingScheduler(timezone="UTC")
    scheduler.add_job(
        crawl_once,
        IntervalTrigger(seconds=every_seconds, timezone="UTC"),
        args=[db_path, list(crawl_args)],
        id="crawl",
        max_instances=1,
        coalesce=True,
        misfire_grace_time=MISFIRE_GRACE,
        next_run_time=datetime.now(timezone.utc),
    )
    log.info("crawling %s every %ss; Ctrl-C to stop", db_path, every_seconds)
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        log.info("scheduler stopped")
