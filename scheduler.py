"""The scheduled service behind ``policy-history schedule``: APScheduler wiring only.

``serve`` runs APScheduler 3 in the foreground until SIGINT or SIGTERM, with one job, ``crawl``:
its trigger (an interval, or a crontab in UTC; with jitter), its options and its next run time
live in the project's database (``SqliteJobStore``, table ``scheduler_jobs``), so a restart
keeps the schedule: a run due while the service was down happens once on return
(``coalesce``) if it is less than ``MISFIRE_GRACE`` late, else the next one comes on time;
runs never overlap (``max_instances=1``). One service per database (``<db>.schedule.lock``).

Each run is a child process, ``python -m tracker schedule --once ...``, which records itself in
``runs``. Scrapy runs on Twisted's reactor, which cannot be restarted within a process: a fresh
process per run makes the hundredth run work like the first. APScheduler's TwistedScheduler
with one long-lived reactor would also work, but would keep every run's memory, open files
and crashes in the service for months, and block the reactor during extraction; a child
costs about half a second per run, nothing next to runs hours apart. The child handles its own
signals (``tracker.shutdown``): on SIGINT/SIGTERM the service forwards SIGTERM to it, waits
until it has recorded its run (``STOP_TIMEOUT`` at most, then kills it: the next run marks that
run interrupted) and exits.
"""
from __future__ import annotations

import logging
import os
import pickle
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from apscheduler.job import Job
from apscheduler.jobstores.base import BaseJobStore, ConflictingIdError, JobLookupError
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from db.jobs import JobRows
from db.locks import FileLock
from db.store import Store, iso_utc, utcnow
from tracker.declarations import Timing
from tracker.errors import DatabaseBusy, DeclarationError
from tracker.shutdown import Shutdown

log = logging.getLogger(__name__)

JOB_ID = "crawl"
DEFAULT_TIMING = Timing(every=6 * 3600)
JITTER_MAX = 600.0  # seconds: the default jitter is a tenth of the interval, at most this
MISFIRE_GRACE = 12 * 3600  # seconds late a missed run may still start (machine asleep, service down)
JOB_OPTIONS = {"max_instances": 1, "coalesce": True, "misfire_grace_time": MISFIRE_GRACE}
STOP_TIMEOUT = 240.0  # seconds the service waits for the run in progress to end after SIGTERM
POLL = 0.5  # seconds between two looks at whether a stop was asked for


def trigger_for(timing: Timing) -> BaseTrigger:
    """The APScheduler trigger of a ``Timing``, in UTC; ``DeclarationError`` for a crontab
    expression APScheduler rejects, or one that numbers the days of the week."""
    jitter = timing.jitter
    if timing.every is not None:
        if jitter is None:
            jitter = min(timing.every / 10, JITTER_MAX)
        return IntervalTrigger(seconds=timing.every, timezone=UTC, jitter=jitter or None)
    expression = timing.cron or ""
    fields = expression.split()
    if len(fields) != 5:
        raise DeclarationError(
            f"cron {expression!r} needs 5 fields: minute hour day month day-of-week, e.g. '0 3 * * *'"
        )
    if re.search(r"\d", fields[4]):
        raise DeclarationError(
            f"cron {expression!r}: name the days of the week (mon-fri, sun) instead of numbering "
            "them: APScheduler 3 counts them from Monday, cron from Sunday"
        )
    minute, hour, day, month, day_of_week = fields
    try:
        return CronTrigger(minute=minute, hour=hour, day=day, month=month,
                           day_of_week=day_of_week, timezone=UTC, jitter=jitter or None)
    except ValueError as err:
        raise DeclarationError(f"cron {expression!r} is not a crontab expression: {err}") from err


