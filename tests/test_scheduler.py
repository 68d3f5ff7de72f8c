"""The scheduled service end to end: real processes, a real pywb archive, real signals.

Each test starts `policy-history schedule` as a user or systemd would, in a process group of its
own, and reads what it recorded in the database. Replays and CDX queries are counted at the
archive.
"""
from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from click.testing import CliRunner
from corpus import corpus_captures, corpus_document
from localsites import Answer, LocalSite
from test_end_to_end import our_groups, policy_history, reference_groups

from crawler.localarchive import LocalArchive
from scheduler import Plan, SqliteJobStore, planned, run_child
from tracker.cli import cli
from tracker.declarations import Timing, load_timing
from tracker.errors import DeclarationError


def declare(path: Path, *doc_ids: str) -> str:
    """A declarations file tracking these corpus documents at every URL they were captured at."""
    policies = {doc: {"urls": sorted({c["url"] for c in corpus_document(doc)["captures"]})}
                for doc in doc_ids}
    path.write_text(yaml.safe_dump({"policies": policies}))
    return str(path)


def query(db: Path, sql: str) -> list[dict[str, Any]]:
    """Rows of ``sql`` on ``db`` as dicts; none while the database is not there yet."""
    if not db.exists():
        return []
    try:
        with contextlib.closing(sqlite3.connect(db)) as conn:
            conn.row_factory = sqlite3.Row
            return [dict(row) for row in conn.execute(sql)]
    except sqlite3.OperationalError:  # the schema is being created
        return []


def runs(db: Path) -> list[dict[str, Any]]:
    """Every run, oldest first, ``counts`` parsed."""
    rows = query(db, "select id, kind, status, finished_at, counts, error from runs order by id")
    return [{**row, "counts": json.loads(row["counts"] or "{}")} for row in rows]


def stored(db: Path) -> int:
    """Captures stored with their page."""
    rows = query(db, "select count(*) as n from captures where error is null")
    return rows[0]["n"] if rows else 0


def replayed(archive: LocalArchive) -> list[str]:
    """The ``id_`` replay paths the archive served so far."""
    return [line.split()[1] for line in archive.requests() if "id_/" in line]


def replay_path(capture: Any) -> str:
    return f"/web/{capture.timestamp}id_/{capture.url}"


