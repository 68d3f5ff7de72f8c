"""The scheduler runs crawls in the background, one child process per run."""
from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from crawler.localarchive import LocalArchive


def test_scheduled_runs_repeat_and_record_themselves(archive: LocalArchive, tmp_path: Path) -> None:
    db = tmp_path / "scheduled.db"
    child = subprocess.Popen(
        [sys.executable, "-m", "tracker", "schedule", "--db", str(db), "--every", "1s",
         "--archive", archive.url],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    runs: list[tuple[str, str]] = []
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and len(runs) < 3:
            time.sleep(0.5)
            if db.exists():
                try:
                    with sqlite3.connect(db) as conn:
                        runs = conn.execute(
                            "select status, counts from runs where finished_at is not null").fetchall()
                except sqlite3.OperationalError:
                    pass
    finally:
        child.send_signal(signal.SIGINT)
        child.wait(timeout=60)
    assert len(runs) >= 3, child.stderr.read() if child.stderr else ""
    assert all(status == "ok" for status, _ in runs)
    assert '"stored": 8' in runs[0][1] and '"already_stored": 8' in runs[1][1]
