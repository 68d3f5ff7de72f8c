"""Shared fixtures: a real pywb archive holding the shared corpora, and an empty one.

pywb comes from its own cached virtualenv (crawler.localarchive.ensure_pywb: about 20 s the
first time, then reused from ~/.cache/policy-history/ or $POLICY_HISTORY_PYWB_VENV).
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from corpus import corpus_captures, corpus_declarations, princeton_captures
from helpers import policy_history

from crawler.localarchive import LocalArchive, ensure_pywb


@pytest.fixture(scope="session")
def pywb_bin() -> Path:
    """``bin/`` of the cached pywb virtualenv, created on first use."""
    return ensure_pywb()


@pytest.fixture(scope="session")
def archive(tmp_path_factory: pytest.TempPathFactory, pywb_bin: Path) -> Iterator[LocalArchive]:
    """A running archive on a free 127.0.0.1 port holding every HTML capture of
    ``shared/corpus`` (WARC ``corpus``) and the Princeton seed captures (WARC ``princeton``)."""
    local = LocalArchive(tmp_path_factory.mktemp("archive"), pywb_bin=pywb_bin)
    try:
        local.add(corpus_captures(), "corpus")
        local.add(princeton_captures(), "princeton")
        local.start()
        yield local
    finally:
        local.stop()


@pytest.fixture
def empty_archive(tmp_path: Path, pywb_bin: Path) -> Iterator[LocalArchive]:
    """A running archive with nothing in it, for tests that add their own captures."""
    local = LocalArchive(tmp_path / "archive", pywb_bin=pywb_bin)
    try:
        local.start()
        yield local
    finally:
        local.stop()


@pytest.fixture(scope="session")
def history(archive: LocalArchive, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database with every corpus policy crawled once from the local archive. Shared by the
    session: tests that write copy it first (``copy_database``)."""
    root = tmp_path_factory.mktemp("history")
    db = root / "policies.db"
    policy_history("crawl", "--db", str(db), "--archive", archive.url,
                   "--declarations", str(corpus_declarations(root / "corpus.yaml")))
    return db
