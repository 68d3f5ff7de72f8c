"""The schema's full-text indexes stay true to their tables through crawls and rebuilds."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from helpers import copy_database, policy_history


def check_search_indexes(db: Path) -> None:
    """FTS5's own integrity check: every indexed row matches its table exactly."""
    with sqlite3.connect(db) as conn:
        for table in ("versions", "clauses"):
            conn.execute(f"insert into {table}_fts({table}_fts) values ('integrity-check')")
            indexed = conn.execute(f"select count(*) from {table}_fts").fetchone()[0]
            assert indexed == conn.execute(f"select count(*) from {table}").fetchone()[0] > 0


def search(db: Path, words: str) -> set[str]:
    with sqlite3.connect(db) as conn:
        return {row[0] for row in conn.execute(
            "select d.slug from clauses_fts join clauses c on c.id = clauses_fts.rowid"
            " join versions v on v.id = c.version_id join documents d on d.id = v.document_id"
            " where clauses_fts match ?", [words])}


def test_search_indexes_follow_crawls_and_rebuilds(history: Path, tmp_path: Path) -> None:
    check_search_indexes(history)
    assert "lex-privacy-policy" in search(history, "instagram handle")
    assert "lex-privacy-policy" in search(history, "share")  # stemmed: finds "sharing", "shared"
    db = copy_database(history, tmp_path / "rebuilt.db")
    policy_history("rebuild", "--db", str(db))  # deletes every derived row and writes it anew
    check_search_indexes(db)
    assert search(db, "instagram handle") == search(history, "instagram handle")
