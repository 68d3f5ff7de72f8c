"""`policy-history serve` over HTTP: read-only, packaged metadata, canned queries, the feed,
and pages that keep loading while a crawl writes to the same file."""
from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import requests
from helpers import copy_database, policy_history, serving

from crawler.localarchive import LocalArchive
from tracker.serve import datasette_for

ATOM = "{http://www.w3.org/2005/Atom}"
LEX = "lex-privacy-policy"


@pytest.fixture(scope="module")
def site(history: Path) -> Iterator[str]:
    """The corpus history served by `policy-history serve`; its base URL."""
    with serving(history) as url:
        yield url


def rows(site: str, query: str, **params: str) -> list[dict[str, Any]]:
    response = requests.get(f"{site}/policies/{query}.json", params={**params, "_shape": "array"}, timeout=30)
    response.raise_for_status()
    result: list[dict[str, Any]] = response.json()
    return result


def count(db: Path, sql: str) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute(sql).fetchone()[0])


def test_nothing_can_be_written_through_the_web(site: str, history: Path) -> None:
    documents = count(history, "select count(*) from documents")
    for sql in ("delete from documents", "select 1; delete from documents", "update documents set name = 'x'"):
        answer = requests.get(f"{site}/policies.json", params={"sql": sql}, timeout=30)
        assert answer.status_code == 400 and not answer.json()["ok"]
    for path in ("/policies", "/policies/policies", "/policies/documents"):
        answer = requests.post(site + path, data={"sql": "delete from documents"}, timeout=30)
        assert answer.status_code == 405 and "read-only" in answer.text
    assert count(history, "select count(*) from documents") == documents


def test_even_datasettes_write_connection_is_read_only(history: Path, tmp_path: Path) -> None:
    datasette = datasette_for(copy_database(history, tmp_path / "policies.db"))
    with pytest.raises(sqlite3.OperationalError, match="readonly database"):
        asyncio.run(datasette.get_database().execute_write("delete from documents"))


def test_metadata_hides_internals_and_facets_what_matters(site: str) -> None:
    database = requests.get(f"{site}/policies.json", timeout=30).json()
    hidden = {t["name"] for t in database["tables"] if t["hidden"]}
    assert {"bodies", "_sqlite_migrations", "clauses_fts", "versions_fts"} <= hidden
    assert "changes" not in hidden and "revisions" not in hidden
    changes = requests.get(f"{site}/policies/changes.json", timeout=30).json()
    assert {"document_id", "topic", "kind"} <= set(changes["facet_results"])
    policies = {v["label"] for v in changes["facet_results"]["document_id"]["results"]}
    assert LEX in policies  # the policy facet shows slugs, not ids
    revisions = requests.get(f"{site}/policies/revisions.json", timeout=30).json()
    assert "silent_change" in revisions["facet_results"]
    assert revisions["human_description_en"] == "sorted by first_seen descending"
    html = requests.get(f"{site}/policies/changes", timeout=30).text
    assert "Word diff, deletions struck out and insertions highlighted" in html  # column description


def test_canned_queries(site: str, archive: LocalArchive) -> None:
    assert len(rows(site, "policies")) == 14
    timeline = rows(site, "policy_timeline", policy=LEX)
    assert [r["revision"] for r in timeline] == [1, 2, 3, 4]
    capture = timeline[2]["first_capture"]
    assert capture == f"{archive.url}/web/20241204003304/https://help.thisislex.app/article/51-privacy-policy"
    assert requests.get(capture, timeout=30).status_code == 200  # the archive shows that capture

    in_force = rows(site, "text_in_force", policy=LEX, date="2024-06-01")
    assert [r["revision"] for r in in_force] == [2] and "number or your Instagram handle" in in_force[0]["markdown"]

    retention = rows(site, "changes_on_topic", topic="retention")
    assert any(r["policy"] == LEX and r["revision"] == 2 for r in retention)
    assert all('"' in r["diff"] for r in retention)  # complete word diffs, even of added clauses

    silent = rows(site, "silent_changes")
    assert any(r["policy"] == "github-privacy-policy" and r["revision"] == 3 for r in silent)
    assert not any(r["policy"] == "bumble-privacy-policy" for r in silent)  # a cosmetic edit

    recent = rows(site, "recent_changes", days="100000")
    assert len(recent) == sum(p["revisions"] - 1 for p in rows(site, "policies") if p["revisions"]) > 0
    assert rows(site, "recent_changes", days="0") == []

    hits = rows(site, "search_clauses", q="Instagram handle")
    hit = next(h for h in hits if h["policy"] == LEX and "mobile phone number" in h["snippet"])
    assert hit["revisions"] == "1,2" and hit["change"]
    assert "\x02Instagram\x03 \x02handle\x03" in hit["snippet"]