class Service:
    """`policy-history schedule --db DB ARGS...` in a process group of its own, stderr to a file."""

    def __init__(self, db: Path, *args: str):
        self.db = db
        self.log = db.parent / f"service-{time.monotonic_ns()}.log"
        with open(self.log, "w") as stderr:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tracker", "schedule", "--db", str(db), *args],
                stdout=subprocess.DEVNULL, stderr=stderr, start_new_session=True,
            )

    def stderr(self) -> str:
        return self.log.read_text()

    def wait_for(self, condition: Callable[[], Any], what: str, timeout: float = 90) -> Any:
        """Poll ``condition()`` until it is truthy; fail if the service exits first."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = condition()
            if value:
                return value
            assert self.process.poll() is None, f"the service exited:\n{self.stderr()}"
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting for {what}:\n{self.stderr()}")

    def stop(self, signum: int = signal.SIGTERM) -> int:
        """Send ``signum`` (SIGKILL goes to the whole process group, as systemd or the OOM
        killer would); returns the exit code."""
        if signum == signal.SIGKILL:
            os.killpg(self.process.pid, signal.SIGKILL)
        else:
            self.process.send_signal(signum)
        return self.process.wait(timeout=60)


@pytest.fixture
def services() -> Iterator[Callable[..., Service]]:
    """Starts services; kills what is left of them at the end."""
    started: list[Service] = []

    def start(db: Path, *args: str) -> Service:
        started.append(Service(db, *args))
        return started[-1]

    yield start
    for service in started:
        if service.process.poll() is None:
            os.killpg(service.process.pid, signal.SIGKILL)
            service.process.wait()


def test_new_captures_are_found_by_the_next_run_and_only_they_are_fetched(
    empty_archive: LocalArchive, services: Callable[..., Service], tmp_path: Path
) -> None:
    docs = ("bumble-privacy-policy", "lex-privacy-policy")
    early = [c for doc in docs for c in corpus_captures(doc)[:3]]  # revision 1 of each
    late = [c for doc in docs for c in corpus_captures(doc)[3:]]  # revisions 2 to 4 of each
    empty_archive.add(early, "early")
    db, feeds = tmp_path / "p.db", tmp_path / "feeds"
    with LocalSite() as hook:
        hook.answers["/hook"] = Answer(status=204)
        service = services(db, "--every", "1s", "--archive", empty_archive.url,
                           "--declarations", declare(tmp_path / "p.yaml", *docs),
                           "--feeds", str(feeds), "--webhook", f"{hook.url}/hook")
        first = service.wait_for(lambda: [r for r in runs(db) if r["status"] == "ok"], "a first run")[0]
        assert (first["counts"]["stored"], first["counts"]["new_revisions"]) == (6, 2)
        assert hook.received == []  # a policy's first revisions are history, not news
        before = Counter(replayed(empty_archive))
        requests_before = len(empty_archive.requests())

        empty_archive.add(late, "late")
        service.wait_for(lambda: sum(r["counts"].get("new_revisions", 0) for r in runs(db)) == 8,
                         "the new revisions")
        assert service.stop() == 0

    new_replays = Counter(replayed(empty_archive)) - before
    print(f"replays after the new captures: {sum(new_replays.values())} for {len(late)} new captures")
    assert set(new_replays) <= {replay_path(c) for c in late}
    later = [r for r in runs(db) if r["id"] > first["id"]]
    assert all(r["status"] == "ok" for r in later), later
    assert sum(new_replays.values()) == sum(r["counts"]["fetched"] for r in later)
    assert sum(r["counts"]["fetched"] + r["counts"]["reused"] for r in later) == len(late)
    cdx = [line for line in empty_archive.requests()[requests_before:] if "/cdx/search/cdx?" in line]
    assert cdx and all("from=" in line for line in cdx)  # incremental listings only
    for doc in docs:
        assert our_groups(db, doc) == reference_groups(corpus_document(doc))
    posted = [json.loads(r.body) for r in hook.received]
    assert sorted((p["policy"], p["revision"]) for p in posted) == [
        (doc, n) for doc in docs for n in (2, 3, 4)]
    atom = "{http://www.w3.org/2005/Atom}"
    assert len(ET.parse(feeds / "all.atom").getroot().findall(f"{atom}entry")) == 8
    assert len(ET.parse(feeds / f"{docs[0]}.atom").getroot().findall(f"{atom}entry")) == 4


CORPUS_DOCS = ("bumble-privacy-policy", "lex-privacy-policy", "eharmony-privacy-policy",
               "github-privacy-policy")  # 32 captures


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_a_service_killed_mid_run_resumes_losing_and_duplicating_nothing(
    archive: LocalArchive, services: Callable[..., Service], tmp_path: Path, signum: int
) -> None:
    db = tmp_path / "p.db"
    total = sum(len(corpus_captures(doc)) for doc in CORPUS_DOCS)
    service = services(db, "--every", "1h", "--archive", archive.url, "--replays-per-minute", "300",
                       "--declarations", declare(tmp_path / "p.yaml", *CORPUS_DOCS))
    service.wait_for(lambda: stored(db) >= 8, "the run to be under way")
    code = service.stop(signum)
    at_stop = {(r["timestamp"], r["url"]) for r in query(db, "select timestamp, url from captures"
                                                         " where error is null")}
    assert len(at_stop) < total, "the run should be stopped mid-way"
    if signum == signal.SIGTERM:
        assert code == 0
        assert [(r["status"], bool(r["finished_at"])) for r in runs(db)] == [("interrupted", True)]
        assert "stopped by SIGTERM" in runs(db)[0]["error"]
    else:
        assert code == -signal.SIGKILL
        assert [r["status"] for r in runs(db)] == ["running"]
        shown = policy_history("runs", "--db", str(db)).stdout
        assert "interrupted" in shown and "its process ended before the run finished" in shown
    before = Counter(replayed(archive))

    restarted = services(db, "--archive", archive.url)  # the stored schedule, resumed at once
    restarted.wait_for(lambda: [r for r in runs(db) if r["status"] == "ok"], "the resumed run")
    assert restarted.stop() == 0

    assert [r["status"] for r in runs(db)] == ["interrupted", "ok"]
    rows = query(db, "select timestamp, url, error, body_sha256 from captures")
    assert len(rows) == total and all(r["error"] is None and r["body_sha256"] for r in rows)
    refetched = {path for path in Counter(replayed(archive)) - before}
    assert not refetched & {f"/web/{ts}id_/{url}" for ts, url in at_stop}
    for doc in CORPUS_DOCS:
        assert our_groups(db, doc) == reference_groups(corpus_document(doc))


SMALL = "chatgpt-privacy-policy"  # 4 captures, 2 revisions


def small_service(services: Callable[..., Service], archive: LocalArchive, tmp_path: Path,
                  *args: str) -> tuple[Path, Service]:
    """A service on a new database tracking ``SMALL`` on ``archive``."""
    db = tmp_path / "p.db"
    return db, services(db, *args, "--archive", archive.url, "--declarations", declare(tmp_path / "p.yaml", SMALL))


def test_a_run_while_the_archive_is_down_fails_clearly_and_the_next_catches_up(
    empty_archive: LocalArchive, services: Callable[..., Service], tmp_path: Path
) -> None:
    empty_archive.add(corpus_captures(SMALL), "small")
    empty_archive.stop()
    db, service = small_service(services, empty_archive, tmp_path, "--every", "1s")
    failed = service.wait_for(lambda: [r for r in runs(db) if r["status"] == "failed"], "a failed run")
    assert failed[0]["error"].startswith(f"archive {empty_archive.url} is not reachable")
    assert "check --archive or try again later" in failed[0]["error"]
    empty_archive.start()
    service.wait_for(lambda: [r for r in runs(db) if r["status"] == "ok"], "a run once it is back")
    assert service.stop() == 0
    statuses = [r["status"] for r in runs(db)]
    caught_up = runs(db)[statuses.index("ok")]
    assert set(statuses[:statuses.index("ok")]) == {"failed"}
    assert caught_up["counts"]["stored"] == len(corpus_captures(SMALL))
    assert our_groups(db, SMALL) == reference_groups(corpus_document(SMALL))


def test_fifty_consecutive_runs_in_one_service_all_succeed(
    archive: LocalArchive, services: Callable[..., Service], tmp_path: Path
) -> None:
    db, service = small_service(services, archive, tmp_path, "--every", "0.2s")
    started = time.monotonic()
    service.wait_for(lambda: len([r for r in runs(db) if r["finished_at"]]) >= 50, "50 runs", timeout=150)
    elapsed = time.monotonic() - started
    assert service.stop() == 0
    fifty = runs(db)[:50]
    assert [r["status"] for r in fifty] == ["ok"] * 50
    assert fifty[0]["counts"]["stored"] == 4
    assert all(r["counts"] == fifty[1]["counts"] for r in fifty[2:])  # the 50th run as the 2nd
    assert fifty[1]["counts"]["fetched"] == 0 and fifty[1]["counts"]["errors"] == 0
    print(f"50 runs in {elapsed:.1f} s ({elapsed / 50:.2f} s a run)")


def job_row(db: Path) -> dict[str, Any]:
    [row] = query(db, "select id, next_run_time from scheduler_jobs")
    return row


def test_a_restart_keeps_the_schedule_and_a_second_scheduler_is_refused(
    archive: LocalArchive, services: Callable[..., Service], tmp_path: Path
) -> None:
    db, service = small_service(services, archive, tmp_path, "--every", "1h")
    service.wait_for(lambda: [r for r in runs(db) if r["status"] == "ok"], "a first run")
    second = policy_history("schedule", "--db", str(db), "--archive", archive.url, check=False)
    assert second.returncode == 1
    assert f"another scheduler is running on {db}: policy-history schedule (pid {service.process.pid}" in second.stderr
    status = policy_history("status", "--db", str(db))
    planned = job_row(db)["next_run_time"]
    [line] = [line for line in status.stdout.splitlines() if line.startswith("chatgpt-privacy-policy")]
    assert line.split()[1:3] == ["2024-06-10T00:30:16Z", "2"]  # last capture, last revision
    assert " #1 " in line and line.endswith(f"ok      {planned[:19]}Z")  # last run, next run
    assert status.stderr.startswith(f"scheduler: running, policy-history schedule (pid {service.process.pid}")
    assert service.stop() == 0

    restarted = services(db, "--archive", archive.url)
    restarted.wait_for(lambda: "scheduled: every 1h" in restarted.stderr(), "the restart")
    assert f"next run at {planned[:19]}Z" in restarted.stderr()
    assert restarted.stop() == 0
    assert len(runs(db)) == 1 and job_row(db)["next_run_time"] == planned

    changed = services(db, "--cron", "0 3 * * sun", "--archive", archive.url)
    changed.wait_for(lambda: "scheduled: cron '0 3 * * sun' (UTC)" in changed.stderr(), "the new schedule")
    assert changed.stop() == 0
    next_run = datetime.strptime(job_row(db)["next_run_time"], "%Y-%m-%dT%H:%M:%S.%f%z")
    assert (next_run.weekday(), next_run.hour, next_run.minute) == (6, 3, 0)
    assert next_run > datetime.now(UTC) and len(runs(db)) == 1


@pytest.mark.parametrize("args, message", [
    (["--every", "5x"], "Error: --every: '5x' is not a duration like 90s, 30m, 6h or 1d"),
    (["--every", "1h", "--cron", "0 3 * * *"], "give either --every or --cron, not both"),
    (["--jitter", "5m"], "--jitter needs --every or --cron"),
    (["--cron", "0 3 * * 1"], "name the days of the week (mon-fri, sun) instead of numbering them"),
    (["--cron", "0 3 * *"], "needs 5 fields: minute hour day month day-of-week"),
    (["--cron", "61 3 * * *"], "cron '61 3 * * *' is not a crontab expression"),
    (["--once", "--every", "1h"], "--once makes one run now: drop --every, --cron and --jitter"),
    (["--webhook", "example.org/hook"], "Invalid value for --webhook: 'example.org/hook' is not an http(s) URL"),
])
def test_bad_schedules_are_one_clear_line(tmp_path: Path, args: list[str], message: str) -> None:
    db = str(tmp_path / "p.db")
    CliRunner().invoke(cli, ["add", "a-privacy", "https://a.test/privacy", "--db", db])
    result = CliRunner().invoke(cli, ["schedule", "--db", db, *args])
    assert result.exit_code in (1, 2) and message in result.output and "Traceback" not in result.output
    assert query(Path(db), "select * from scheduler_jobs") == []


def test_the_schedule_can_come_from_the_declarations(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    policies = "policies:\n  a-privacy:\n    urls: [https://a.test/privacy]\n"
    path.write_text("schedule: {cron: '0 3 * * sun', jitter: 10m}\n" + policies)
    assert load_timing(path) == Timing(cron="0 3 * * sun", jitter=600)
    assert str(load_timing(path)) == "cron '0 3 * * sun' (UTC), jitter up to 10m"
    path.write_text("schedule: {every: 6h, cron: '0 3 * * *'}\n" + policies)
    with pytest.raises(DeclarationError, match="mine.yaml schedule: give either every or cron, not both"):
        load_timing(path)
    path.write_text("schedule: 6h\n" + policies)
    with pytest.raises(DeclarationError, match="mine.yaml: 'schedule' takes 'every: 6h'"):
        load_timing(path)
    path.write_text(policies)
    assert load_timing(path) is None


def test_the_job_store_keeps_jobs_in_the_database(tmp_path: Path) -> None:
    db = str(tmp_path / "jobs.db")
    when = datetime(2030, 1, 1, 3, tzinfo=UTC)
    for start in range(2):
        jobs = BackgroundScheduler(timezone=UTC, jobstores={"default": SqliteJobStore(db)})
        jobs.start(paused=True)
        if start == 0:
            jobs.add_job(run_child, IntervalTrigger(hours=6, timezone=UTC), id="crawl",
                         name="every 6h", kwargs={"argv": ["x"], "policies": ["a-privacy"]},
                         next_run_time=when)
        else:
            job = jobs.get_job("crawl")
            assert (job.next_run_time, job.kwargs["policies"], str(job.trigger)) == (
                when, ["a-privacy"], "interval[6:00:00]")
        jobs.shutdown(wait=False)
    assert planned(db) == [Plan("every 6h", when, ("a-privacy",))]
    assert query(Path(db), "select next_run_time from scheduler_jobs") == [
        {"next_run_time": "2030-01-01T03:00:00.000000Z"}]
    with contextlib.closing(sqlite3.connect(db)) as conn, conn:
        conn.execute("update scheduler_jobs set job_state = x'00'")  # e.g. written by other code
    assert planned(db) == []  # dropped, logged; `schedule` adds it afresh


ROOT = Path(__file__).resolve().parents[1]


def test_the_documented_service_and_cron_command_lines_parse() -> None:
    unit = (ROOT / "contrib" / "policy-history.service").read_text().replace("\\\n", " ")
    readme = (ROOT / "README.md").read_text()
    [exec_start] = re.findall(r"^ExecStart=\S+/policy-history (.*)$", unit, re.M)
    [cron_line] = re.findall(r"/policy-history -q (schedule --once .*)$", readme, re.M)
    for line in (exec_start, cron_line):
        name, *args = line.split()
        command = cli.commands[name]
        assert command.make_context(name, args).params["db_path"] == "/var/lib/policy-history/policies.db"
    assert "KillMode=mixed" in unit
    for name in cli.commands:  # every command is in the README's table
        assert f"| `policy-history {name}" in readme, name
