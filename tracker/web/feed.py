"""An Atom feed of recent changes, of every policy or of one, for feed readers.

``/-/changes.atom`` and ``/-/changes.atom?policy=SLUG``: one entry per revision that changed a
policy, newest first, its clause changes as escaped HTML. Entry ids hang on the policy, the
text and when it was first seen, so a revision renumbered by a late capture keeps its id.
"""
from __future__ import annotations

import json
import uuid
import xml.etree.ElementTree as ET
from urllib.parse import quote, urlencode

from datasette.app import Datasette
from datasette.utils.asgi import Request, Response
from markupsafe import Markup

from tracker.report import summary
from tracker.web import reads
from tracker.web.pages import shown
from tracker.web.reads import Row

ATOM = "http://www.w3.org/2005/Atom"
ENTRIES = 50  # revisions in a feed
CHANGES_PER_ENTRY = 30  # clause changes listed in one entry (the policy page has them all)


async def changes_feed(datasette: Datasette, request: Request) -> Response:
    """The feed; ``NotFound`` for an unknown ``policy``."""
    db = datasette.get_database()
    slug = request.args.get("policy")
    title = "Privacy policy changes"
    if slug:
        document = await reads.document(db, slug)
        title = f"{document['name'] or slug}: changes"
    revisions = await reads.recent_revisions(db, slug=slug, limit=ENTRIES)
    feed = ET.Element("feed", xmlns=ATOM)
    ET.SubElement(feed, "title").text = title
    ET.SubElement(feed, "id").text = _urn(f"feed/{slug or ''}")
    ET.SubElement(feed, "updated").text = revisions[0]["first_seen"] if revisions else "1970-01-01T00:00:00Z"
    ET.SubElement(ET.SubElement(feed, "author"), "name").text = "policy-history"
    query = "?" + urlencode({"policy": slug}) if slug else ""
    ET.SubElement(feed, "link", rel="self", href=_absolute(datasette, request, "/-/changes.atom" + query))
    for revision in revisions:
        feed.append(await _entry(datasette, request, revision))
    body = ET.tostring(feed, encoding="unicode", xml_declaration=True)
    return Response(body, content_type="application/atom+xml; charset=utf-8")


async def _entry(datasette: Datasette, request: Request, revision: Row) -> ET.Element:
    slug, seq = revision["slug"], revision["seq"]
    changes = [c for c in await reads.stored_changes(datasette.get_database(), revision) if not c["cosmetic"]]
    entry = ET.Element("entry")
    flag = " (silent change)" if revision["silent_change"] else ""
    ET.SubElement(entry, "title").text = f"{slug}: revision {seq}, {summary(revision)}{flag}"
    ET.SubElement(entry, "id").text = _urn(f"{slug}/{revision['text_sha256']}/{revision['first_seen']}")
    ET.SubElement(entry, "updated").text = revision["first_seen"]
    page = f"/-/policy/{quote(slug)}?" + urlencode({"from": seq - 1, "to": seq})
    ET.SubElement(entry, "link", rel="alternate", type="text/html", href=_absolute(datasette, request, page))
    topics = ", ".join(json.loads(revision["topics"] or "[]")) or "none"
    ET.SubElement(entry, "summary").text = (
        f"First seen {revision['first_seen']}; stated date {revision['stated_date'] or 'none'}; topics: {topics}"
    )
    items = Markup("").join(
        Markup("<li><strong>%s</strong> in <em>%s</em>: %s</li>") % (c["kind"], c["path"] or "top", c["inline_html"])
        for c in map(shown, changes[:CHANGES_PER_ENTRY])
    )
    more = len(changes) - CHANGES_PER_ENTRY
    tail = Markup("<p>and %d more</p>") % more if more > 0 else ""
    ET.SubElement(entry, "content", type="html").text = str(Markup("<ul>%s</ul>%s") % (items, tail))
    return entry


def _absolute(datasette: Datasette, request: Request, path: str) -> str:
    return str(datasette.absolute_url(request, datasette.urls.path(path)))


def _urn(name: str) -> str:
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'policy-history:' + name)}"