class SqliteJobStore(BaseJobStore):
    """APScheduler's job store in the project's SQLite file (rows: ``db.jobs.JobRows``).

    Jobs are pickled, as APScheduler's own persistent stores do. A job that can no longer be
    restored (its code changed) is logged and dropped; ``serve`` then adds it afresh.
    """

    def __init__(self, db_path: str):
        super().__init__()
        self.db_path = db_path
        self.rows: JobRows | None = None

    def start(self, scheduler, alias):  # type: ignore[no-untyped-def]
        super().start(scheduler, alias)
        self.rows = JobRows(self.db_path)

    def shutdown(self) -> None:
        if self.rows is not None:
            self.rows.close()
            self.rows = None

    def lookup_job(self, job_id: str) -> Job | None:
        state = self._rows.state(job_id)
        jobs = self._jobs([(job_id, state)]) if state is not None else []
        return jobs[0] if jobs else None

    def get_due_jobs(self, now: datetime) -> list[Job]:
        # BackgroundScheduler's loop looks once more after shutdown: nothing is due then.
        return self._jobs(self.rows.states(due_by=_iso(now))) if self.rows is not None else []

    def get_next_run_time(self) -> datetime | None:
        return _parse_iso(self.rows.next_run_time()) if self.rows is not None else None

    def get_all_jobs(self) -> list[Job]:
        return self._jobs(self._rows.states())

    def add_job(self, job: Job) -> None:
        if not self._rows.insert(job.id, _iso(job.next_run_time), _pickle(job)):
            raise ConflictingIdError(job.id)

    def update_job(self, job: Job) -> None:
        if not self._rows.update(job.id, _iso(job.next_run_time), _pickle(job)):
            raise JobLookupError(job.id)

    def remove_job(self, job_id: str) -> None:
        if not self._rows.delete(job_id):
            raise JobLookupError(job_id)

    def remove_all_jobs(self) -> None:
        self._rows.delete()

    @property
    def _rows(self) -> JobRows:
        if self.rows is None:
            raise RuntimeError("the job store is not started")
        return self.rows

    def _jobs(self, states: Iterable[tuple[str, bytes]]) -> list[Job]:
        jobs = []
        for job_id, state in states:
            try:
                job_state = pickle.loads(state)
                job_state["jobstore"] = self
                job = Job.__new__(Job)
                job.__setstate__(job_state)
            except Exception:
                log.exception("cannot restore scheduled job %r; dropping it", job_id)
                self._rows.delete(job_id)
                continue
            job._scheduler = self._scheduler
            job._jobstore_alias = self._alias
            jobs.append(job)
        return jobs


def _pickle(job: Job) -> bytes:
    return pickle.dumps(job.__getstate__(), pickle.HIGHEST_PROTOCOL)


def _iso(moment: datetime | None) -> str | None:
    """Fixed-width ISO 8601 UTC to the microsecond: text order is time order."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ") if moment else None


def _parse_iso(text: str | None) -> datetime | None:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%f%z") if text else None


class _Child:
    """The run in progress, a child process (one at most: ``max_instances=1``), so the service
    can ask it to stop; once the service is stopping, no run starts."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._stopping = False

    def run(self, command: Sequence[str]) -> int | None:
        """Run ``command`` to its end; its exit code, or ``None`` when the service is stopping."""
        with self._lock:
            if self._stopping:
                return None
            self._process = process = subprocess.Popen(command, stdin=subprocess.DEVNULL)
        try:
            return process.wait()
        finally:
            with self._lock:
                self._process = None

    def stop(self, timeout: float) -> None:
        """Start no more runs; ask the one in progress to stop (SIGTERM), kill it after
        ``timeout`` seconds."""
        with self._lock:
            self._stopping = True
            process = self._process
        if process is None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            log.error("the run in progress did not stop within %.0f s: killing it "
                      "(the next run records it as interrupted)", timeout)
            process.kill()
            process.wait()


_CHILD = _Child()


def run_child(argv: list[str], policies: list[str] | None = None) -> None:
    """The scheduled job: ``python -m tracker ARGV`` (``schedule --once ...``), one recorded
    run, in a child process; returns when it ends. ``policies`` are the slugs it covers
    (``None``: every tracked policy), for the log and for ``policy-history status``."""
    log.info("run of %s starting", ", ".join(policies) if policies else "every tracked policy")
    code = _CHILD.run([sys.executable, "-m", "tracker", *argv])
    if code:
        log.warning("the run ended with exit code %d (see its messages above, and "
                    "`policy-history runs`)", code)


