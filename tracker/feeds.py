"""Atom feeds of policies' revisions: one for all policies, one per policy, kept in a folder.

``all.atom`` holds the ``FEED_SIZE`` latest revisions of every policy, ``SLUG.atom`` those of
one policy. An entry is a revision: its title names the policy and revision number, its date is
when it was first seen, its link the capture that showed it first, its summary the size
against the revision before, its content the policy text (Markdown). Entry ids come from the
policy, the text's hash and the first sighting, so a rebuild that changes no text changes no
id. A file is replaced whole (written aside, then renamed) and only when its content changes;
a policy without revisions has no feed yet.
"""
from __future__ import annotations

import logging
import os
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from crawler.archive import capture_url
from db.notifications import Notifications
from db.store import Store

log = logging.getLogger(__name__)

ATOM = "http://www.w3.org/2005/Atom"
FEED_SIZE = 50  # entries per feed: the latest revisions
TAG = "tag:policy-history,2026:"  # prefix of every feed and entry id (RFC 4151)

ET.register_namespace("", ATOM)


def write_feeds(store: Store, directory: Path) -> int:
    """Bring ``directory``'s feeds up to date (creating it); returns how many files changed."""
    directory.mkdir(parents=True, exist_ok=True)
    notifications = Notifications(store)
    feeds = {"all": ("Privacy policy revisions", notifications.latest_revisions(FEED_SIZE))}
    for document in store.documents():
        feeds[document.slug] = (f"{document.name or document.slug}: revisions",
                                notifications.latest_revisions(FEED_SIZE, document.id))
    changed = sum(
        _replace(directory / f"{name}.atom", render(f"{TAG}feeds/{name}", title, revisions))
        for name, (title, revisions) in feeds.items()
        if revisions
    )
    if changed:
        log.info("updated %d Atom feed(s) in %s", changed, directory)
    return changed


def render(feed_id: str, title: str, revisions: Sequence[dict[str, Any]]) -> bytes:
    """An Atom document of ``revisions`` (``Notifications.latest_revisions`` rows, latest
    first; at least one)."""
    feed = ET.Element(f"{{{ATOM}}}feed")
    _text(feed, "id", feed_id)
    _text(feed, "title", title)
    _text(feed, "updated", max(r["first_seen"] for r in revisions))
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", "policy-history")
    for revision in revisions:
        feed.append(_entry(revision))
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"


def _entry(revision: dict[str, Any]) -> ET.Element:
    slug, seq = revision["slug"], revision["seq"]
    entry = ET.Element(f"{{{ATOM}}}entry")
    _text(entry, "id", f"{TAG}{slug}/{revision['text_sha256'][:16]}/{revision['first_seen']}")
    _text(entry, "title", f"{revision['name'] or slug}: revision {seq}")
    _text(entry, "updated", revision["first_seen"])
    link = capture_url(revision["archive"], revision["timestamp"], revision["url"])
    ET.SubElement(entry, f"{{{ATOM}}}link", {"rel": "alternate", "href": link})
    words = revision["words"]
    previous = revision["previous_words"]
    size = f"{words} words" + (f" ({words - previous:+d} from revision {seq - 1})" if previous is not None else "")
    _text(entry, "summary", f"{slug} revision {seq}, first seen {revision['first_seen']}, last seen "
                            f"{revision['last_seen']} in {revision['captures']} capture(s): {size}.")
    _text(entry, "content", revision["markdown"]).set("type", "text")
    return entry


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}")
    element.text = text
    return element


def _replace(path: Path, content: bytes) -> bool:
    """Write ``content`` to ``path`` atomically unless it is there already; True if written."""
    if path.exists() and path.read_bytes() == content:
        return False
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(content)
    os.replace(temporary, path)
    return True
