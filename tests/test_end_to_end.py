"""The whole loop through the CLI, over real HTTP to a local pywb: crawl, extract, revise.

Each crawl runs `policy-history` in a child process, as a user does (Twisted's reactor runs
once per process).
"""
from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from corpus import CORPUS, corpus_captures, corpus_declarations, corpus_manifest
from helpers import policy_history

from crawler.localarchive import LocalArchive
from tracker.diff import Change, apply_changes

DOCUMENTS = corpus_manifest()["documents"]


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
        "changes": "select d.slug, c.to_revision, c.seq, c.kind, c.old_ordinals, c.new_ordinals, c.diff"
        " from changes c join documents d on d.id = c.document_id order by 1, 2, 3",
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
    assert "90 captures listed, 0 stored (0 replays, 0 reused by digest), 90 already stored" in result.stderr


def test_every_run_is_recorded(crawled: Path) -> None:
    with sqlite3.connect(crawled) as conn:
        runs = conn.execute("select kind, status, finished_at is not null, counts from runs").fetchall()
    assert runs and all(kind == "crawl" and status == "ok" and done for kind, status, done, _ in runs)
    assert '"stored": 90' in runs[0][3]


FETCHED = "captures where body_sha256 is not null"  # captures listed but not fetched are rows too


@pytest.mark.parametrize("stop, phase, table, at_least, below", [
    (signal.SIGKILL, "fetching", FETCHED, 20, 90),
    (signal.SIGKILL, "extracting", "extractions", 5, 85),
    (signal.SIGINT, "fetching", FETCHED, 20, 90),
    (signal.SIGINT, "extracting", "extractions", 5, 85),
], ids=["kill-9-fetching", "kill-9-extracting", "ctrl-c-fetching", "ctrl-c-extracting"])
def test_stopped_crawl_resumes_to_the_same_database(
    archive: LocalArchive, crawled: Path, tmp_path: Path, stop: signal.Signals, phase: str, table: str,
    at_least: int, below: int,
) -> None:
    db = tmp_path / "killed.db"
    declarations = corpus_declarations(tmp_path / "corpus.yaml")
    args = [sys.executable, "-m", "tracker", "crawl", "--db", str(db), "--archive", archive.url,
            "--declarations", str(declarations), "--replays-per-minute", "600"]
    child = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        done = 0
        while time.monotonic() < deadline and done < at_least and child.poll() is None:
            time.sleep(0.02)
            try:
                with sqlite3.connect(db) as conn:
                    done = conn.execute(f"select count(*) from {table}").fetchone()[0]
            except sqlite3.OperationalError:  # no file or schema yet
                pass
        os.kill(child.pid, stop)
        _, stderr = child.communicate(timeout=60)
    finally:
        child.kill()
    with sqlite3.connect(db) as conn:
        done = conn.execute(f"select count(*) from {table}").fetchone()[0]
        runs = conn.execute("select status from runs").fetchall()
    assert at_least <= done < below, f"the crawl should be stopped while {phase}"
    if stop == signal.SIGKILL:
        assert child.returncode == -signal.SIGKILL
    else:
        assert child.returncode == 130 and runs == [("interrupted",)], stderr
        assert "interrupted" in stderr and "Traceback" not in stderr
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


def test_stored_change_logs_rebuild_every_revision(crawled: Path) -> None:
    with sqlite3.connect(crawled) as conn:
        revisions = conn.execute(
            "select document_id, seq, version_id from revisions order by document_id, seq").fetchall()
        clauses = {}
        for version_id, ordinal, text in conn.execute("select version_id, ordinal, text from clauses"):
            clauses.setdefault(version_id, {})[ordinal] = text
        logs = conn.execute("select document_id, to_revision, kind, old_ordinals, new_ordinals from changes"
                            " order by document_id, to_revision, seq").fetchall()
    checked = 0
    for (doc, _, old_version), (doc2, seq, new_version) in zip(revisions, revisions[1:]):
        if doc != doc2:
            continue
        old = [clauses[old_version][n] for n in sorted(clauses[old_version])]
        new = clauses[new_version]
        changes = [Change(kind, tuple(json.loads(o)), tuple(json.loads(n)), tuple(new[i] for i in json.loads(n)))
                   for d, to, kind, o, n in logs if (d, to) == (doc, seq)]
        assert changes and apply_changes(old, changes) == [new[n] for n in sorted(new)]
        checked += 1
    assert checked == sum(len(reference_groups(d)) - 1 for d in DOCUMENTS)