def serve(
    db_path: str, *, timing: Timing | None, argv: Sequence[str], policies: Sequence[str] | None
) -> None:
    """Run the scheduled service in the foreground until SIGINT or SIGTERM.

    ``timing`` replaces the stored schedule when it differs (``None``: keep the stored one,
    or every 6 hours when there is none); ``argv`` is the child's command line after
    ``python -m tracker``. A new schedule runs at once; a run that was interrupted (the service
    stopped or killed mid-run) is resumed at once. Raises ``DatabaseBusy`` when another
    scheduler serves this database, ``DeclarationError`` for a bad crontab expression.
    """
    lock = FileLock(db_path, "schedule")
    if not lock.acquire(f"policy-history schedule (pid {os.getpid()}, since {utcnow()})"):
        raise DatabaseBusy(
            f"another scheduler is running on {db_path}: {lock.holder()}; only one may run per "
            "database: stop it first, or make one run with `policy-history schedule --once`"
        )
    try:
        trigger = trigger_for(timing) if timing is not None else None
        store = Store(db_path)
        store.reconcile_runs()
        last = store.runs(1)
        resume = bool(last) and last[0]["status"] == "interrupted"
        store.close()
        logging.getLogger("apscheduler").setLevel(logging.WARNING)  # each job's start and end: ours say more
        scheduler = BackgroundScheduler(timezone=UTC,
                                        jobstores={"default": SqliteJobStore(db_path)})
        with Shutdown() as shutdown:
            scheduler.start(paused=True)
            try:
                job = _plan(scheduler, timing, trigger, argv, policies, resume=resume)
                scheduler.resume()
                log.info("scheduled: %s; next run at %s. Stop with Ctrl-C or SIGTERM",
                         job.name, iso_utc(job.next_run_time))
                while not shutdown.requested:
                    time.sleep(POLL)
                log.info("%s received: stopping; the run in progress ends at its next safe point",
                         shutdown.signal)
            finally:
                _CHILD.stop(STOP_TIMEOUT)
                scheduler.shutdown(wait=True)
    finally:
        lock.release()
    log.info("scheduler stopped")


def _plan(
    scheduler: BackgroundScheduler,
    timing: Timing | None,
    trigger: BaseTrigger | None,
    argv: Sequence[str],
    policies: Sequence[str] | None,
    *,
    resume: bool,
) -> Job:
    """Add the ``crawl`` job, or bring the stored one up to date with these options
    (``trigger``: that of ``timing``, ``None`` to keep the stored one)."""
    kwargs = {"argv": list(argv), "policies": list(policies) if policies else None}
    now = datetime.now(UTC)
    job: Job | None = scheduler.get_job(JOB_ID)
    if job is None:
        chosen = timing or DEFAULT_TIMING
        return scheduler.add_job(run_child, trigger or trigger_for(chosen), id=JOB_ID,
                                 name=str(chosen), kwargs=kwargs, next_run_time=now, **JOB_OPTIONS)
    job.modify(kwargs=kwargs, **JOB_OPTIONS)
    if trigger is not None and _signature(trigger) != _signature(job.trigger):
        job.modify(name=str(timing))
        job.reschedule(trigger)
        log.info("schedule changed to %s", timing)
    if resume:
        log.info("the last run was interrupted: running again now")
        job.modify(next_run_time=now)
    return scheduler.get_job(JOB_ID)


def _signature(trigger: BaseTrigger) -> tuple[str, str, object]:
    """What makes two triggers fire alike (not their creation time)."""
    return type(trigger).__name__, str(trigger), getattr(trigger, "jitter", None)


@dataclass(frozen=True)
class Plan:
    """A scheduled job as ``policy-history status`` shows it: its timing, next run (UTC;
    ``None`` when paused) and the policies it covers (``None``: every tracked one)."""

    timing: str
    next_run: datetime | None
    policies: tuple[str, ...] | None


def planned(db_path: str) -> list[Plan]:
    """The scheduled jobs stored in the database (whether or not the service runs)."""
    store = SqliteJobStore(db_path)
    store.start(None, "default")
    try:
        jobs = store.get_all_jobs()
    finally:
        store.shutdown()
    return [
        Plan(job.name, job.next_run_time,
             tuple(job.kwargs["policies"]) if job.kwargs.get("policies") else None)
        for job in jobs
    ]


def service_holder(db_path: str) -> str | None:
    """Who runs the scheduled service on this database (from its lock), or ``None``."""
    lock = FileLock(db_path, "schedule")
    if lock.acquire(f"a check (pid {os.getpid()})"):
        lock.release()
        return None
    return lock.holder()
