"""The local pywb archive answers like web.archive.org where the crawler depends on it.

These run against a real pywb server (fixtures in conftest.py) and pin the facts DESIGN.md's
"Local archive recipe" states, so a pywb upgrade that changes them fails here first.
"""
from __future__ import annotations

import base64
import hashlib
import json
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

import pytest
import requests
from corpus import (
    corpus_captures,
    corpus_document,
    corpus_manifest,
    princeton_captures,
    princeton_manifest,
)
from warcio.archiveiterator import ArchiveIterator

from crawler import localarchive
from crawler.demo import demo_captures
from crawler.localarchive import ArchivedCapture, LocalArchive, ensure_pywb, write_warc
from tracker.errors import ArchiveError


@pytest.fixture(scope="module")
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        session.trust_env = False  # never through a proxy: the archive is on 127.0.0.1
        yield session


def cdx(http: requests.Session, archive: LocalArchive, **params: str) -> list[dict[str, str]]:
    params = {"output": "json", **params}
    resp = http.get(f"{archive.url}/cdx/search/cdx", params=params, timeout=10)
    assert resp.status_code == 200
    return [json.loads(line) for line in resp.text.splitlines()]


def replay(http: requests.Session, archive: LocalArchive, ts: str, url: str) -> requests.Response:
    return http.get(f"{archive.url}/web/{ts}id_/{url}", allow_redirects=False, timeout=10)


