"""Politeness through a real fault proxy in front of the archive: back off on 429 and refused
answers, never retry an archived response, report what could not be fetched."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from corpus import corpus_captures
from faultproxy import fault_proxy
from helpers import policy_history

from crawler.localarchive import LocalArchive

LEX = "https://help.thisislex.app/article/51-privacy-policy"


def crawl(db: Path, archive_url: str, *extra: str):
    return policy_history("crawl", "--db", str(db), "--archive", archive_url, *extra, check=False)


def test_429_then_success_backs_off_and_stores_everything(empty_archive: LocalArchive, tmp_path: Path) -> None:
    empty_archive.add(corpus_captures("lex-privacy-policy"), "lex")
    policy_history("add", "lex-privacy", LEX, "--db", str(tmp_path / "p.db"))
    with fault_proxy(empty_archive.url) as proxy:
        proxy.add(r"id_/", "429", times=2)
        proxy.add(r"/cdx/search/cdx", "reset", times=1)
        result = crawl(tmp_path / "p.db", proxy.url, "--retry-wait", "0.2")
    assert result.returncode == 0, result.stderr
    assert proxy.faults("429") == 2 and proxy.faults("reset") == 1
    assert "archive answered HTTP 429" in result.stderr and "waits" in result.stderr
    with sqlite3.connect(tmp_path / "p.db") as conn:
        assert conn.execute("select count(*), count(body_sha256) from captures").fetchone() == (8, 8)
        assert conn.execute("select status from runs").fetchall() == [("ok",)]


def test_an_archived_error_is_a_fact_never_retried(empty_archive: LocalArchive, tmp_path: Path) -> None:
    empty_archive.add(corpus_captures("lex-privacy-policy"), "lex")
    policy_history("add", "lex-privacy", LEX, "--db", str(tmp_path / "p.db"))
    with fault_proxy(empty_archive.url) as proxy:
        proxy.add(r"20240114123257id_/", "503-memento", times=5)
        result = crawl(tmp_path / "p.db", proxy.url, "--retry-wait", "0.2")
    assert result.returncode == 0, result.stderr
    assert proxy.faults("503-memento") == 1  # asked once, kept as it was archived
    with sqlite3.connect(tmp_path / "p.db") as conn:
        status = conn.execute("select status, error from captures where timestamp = '20240114123257'").fetchone()
    assert status == (503, None)


def test_what_cannot_be_fetched_is_reported_and_fetched_next_time(
    empty_archive: LocalArchive, tmp_path: Path
) -> None:
    empty_archive.add(corpus_captures("lex-privacy-policy"), "lex")
    db = tmp_path / "p.db"
    policy_history("add", "lex-privacy", LEX, "--db", str(db))
    with fault_proxy(empty_archive.url) as proxy:
        proxy.add(r"20240402183258id_/", "503", times=100)  # down for this capture, all retries
        first = crawl(db, proxy.url, "--retry-wait", "0.1")
        assert first.returncode == 1
        assert "crawl incomplete: 1 capture(s) could not be fetched" in first.stderr
        assert f"--archive {proxy.url} --db {db}` again" in first.stderr
        assert proxy.faults("503") == 6  # the first try and 5 retries
        proxy.rules.clear()
        second = crawl(db, proxy.url)
    assert second.returncode == 0, second.stderr
    replays = [path for path, what in proxy.log if "id_/" in path]
    assert len([p for p in replays if "20240402183258" in p]) == 7 and len(replays) == 8 + 6
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*), count(body_sha256), count(error) from captures").fetchone() == (8, 8, 0)
        assert [s for (s,) in conn.execute("select status from runs order by id")] == ["incomplete", "ok"]
