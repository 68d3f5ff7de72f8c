"""Atom feeds of revisions, in-process, on a database filled from real corpus pages."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from test_notify import ARCHIVE, BUMBLE, bumble_store, crawled

from tracker.feeds import write_feeds
from tracker.history import update
from tracker.revisions import iso


def test_feeds_hold_the_latest_revisions_and_change_only_with_them(tmp_path: Path) -> None:
    store, bumble = bumble_store(tmp_path)
    crawled(store, bumble, BUMBLE)
    folder = tmp_path / "feeds"
    assert write_feeds(store, folder) == 2
    assert sorted(p.name for p in folder.iterdir()) == ["all.atom", "bumble-privacy.atom"]
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ET.parse(folder / "bumble-privacy.atom").getroot()
    entries = feed.findall(f"{atom}entry")
    assert [e.findtext(f"{atom}title") for e in entries] == [
        f"Bumble Privacy Policy: revision {n}" for n in (4, 3, 2, 1)]
    assert feed.findtext(f"{atom}updated") == entries[0].findtext(f"{atom}updated") == iso(BUMBLE[7].timestamp)
    assert entries[-1].find(f"{atom}link").get("href") == f"{ARCHIVE}/web/{BUMBLE[0].timestamp}/{BUMBLE[0].url}"
    assert f"revision 2, first seen {iso(BUMBLE[3].timestamp)}" in entries[2].findtext(f"{atom}summary")
    assert "from revision 1)" in entries[2].findtext(f"{atom}summary")
    assert len(entries[0].findtext(f"{atom}content").split()) > 500  # the policy text
    ids = [e.findtext(f"{atom}id") for e in entries]
    assert len(set(ids)) == 4 and all(i.startswith("tag:policy-history,2026:bumble-privacy/") for i in ids)
    assert write_feeds(store, folder) == 0  # unchanged, not rewritten
    store.clear_derived()
    update(store)
    assert write_feeds(store, folder) == 0  # a rebuild that changes no text changes no feed
