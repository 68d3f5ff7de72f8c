"""The whole loop through the CLI, over real HTTP to a local pywb: crawl, extract, revise.

Each crawl runs `policy-history` in a child process, as a user does (Twisted's reactor runs
once per process).
"""
from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from corpus import CORPUS, corpus_manifest

from crawler.localarchive import LocalArchive

DOCUMENTS = corpus_manifest()["documents"]


def policy_history(*args: str, cwd: Path | None = None, check: bool = True) -> subprocess.CompletedProcess:
    """Run the CLI in a child process; returns the completed process (text output)."""
    result = subprocess.run(
        [sys.executable, "-m", "tracker", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=600,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"policy-history {' '.join(args)} failed:\n{result.stderr}")
    return result


def corpus_declarations(path: Path) -> Path:
    """Every corpus policy, declared at every URL it was captured at."""
    policies = {
        doc["id"]: {"urls": sorted({cap["url"] for cap in doc["captures"]})} for doc in DOCUMENTS
    }
    path.write_text(yaml.safe_dump({"policies": policies}))
    return path


def replays(archive: LocalArchive) -> int:
    return sum("id_/" in line for line in archive.requests())


def reference_groups(doc: dict) -> list[list[str]]:
    """Consecutive captures of a corpus document grouped by equal reference text.

    The reference is OTA's curated Markdown with link targets dropped and whitespace folded
    (a link's cache-busting query string is not a change of the policy's text). Captures
    without reference text (bot challenges) are left out: they must not become revisions.
    """
    groups: list[list[str]] = []
    previous = None
    for cap in doc["captures"]:
        if not cap["md"]:
            continue
        text = (CORPUS / doc["id"] / cap["md"]).read_text()
        text = " ".join(re.sub(r"\]\([^)]*\)", "]", text).split())
        if text == previous:
            groups[-1].append(cap["timestamp"])
        else:
            groups.append([cap["timestamp"]])
        previous = text
    return groups


def our_groups(db: Path, slug: str) -> list[list[str]]:
    """The captures of each revision of ``slug``, as 14-digit timestamps."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "select r.seq, c.timestamp from revisions r"
            " join documents d on d.id = r.document_id"
            " join extractions e on e.document_id = d.id and e.version_id = r.version_id"
            " join captures c on c.id = e.capture_id"
            " where d.slug = ? and c.timestamp between"
            "  (select timestamp from captures where id = r.first_capture_id) and"
            "  (select timestamp from captures where id = r.last_capture_id)"
            " order by r.seq, c.timestamp",
            [slug],
        ).fetchall()
    groups: dict[int, list[str]] = {}
    for seq, timestamp in rows:
        groups.setdefault(seq, []).append(timestamp)
    return list(groups.values())


def snapshot(db: Path) -> dict[str, list[tuple]]:
    """Everything a crawl stores, without ids and wall-clock times: equal for equal histories."""
    queries = {
        "captures": "select url, timestamp, digest, status, mime, content_type, body_sha256, error"
        " from captures order by url, timestamp",
        "bodies": "select sha256, length from bodies order by sha256",
        "versions": "select d.slug, v.text_sha256, v.words from versions v"
        " join documents d on d.id = v.document_id order by 1, 2",
        "revisions": "select d.slug, r.seq, v.text_sha256, r.first_seen, r.last_seen, r.captures"
        " from revisions r join documents d on d.id = r.document_id"
        " join versions v on v.id = r.version_id order by 1, 2",
    }
    with sqlite3.connect(db) as conn:
        return {name: conn.execute(sql).fetchall() for name, sql in queries.items()}


@pytest.fixture(scope="module")
def crawled(archive: LocalArchive, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database with every corpus policy crawled once from the local archive."""
    root = tmp_path_factory.mktemp("crawled")
    db = root / "policies.db"
    declarations = corpus_declarations(root / "corpus.yaml")
    policy_history("crawl", "--db", str(db), "--archive", archive.url, "--declarations", str(declarations))
    return db


@pytest.mark.parametrize("doc", DOCUMENTS, ids=[d["id"] for d in DOCUMENTS])
def test_revisions_match_the_reference_texts(crawled: Path, doc: dict) -> None:
    assert our_groups(crawled, doc["id"]) == reference_groups(doc)


def test_captures_without_policy_text_are_kept_but_not_versions(crawled: Path) -> None:
    with sqlite3.connect(crawled) as conn:
        rows = conn.execute(
            "select c.timestamp, e.version_id, e.error from captures c"
            " join extractions e on e.capture_id = c.id where c.url like 'https://hily.com/%'"
            " order by c.timestamp"
        ).fetchall()
    assert len(rows) == 7
    assert [r[0] for r in rows if r[1] is None] == ["20260723123144", "20260724003148"]
    assert all(r[2] for r in rows if r[1] is None)


def test_second_crawl_makes_no_replay_request(archive: LocalArchive, crawled: Path, tmp_path: Path) -> None:
    before_counts = snapshot(crawled)
    before = replays(archive)
    result = policy_history(
        "crawl", "--db", str(crawled), "--archive", archive.url,
        "--declarations", str(corpus_declarations(tmp_path / "corpus.yaml")),
    )
    assert replays(archive) == before
    assert snapshot(crawled) == before_counts
    assert "90 captures listed, 0 stored (0 fetched, 0 reused by digest), 90 already stored" in result.stderr


def test_every_run_is_recorded(crawled: Path) -> None:
    with sqlite3.connect(crawled) as conn:
        runs = conn.execute("select kind, status, finished_at is not null, counts from runs").fetchall()
    assert runs and all(kind == "crawl" and status == "ok" and done for kind, status, done, _ in runs)
    assert '"stored": 90' in runs[0][3]


def test_killed_crawl_resumes_to_the_same_database(
    archive: LocalArchive, crawled: Path, tmp_path: Path
) -> None:
    db = tmp_path / "killed.db"
    declarations = corpus_declarations(tmp_path / "corpus.yaml")
    args = [sys.executable, "-m", "tracker", "crawl", "--db", str(db), "--archive", archive.url,
            "--declarations", str(declarations), "--replays-per-minute", "300"]
    child = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        stored = 0
        while time.monotonic() < deadline and stored < 20:
            time.sleep(0.2)
            if db.exists():
                try:
                    with sqlite3.connect(db) as conn:
                        stored = conn.execute("select count(*) from captures where error is null").fetchone()[0]
                except sqlite3.OperationalError:  # schema not there yet
                    pass
        assert 20 <= stored < 90, "the crawl should be killed mid-way"
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    policy_history("crawl", "--db", str(db), "--archive", archive.url, "--declarations", str(declarations))
    assert snapshot(db) == snapshot(crawled)


def test_seed_policies_are_tracked_from_the_bundled_declarations(archive: LocalArchive, tmp_path: Path) -> None:
    db = tmp_path / "seeds.db"
    result = policy_history("crawl", "--db", str(db), "--archive", archive.url)
    for slug in ("buy-com-privacy", "milanoo-privacy", "viki-privacy", "soompi-privacy", "alibaba-privacy"):
        log = policy_history("log", slug, "--db", str(db)).stdout
        assert re.search(r"^\s+1\s+\d{4}-", log, re.M), f"{slug} has no revision:\n{result.stderr}"
    # Alibaba's policy moved between URLs: both captures feed one history, in time order.
    log = policy_history("log", "alibaba-privacy", "--db", str(db)).stdout
    assert "2002-02-06T22:25:59Z" in log and "2009-06-21T03:53:31Z" in log
    text = policy_history("show", "soompi-privacy", "--db", str(db), "--at", "2015-06-01").stdout
    assert "Crunchyroll" in text


def test_show_at_a_date_gives_the_text_in_force(crawled: Path) -> None:
    doc = next(d for d in DOCUMENTS if d["id"] == "bumble-privacy-policy")
    groups = reference_groups(doc)
    second_start = groups[1][0]
    day_before = f"{second_start[:4]}-{second_start[4:6]}-{int(second_start[6:8]) - 1:02d}"
    first = policy_history("show", doc["id"], "--db", str(crawled), "--revision", "1").stdout
    at = policy_history("show", doc["id"], "--db", str(crawled), "--at", day_before).stdout
    latest = policy_history("show", doc["id"], "--db", str(crawled)).stdout
    assert at == first != latest
    early = policy_history("show", doc["id"], "--db", str(crawled), "--at", "2001-01-01", check=False)
    assert early.returncode == 1 and "first revision was seen 2023-12-21" in early.stderr
