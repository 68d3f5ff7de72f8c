"""`policy-history demo` on a machine with no shared/ corpus and no internet: bundled captures
served by a real local archive, crawled through the same code path as web.archive.org."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path


def test_demo_fills_a_database_and_summarises(tmp_path: Path) -> None:
    env = {**os.environ, "POLICY_HISTORY_SHARED": str(tmp_path / "no-shared-here")}
    result = subprocess.run([sys.executable, "-m", "tracker", "demo"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    db = tmp_path / "policies.db"
    with sqlite3.connect(db) as conn:
        counts = {table: conn.execute(f"select count(*) from {table}").fetchone()[0]
                  for table in ("documents", "captures", "bodies", "versions", "revisions", "runs")}
        revisions = dict(conn.execute(
            "select d.slug, count(r.id) from documents d left join revisions r"
            " on r.document_id = d.id group by d.slug").fetchall())
    assert counts["documents"] == 7 and counts["captures"] == 24 and counts["bodies"] == 24
    assert counts["runs"] == 1 and counts["versions"] > 7
    # bumble and lex each have text changes and identical-text captures; every policy is found.
    assert revisions["bumble-privacy"] == 4 and revisions["lex-privacy"] == 4
    assert all(n >= 1 for n in revisions.values()), revisions
    for slug in revisions:
        assert slug in result.stdout
    assert "policy-history serve policies.db" in result.stdout
    again = subprocess.run([sys.executable, "-m", "tracker", "demo"], cwd=tmp_path, env=env,
                           capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    assert "24 captures listed, 0 stored (0 replays, 0 reused by digest), 24 already stored" in again.stderr
    with sqlite3.connect(db) as conn:  # the same archive address: nothing stored twice
        assert conn.execute("select count(*), count(distinct archive) from captures").fetchone() == (24, 1)
