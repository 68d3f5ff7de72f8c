"""Live pages (`schedule --live`): a changed page is recorded and the archive asked to save it.

The "live site" and the stand-in for web.archive.org's Save Page Now are real HTTP servers on
127.0.0.1 (tests/localsites.py); runs are `policy-history schedule --once` child processes.
"""
from __future__ import annotations

import base64
import hashlib
import json
import sqlite3
import time
from pathlib import Path

from corpus import corpus_captures
from localsites import Answer, LocalSite
from test_end_to_end import policy_history

from crawler.archive import Archive
from crawler.live import SavePageNow
from crawler.localarchive import LocalArchive

# Two captures of Bumble's policy with different texts (revisions 1 and 2 of the corpus)
BUMBLE = corpus_captures("bumble-privacy-policy")
OLD, NEW = BUMBLE[0].body, BUMBLE[3].body


def saves(site: LocalSite) -> list[str]:
    return [r.path for r in site.received if r.path.startswith("/save/")]


def live_rows(db: Path) -> list[tuple[str, str, str]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("select archive, url, digest from captures order by id").fetchall()


def last_run(db: Path) -> tuple[str, dict[str, int]]:
    with sqlite3.connect(db) as conn:
        status, counts = conn.execute("select status, counts from runs order by id desc").fetchone()
    return status, json.loads(counts)


def test_a_changed_live_page_is_recorded_and_saved(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    with LocalSite() as live, LocalSite() as wayback:
        url = f"{live.url}/privacy"
        live.answers["/privacy"] = Answer(OLD)
        # An archive that has no capture of the page yet, and whose Save Page Now works
        wayback.answers["/cdx/search/cdx"] = Answer(headers={"Content-Type": "text/x-ndjson"})
        memento = f"https://web.archive.org/web/20260102030405/{url}"
        # waybackpy reads the new capture's address from the Link header, as IA sends it
        link = f'<{memento}>; rel="memento"; datetime="Fri, 02 Jan 2026 03:04:05 GMT", <{memento}>; rel="last memento"'
        wayback.answers[f"/save/{url}"] = Answer(headers={"Link": link})
        policy_history("add", "bumble-privacy", url, "--db", str(db))
        once = ("schedule", "--once", "--live", "--db", str(db), "--archive", wayback.url)

        first = policy_history(*once)
        assert saves(wayback) == [f"/save/{url}"]
        assert f"asked {wayback.url} to save {url}: {memento}" in first.stderr
        [(archive, captured, digest)] = live_rows(db)
        assert (archive, captured) == ("live", url)
        assert digest == base64.b32encode(hashlib.sha1(OLD).digest()).decode()  # as IA's CDX
        status, counts = last_run(db)
        assert (status, counts["errors"]) == ("ok", 0)
        assert {k: v for k, v in counts.items() if k.startswith("live_")} == {
            "live_checked": 1, "live_changed": 1, "live_no_text": 0, "live_failed": 0,
            "live_saved": 1, "live_save_failed": 0}

        policy_history(*once)  # unchanged: nothing recorded, nothing saved
        assert len(live_rows(db)) == 1 and len(saves(wayback)) == 1
        assert last_run(db)[1]["live_changed"] == 0

        live.answers["/privacy"] = Answer(NEW)
        policy_history(*once)
        assert len(live_rows(db)) == 2 and len(saves(wayback)) == 2
    log = policy_history("log", "bumble-privacy", "--db", str(db)).stdout.splitlines()
    assert [line.split()[0] for line in log[1:]] == ["1", "2"]


def test_live_failures_are_logged_and_never_fatal(archive: LocalArchive, tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    with LocalSite() as live:
        live.answers["/privacy"] = Answer(NEW)  # "/moved" answers 404
        policy_history("add", "bumble-privacy", f"{live.url}/privacy", "--db", str(db))
        policy_history("add", "gone-privacy", f"{live.url}/moved", "--db", str(db))
        # pywb has no Save Page Now: the save fails
        result = policy_history("schedule", "--once", "--live", "--db", str(db), "--archive", archive.url,
                                check=False)
    assert f"live page {live.url}/moved: it answered HTTP 404; has the policy moved?" in result.stderr
    save_url = f"{archive.url}/save/{live.url}/privacy"
    assert f"could not have {live.url}/privacy saved: {save_url} answered HTTP 404" in result.stderr
    assert "Traceback" not in result.stderr
    status, counts = last_run(db)
    assert (counts["live_changed"], counts["live_failed"], counts["live_save_failed"]) == (1, 1, 1)
    assert counts["errors"] == 2
    # bumble has its live page; gone-privacy has nothing at all: the run says so
    assert status == "incomplete" and result.returncode == 1
    assert f"gone-privacy: {archive.url} has no capture of {live.url}/moved" in result.stderr


def test_saves_are_spaced_by_the_archives_budget() -> None:
    with LocalSite() as wayback:
        saver = SavePageNow(Archive(wayback.url, 0, 0, saves_per_minute=120))  # one per 0.5 s
        started = time.monotonic()
        results = [saver.save(f"https://a.test/privacy{n}") for n in range(3)]
    assert time.monotonic() - started >= 1.0
    assert [r.path for r in wayback.received] == [f"/save/https://a.test/privacy{n}" for n in range(3)]
    assert all(r.capture is None and "answered HTTP 404" in (r.error or "") for r in results)
    assert Archive.parse("https://web.archive.org").saves_per_minute == 12  # 80% of IA's 15