def test_cells_render_for_people(site: str) -> None:
    html = requests.get(f"{site}/policies/search_clauses", params={"q": "Instagram handle"}, timeout=30).text
    assert "<mark>Instagram</mark> <mark>handle</mark>" in html
    assert f'<a href="/-/policy/{LEX}">{LEX}</a>' in html
    version = requests.get(f"{site}/policies/text_in_force", params={"policy": LEX, "date": "2024-06-01"},
                           timeout=30).text
    assert '<div class="policy-text"><h1>' in version  # Markdown rendered


def test_atom_feed(site: str) -> None:
    everything = ET.fromstring(requests.get(f"{site}/-/changes.atom", timeout=30).content)
    assert everything.tag == f"{ATOM}feed" and everything.findall(f"{ATOM}entry")
    answer = requests.get(f"{site}/-/changes.atom", params={"policy": LEX}, timeout=30)
    assert answer.headers["content-type"].startswith("application/atom+xml")
    feed = ET.fromstring(answer.content)
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == [
        f"{LEX}: revision 4, +14 −0 ~1 ↔0", f"{LEX}: revision 3, +0 −2 ~2 ↔0", f"{LEX}: revision 2, +1 −0 ~1 ↔0",
    ]
    link = entries[1].find(f"{ATOM}link")
    assert link is not None and link.get("href") == f"{site}/-/policy/{LEX}?from=2&to=3"
    content = entries[1].findtext(f"{ATOM}content") or ""
    assert "<del>April 2,</del> <ins>December 3,</ins>" in content
    assert requests.get(f"{site}/-/changes.atom", params={"policy": "nope"}, timeout=30).status_code == 404


def test_pages_keep_loading_while_a_crawl_writes(archive: LocalArchive, history: Path, tmp_path: Path) -> None:
    db = copy_database(history, tmp_path / "policies.db")
    seeds = resources.files("tracker") / "policies.yaml"  # five more policies to crawl
    pages = [f"/-/policy/{LEX}?from=1&to=4", "/policies/policies.json", "/policies/search_clauses.json?q=privacy",
             "/policies/changes?_facet=topic", "/-/changes.atom"]
    with serving(db) as url:
        crawl = subprocess.Popen(
            [sys.executable, "-m", "tracker", "crawl", "--db", str(db), "--archive", archive.url,
             "--declarations", str(seeds), "--replays-per-minute", "600"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        loaded = 0
        try:
            while crawl.poll() is None:
                for page in pages:
                    answer = requests.get(url + page, timeout=30)
                    assert answer.status_code == 200, f"{page} while crawling: {answer.status_code}"
                    loaded += 1
                assert len(requests.get(f"{url}/policies/policies.json?_shape=array", timeout=30).json()) >= 14
                time.sleep(0.05)
        finally:
            _, errors = crawl.communicate(timeout=300)
        assert crawl.returncode == 0, errors
        assert loaded >= 2 * len(pages), "the crawl should span several rounds of pages"
        after = requests.get(f"{url}/policies/policies.json?_shape=array", timeout=30).json()
        assert len(after) == 19  # what the crawl wrote shows at once
        assert requests.get(f"{url}/-/policy/soompi-privacy", timeout=30).status_code == 200


def test_serve_says_what_is_wrong(tmp_path: Path, history: Path) -> None:
    missing = policy_history("serve", str(tmp_path / "nope.db"), check=False)
    assert missing.returncode == 1 and "no database at" in missing.stderr and "policy-history crawl" in missing.stderr
    with serving(history) as url:
        port = url.rsplit(":", 1)[1]
        taken = policy_history("serve", str(history), "--port", port, check=False)
    assert taken.returncode == 1 and f"cannot listen on 127.0.0.1:{port}" in taken.stderr
