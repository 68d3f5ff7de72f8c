"""What makes runs safe to repeat for months: one at a time, killed ones found out, incremental
listings that never skip a capture, revisions that catch up after a kill. In-process."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from test_notify import ARCHIVE, BUMBLE, bumble_store, store_capture

from crawler.cdx import CdxRecord
from db.store import NOT_FETCHED, Store, urlkey
from tracker.errors import DatabaseBusy
from tracker.history import update


def test_one_run_at_a_time_and_a_dead_one_is_marked_interrupted(tmp_path: Path) -> None:
    store, _ = bumble_store(tmp_path)
    run_id = store.start_run("scheduled", ARCHIVE, ["bumble-privacy"])
    other = Store(store.path)
    with pytest.raises(DatabaseBusy, match=rf"another run is writing to {store.path}: a scheduled run \(pid \d+"):
        other.start_run("crawl", ARCHIVE)
    assert other.reconcile_runs() == 0  # it is alive: left alone
    store.close()  # as a killed process would: the lock goes, the row stays "running"
    assert other.reconcile_runs() == 1
    [row] = other.runs()
    assert (row["id"], row["status"], row["finished_at"]) == (run_id, "interrupted", None)
    assert row["policies"] == ["bumble-privacy"]
    assert row["error"].startswith("its process ended before the run finished (killed?)")
    assert other.start_run("crawl", ARCHIVE) == run_id + 1


def record(timestamp: str, url: str = BUMBLE[0].url) -> CdxRecord:
    return CdxRecord(urlkey(url), timestamp, url, "text/html", 200, None, None)


def test_an_incremental_listing_starts_at_the_earliest_capture_not_fetched(tmp_path: Path) -> None:
    store, _ = bumble_store(tmp_path)
    key = urlkey(BUMBLE[0].url)
    assert store.listing_start(ARCHIVE, key) is None  # nothing stored: list everything
    store_capture(store, BUMBLE[0])
    store_capture(store, BUMBLE[5])
    assert store.listing_start(ARCHIVE, key) == BUMBLE[5].timestamp
    store.record_listed(ARCHIVE, [record(BUMBLE[2].timestamp), record(BUMBLE[7].timestamp)])
    assert store.listing_start(ARCHIVE, key) == BUMBLE[2].timestamp  # a crawl stopped half-way
    assert store.not_fetched(ARCHIVE, [key]) == 2
    store.record_capture_errors(ARCHIVE, [record(BUMBLE[1].timestamp)], "HTTP 503")
    assert store.listing_start(ARCHIVE, key) == BUMBLE[1].timestamp  # failed: tried again
    store.record_listed(ARCHIVE, [record(BUMBLE[5].timestamp)])  # stored already: kept
    assert store.listing_start("https://web.archive.org", key) is None  # per archive
    with sqlite3.connect(store.path) as conn:
        errors = dict(conn.execute("select timestamp, error from captures"))
    assert errors == {BUMBLE[0].timestamp: None, BUMBLE[5].timestamp: None, BUMBLE[2].timestamp: NOT_FETCHED,
                      BUMBLE[7].timestamp: NOT_FETCHED, BUMBLE[1].timestamp: "HTTP 503"}


def test_revisions_catch_up_after_a_kill_between_extracting_and_revising(tmp_path: Path) -> None:
    store, bumble = bumble_store(tmp_path)
    for capture in BUMBLE:
        store_capture(store, capture)
    update(store)
    revisions = store.revisions(bumble.id)
    with sqlite3.connect(store.path) as conn:  # as if killed between extracting and revising:
        conn.execute("delete from changes")  # the extraction's transaction raised the flag,
        conn.execute("delete from revisions")  # no revision replaced it yet
        conn.execute("update documents set history_stale = 1")
    assert store.stale_documents() == [bumble.id]
    assert update(store).extracted == 0
    assert store.revisions(bumble.id) == revisions