def test_diff_command_formats(crawled: Path) -> None:
    db = ["--db", str(crawled)]
    text = policy_history("diff", "lex-privacy-policy", "1", "2", *db).stdout
    assert "lex-privacy-policy: revision 1 → 2, changed between 2024-04-02T12:32:53Z" in text
    assert "stated date: 2023-08-18 → 2024-04-02" in text
    assert "[-August 18, 2023.*-] {+April 2, 2024.*+}" in text and "\x1b[" not in text  # piped: plain
    by_date = policy_history("diff", "lex-privacy-policy", "2023-10-01", "2024-06-01", *db).stdout
    assert by_date == text
    data = json.loads(policy_history("diff", "lex-privacy-policy", "1", "2", "--format", "json", *db).stdout)
    assert data["to"]["seq"] == 2 and {c["kind"] for c in data["changes"]} == {"added", "modified"}
    added = next(c for c in data["changes"] if c["kind"] == "added")
    assert "deleted" in added["new_text"] and added["window_end"] == "2024-04-02T18:32:58Z"
    markdown = policy_history("diff", "lex-privacy-policy", "1", "2", "--format", "markdown", *db).stdout
    assert "~~August 18, 2023.*~~ **April 2, 2024.*" in markdown
    grindr = policy_history("diff", "grindr-privacy-policy", *db).stdout
    everything = policy_history("diff", "grindr-privacy-policy", "--all", *db).stdout
    assert "cosmetic change(s) hidden; --all shows them" in grindr
    assert everything.count("\n~ modified") > grindr.count("\n~ modified")
    log = policy_history("log", "bumble-privacy-policy", *db).stdout
    assert re.search(r"^\s+2 .* 2023-12-21\s+\+0 −0 ~0 ↔0\s*$", log, re.M)  # a link's extent: cosmetic
    log = policy_history("log", "github-privacy-policy", *db).stdout
    assert re.search(r"^\s+3 .* 2023-10-10\s+\+\d+ −\d+ ~\d+ ↔\d+ .*SILENT$", log, re.M)
    revision = json.loads(policy_history("log", "github-privacy-policy", "--json", *db).stdout.splitlines()[2])
    assert revision["silent_change"] is True and isinstance(revision["topics"], list)
    bad = policy_history("diff", "lex-privacy-policy", "9", *db, check=False)
    assert bad.returncode == 1 and "no revision 9; it has 1 to 4" in bad.stderr


def test_a_late_capture_rebuilds_revisions_and_changes(empty_archive: LocalArchive, tmp_path: Path) -> None:
    captures = corpus_captures("bumble-privacy-policy")
    late = captures[3:5]  # every capture of the second text, archived "late"
    empty_archive.add(captures[:3] + captures[5:], "early")
    args = ["--archive", empty_archive.url, "--declarations", str(corpus_declarations(tmp_path / "c.yaml")),
            "--policy", "bumble-privacy-policy"]
    policy_history("crawl", "--db", str(tmp_path / "late.db"), *args)
    before = snapshot(tmp_path / "late.db")
    empty_archive.add(late, "late")
    policy_history("crawl", "--db", str(tmp_path / "late.db"), *args)
    policy_history("crawl", "--db", str(tmp_path / "once.db"), *args)
    after = snapshot(tmp_path / "late.db")
    assert after == snapshot(tmp_path / "once.db") and after != before
    assert (len(before["revisions"]), len(after["revisions"])) == (3, 4)


def test_export_in_the_seeds_format(crawled: Path, archive: LocalArchive, tmp_path: Path) -> None:
    seed_header = (Path(CORPUS).parent / "seeds" / "003_3c2c7f0f47e3e932.txt").read_text().splitlines()[0]
    shape = re.escape(seed_header)
    for value in ("https%3A//www.soompi.com/privacy", "soompi.com", "2018-12-20",
                  "https://web.archive.org", "20181220135741"):
        shape = shape.replace(re.escape(value), ".+?")
    policy_history("export", "bumble-privacy-policy", "--db", str(crawled), "--out", str(tmp_path))
    files = sorted((tmp_path / "bumble-privacy-policy").iterdir())
    assert [f.name[:4] for f in files] == ["001_", "002_", "003_", "004_"]
    first = files[0].read_text()
    assert re.fullmatch(shape, first.splitlines()[0])
    assert f"({archive.url}/web/20231221123203id_/https%3A//bumble.com/en/privacy)" in first
    assert "archived on 2023-12-21" in first and "## Bumble Privacy Policy" in first
    lines = policy_history("export", "--db", str(crawled)).stdout.splitlines()
    with sqlite3.connect(crawled) as conn:
        assert len(lines) == conn.execute("select count(*) from revisions").fetchone()[0]
    assert {"policy", "seq", "markdown", "timestamp", "url"} <= set(json.loads(lines[0]))
