"""Running the CLI as a user does: in a child process (Twisted's reactor runs once per process),
and a server it starts."""
from __future__ import annotations

import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests


def policy_history(*args: str, cwd: Path | None = None, check: bool = True) -> subprocess.CompletedProcess:
    """Run ``policy-history ARGS`` in a child process; returns it completed (text output)."""
    result = subprocess.run([sys.executable, "-m", "tracker", *args], capture_output=True, text=True,
                            cwd=cwd, timeout=600)
    if check and result.returncode != 0:
        raise AssertionError(f"policy-history {' '.join(args)} failed:\n{result.stderr}")
    return result


@contextmanager
def serving(db: Path, timeout: float = 30) -> Iterator[str]:
    """``policy-history serve DB`` on a free 127.0.0.1 port in a child process, until the block
    ends; yields its base URL once it answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile("w+") as log:  # not a pipe: a full pipe would stall the server
        child = subprocess.Popen([sys.executable, "-m", "tracker", "serve", str(db), "--port", str(port)],
                                 stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    requests.get(url + "/-/versions.json", timeout=5).raise_for_status()
                    break
                except requests.ConnectionError:
                    if child.poll() is not None or time.monotonic() > deadline:
                        log.seek(0)
                        raise AssertionError(f"policy-history serve did not start:\n{log.read()}") from None
                    time.sleep(0.1)
            yield url
        finally:
            child.terminate()
            child.wait(timeout=30)


def copy_database(source: Path, target: Path) -> Path:
    """A consistent copy of a SQLite file in WAL mode (its WAL included), at ``target``."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return target
