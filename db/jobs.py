"""The ``scheduler_jobs`` table: the rows of APScheduler's job store, and their only writer.

One row per scheduled job: ``id``, ``next_run_time`` (ISO 8601 UTC to the microsecond, so
text order is time order; ``NULL`` for a paused job) and ``job_state``, the job as APScheduler
serialises it (``scheduler.SqliteJobStore`` turns rows into jobs and back). Every write is its
own transaction.
"""
from __future__ import annotations

from pathlib import Path

from db.schema import open_database


class JobRows:
    """Reads and writes ``scheduler_jobs`` over a connection of its own.

    APScheduler calls its job store from its scheduler thread and from the thread that starts
    or stops it, never two at once: the connection may be used from any thread.
    """

    def __init__(self, db_path: str | Path):
        self.db = open_database(db_path, any_thread=True)

    def close(self) -> None:
        self.db.close()

    def state(self, job_id: str) -> bytes | None:
        """The serialised job with this id, if any."""
        row = next(self.db.query("select job_state from scheduler_jobs where id = ?", [job_id]), None)
        return row["job_state"] if row else None

    def states(self, *, due_by: str | None = None) -> list[tuple[str, bytes]]:
        """``(id, job_state)`` of every job, or of those due by ``due_by`` (ISO UTC), soonest
        first, paused ones last."""
        where = "where next_run_time <= ?" if due_by is not None else ""
        rows = self.db.query(
            f"select id, job_state from scheduler_jobs {where}"
            " order by next_run_time is null, next_run_time, id",
            [due_by] if due_by is not None else [],
        )
        return [(row["id"], row["job_state"]) for row in rows]

    def next_run_time(self) -> str | None:
        """The soonest ``next_run_time`` of all jobs (ISO UTC), or ``None``."""
        return next(self.db.query("select min(next_run_time) as t from scheduler_jobs"))["t"]

    def insert(self, job_id: str, next_run_time: str | None, state: bytes) -> bool:
        """Add a job; False when one with this id exists (nothing written)."""
        with self.db.atomic():
            cursor = self.db.execute(
                "insert into scheduler_jobs (id, next_run_time, job_state) values (?, ?, ?)"
                " on conflict (id) do nothing",
                [job_id, next_run_time, state],
            )
        return cursor.rowcount == 1

    def update(self, job_id: str, next_run_time: str | None, state: bytes) -> bool:
        """Replace a job; False when there is none with this id."""
        with self.db.atomic():
            cursor = self.db.execute(
                "update scheduler_jobs set next_run_time = ?, job_state = ? where id = ?",
                [next_run_time, state, job_id],
            )
        return cursor.rowcount == 1

    def delete(self, job_id: str | None = None) -> bool:
        """Remove the job with this id (every job when ``None``); False when none was there."""
        with self.db.atomic():
            if job_id is None:
                cursor = self.db.execute("delete from scheduler_jobs")
            else:
                cursor = self.db.execute("delete from scheduler_jobs where id = ?", [job_id])
        return cursor.rowcount > 0