def memento_datetime(timestamp: str) -> str:
    moment = datetime.strptime(timestamp, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    return format_datetime(moment, usegmt=True)


def wayback_digest(body: bytes) -> str:
    return base64.b32encode(hashlib.sha1(body).digest()).decode()


# --- CDX -------------------------------------------------------------------------------------

def test_cdx_lists_a_policy_as_json_lines(http, archive):
    doc = corpus_document("bumble-privacy-policy")
    resp = http.get(f"{archive.url}/cdx/search/cdx",
                    params={"url": doc["url"], "output": "json"}, timeout=10)
    assert resp.headers["Content-Type"] == "text/x-ndjson"
    rows = [json.loads(line) for line in resp.text.splitlines()]  # one object per line, no header
    assert [r["timestamp"] for r in rows] == [c["timestamp"] for c in doc["captures"]]
    bodies = {c.timestamp: c.body for c in corpus_captures(doc["id"])}
    for row in rows:
        assert row["url"] == doc["url"]
        assert (row["mime"], row["status"]) == ("text/html", "200")
        assert row["digest"] == wayback_digest(bodies[row["timestamp"]])
        assert "original" not in row and "statuscode" not in row  # IA's names are not used


def test_cdx_timestamps_equal_every_manifest_capture(http, archive):
    expected: dict[str, list[str]] = {}
    for doc in corpus_manifest()["documents"]:
        for cap in doc["captures"]:
            expected.setdefault(cap["url"], []).append(cap["timestamp"])
    for url, timestamps in expected.items():
        assert [r["timestamp"] for r in cdx(http, archive, url=url)] == sorted(timestamps), url
    soompi = princeton_manifest()["domains"]["soompi.com"]["captures"]
    rows = cdx(http, archive, url="http://www.soompi.com/privacy")
    assert [r["timestamp"] for r in rows] == [c["timestamp"] for c in soompi if c["html_file"]]


def test_cdx_parameters_differ_from_web_archive_org(http, empty_archive):
    url = "https://example.com/privacy"
    empty_archive.add([
        ArchivedCapture(url, "20240101000000", b"<p>one</p>"),
        ArchivedCapture(url, "20240201000000", b"<p>one</p>"),
        ArchivedCapture(url, "20240301000000", b"<p>gone</p>", status=404),
        ArchivedCapture(url + "/more", "20240401000000", b"<p>more</p>"),
    ], "params")
    stamps = lambda **p: [r["timestamp"] for r in cdx(http, empty_archive, url=url, **p)]  # noqa: E731
    assert stamps() == ["20240101000000", "20240201000000", "20240301000000"]
    assert stamps(filter="statuscode:200") == ["20240101000000", "20240201000000"]
    assert stamps(filter="statuscode:20") == stamps(filter="statuscode:200")  # "contains"
    assert stamps(filter="!statuscode:200") == ["20240301000000"]
    assert stamps(**{"from": "202402", "to": "20240301000000"}) == stamps()[1:]
    assert stamps(limit="2") == ["20240101000000", "20240201000000"]
    assert stamps(limit="-1") == []  # IA: the last row; pywb: nothing
    assert stamps(collapse="digest") == stamps()  # ignored
    assert stamps(showResumeKey="true", limit="1") == ["20240101000000"]  # no resume key row
    assert stamps(matchType="prefix")[-1] == "20240401000000"
    first = cdx(http, empty_archive, url=url, fl="timestamp,original")[0]
    assert first == {"timestamp": "20240101000000"}  # fl= names are not aliased
    assert cdx(http, empty_archive, url=url + "?lang=fr") == []  # fuzzy matching is off


# --- replay ----------------------------------------------------------------------------------

def test_id_replay_returns_the_original_bytes(http, archive):
    for cap in corpus_captures("lex-privacy-policy") + princeton_captures()[:2]:
        resp = replay(http, archive, cap.timestamp, cap.url)
        assert resp.status_code == 200
        assert resp.content == cap.body
        assert resp.headers["Memento-Datetime"] == memento_datetime(cap.timestamp)


def test_inexact_timestamp_redirects_to_the_capture(http, archive):
    cap = corpus_captures("lex-privacy-policy")[0]
    resp = replay(http, archive, cap.timestamp[:8], cap.url)
    assert resp.status_code in (302, 307)
    assert resp.headers["Location"] == f"{archive.url}/web/{cap.timestamp}id_/{cap.url}"
    assert "Memento-Datetime" not in resp.headers


def test_captured_redirect_replays_as_redirect(http, empty_archive):
    old, new = "http://example.org/privacy.html", "https://www.example.org/legal/privacy"
    empty_archive.add([
        ArchivedCapture(old, "20200101000000", b"", status=301, location=new),
        ArchivedCapture(new, "20200101000005", b"<h1>Privacy</h1>"),
    ], "moved")
    resp = replay(http, empty_archive, "20200101000000", old)
    assert resp.status_code == 301
    assert resp.headers["Location"] == new
    assert resp.headers["Memento-Datetime"] == memento_datetime("20200101000000")
    [row] = cdx(http, empty_archive, url=old)
    assert row["status"] == "301"


def test_archived_404_keeps_memento_datetime(http, empty_archive):
    url = "https://example.net/privacy"
    empty_archive.add([ArchivedCapture(url, "20210101000000", b"not here", status=404)], "gone")
    resp = replay(http, empty_archive, "20210101000000", url)
    assert (resp.status_code, resp.content) == (404, b"not here")
    assert resp.headers["Memento-Datetime"] == memento_datetime("20210101000000")


def test_never_archived_url_is_404_without_memento_datetime(http, archive):
    resp = replay(http, archive, "20240101000000", "https://never-archived.example/privacy")
    assert resp.status_code == 404
    assert "Memento-Datetime" not in resp.headers
    lex = corpus_document("lex-privacy-policy")
    resp = replay(http, archive, lex["captures"][0]["timestamp"], lex["url"] + "?x=1")
    assert resp.status_code == 404  # no fuzzy match to the archived URL


# --- the LocalArchive object -----------------------------------------------------------------

def test_captures_added_while_running_become_visible(http, empty_archive):
    url = "https://example.com/terms"
    assert cdx(http, empty_archive, url=url) == []
    for n in range(2):
        empty_archive.add([ArchivedCapture(url, f"2023010{n + 1}000000", b"v%d" % n)], f"late{n}")
        assert len(cdx(http, empty_archive, url=url)) == n + 1
    assert replay(http, empty_archive, "20230102000000", url).content == b"v1"


def test_requests_counts_replays_at_once(http, empty_archive):
    url = "https://example.com/privacy"
    empty_archive.add([ArchivedCapture(url, "20250226003348", b"<p>hi</p>")], "counted")
    line = f"GET /web/20250226003348id_/{url} 200"
    for n in range(1, 6):
        replay(http, empty_archive, "20250226003348", url)
        assert empty_archive.requests().count(line) == n
    replays = [r for r in empty_archive.requests() if r.startswith("GET /web/")]
    assert replays == [line] * 5  # pywb's internal calls to its own index are not listed


def test_start_and_stop_are_idempotent(http, empty_archive):
    empty_archive.start()
    empty_archive.stop()
    empty_archive.stop()
    with pytest.raises(requests.ConnectionError):
        http.get(empty_archive.url, timeout=2)


def test_write_warc_dates_records_at_capture_time(tmp_path):
    cap = ArchivedCapture("https://example.com/", "20250226003348", b"<p>x</p>")
    with write_warc(tmp_path / "one.warc.gz", [cap]).open("rb") as fh:
        [(date, status, body)] = [
            (r.rec_headers["WARC-Date"], r.http_headers.get_statuscode(), r.content_stream().read())
            for r in ArchiveIterator(fh)
        ]
    assert (date, status, body) == ("2025-02-26T00:33:48Z", "200", cap.body)
    with pytest.raises(ValueError, match="14 digits"):
        write_warc(tmp_path / "bad.warc.gz", [ArchivedCapture("https://example.com/", "2025", b"")])


# --- the pywb virtualenv ---------------------------------------------------------------------

def test_ensure_pywb_reuses_a_complete_venv(tmp_path, monkeypatch):
    venv = tmp_path / "pywb"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "wayback").touch()
    (venv / ".complete").touch()
    monkeypatch.setattr(localarchive.subprocess, "run", None)  # must not build anything
    assert ensure_pywb(venv) == venv / "bin"
    monkeypatch.setenv("POLICY_HISTORY_PYWB_VENV", str(venv))
    assert ensure_pywb() == venv / "bin"


def test_ensure_pywb_rebuilds_a_broken_venv_and_explains_failures(tmp_path, monkeypatch):
    venv = tmp_path / "pywb"
    (venv / "bin").mkdir(parents=True)  # half made: no wayback, no marker
    monkeypatch.setattr(sys, "executable", "/bin/false")  # `python -m venv` fails
    with pytest.raises(ArchiveError, match="POLICY_HISTORY_PYWB_VENV"):
        ensure_pywb(venv)
    assert not venv.exists()


# --- the demo bundle -------------------------------------------------------------------------

def test_demo_captures_are_the_shared_pages():
    demo = demo_captures()
    captures = corpus_captures("bumble-privacy-policy", "lex-privacy-policy") + princeton_captures()
    shared = {(c.url, c.timestamp): c.body for c in captures}
    assert {(c.url, c.timestamp): c.body for c in demo} == shared
    assert all(not c.body.startswith(b"<!--The following") for c in demo)
    bundle = Path(localarchive.__file__).parent / "demo"
    size = sum(p.stat().st_size for p in bundle.rglob("*") if p.is_file())
    assert size < 1_000_000
