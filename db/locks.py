"""Advisory locks beside the database file: one scheduler per database, one run at a time.

Each lock is an ``flock`` on a small file next to the database (``policies.db.run.lock``,
``policies.db.schedule.lock``) that says who holds it. The kernel releases it when the holder
exits, however it ends (even ``kill -9``), so a lock is never left stale. Local file systems
only: ``flock`` over NFS is not reliable.
"""
from __future__ import annotations

import fcntl
import os
from pathlib import Path


class FileLock:
    """An exclusive, non-blocking lock named ``<database>.<purpose>.lock``."""

    def __init__(self, db_path: str | Path, purpose: str):
        self.path = Path(f"{db_path}.{purpose}.lock")
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        """Whether this object holds the lock."""
        return self._fd is not None

    def acquire(self, holder: str) -> bool:
        """Take the lock and write ``holder`` (e.g. ``"run 12, pid 345"``) into its file.

        Returns False at once, without waiting, when another process (or another ``FileLock``
        object) holds it; True when taken or already held by this object.
        """
        if self._fd is not None:
            return True
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        os.ftruncate(fd, 0)
        os.write(fd, holder.encode())
        self._fd = fd
        return True

    def holder(self) -> str:
        """What the holder wrote when it took the lock (``"unknown"`` when unreadable)."""
        try:
            return self.path.read_text().strip() or "unknown"
        except OSError:
            return "unknown"

    def release(self) -> None:
        """Release the lock if this object holds it; safe to call twice."""
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)  # closing the descriptor releases the flock
