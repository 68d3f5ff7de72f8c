"""Policy text out of a raw captured page: trafilatura, as Markdown.

Navigation, footers, comments and images (inline SVG, data-URI icons) are left out; headings,
lists, numbered clauses, tables and links (resolved against the page's original URL) are kept.
The Markdown is normalised so that re-rendering noise (trailing spaces, doubled spaces after a
list marker, runs of blank lines) never makes a new version.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import trafilatura
from w3lib.encoding import html_to_unicode

from tracker.errors import ExtractionFailed

EXTRACTOR_VERSION = "1"
EXTRACTOR = f"trafilatura-{trafilatura.__version__}/policy-history-{EXTRACTOR_VERSION}"
"""Names the method that made a version: changing it makes ``rebuild`` (and the next crawl)
re-extract every stored capture."""

_HTML_MIMES = ("text/html", "application/xhtml+xml", "text/plain", "unk", "")
_INNER_SPACES = re.compile(r"(?<=\S)[ \t]{2,}")
_BLANK_LINES = re.compile(r"\n{3,}")


@dataclass(frozen=True)
class Extraction:
    """The policy text of one capture.

    ``markdown`` is normalised; ``text_sha256`` is the hex SHA-256 of its UTF-8 bytes and is
    what makes two captures the same version; ``words`` counts whitespace-separated tokens.
    """

    markdown: str
    title: str | None
    words: int
    text_sha256: str


def extract(body: bytes, *, url: str, content_type: str | None = None) -> Extraction:
    """Extract the policy text from the raw bytes of a captured page.

    ``url`` is the page's original URL (links are resolved against it); ``content_type`` is
    the captured ``Content-Type`` header or CDX mime type, used for the charset and to refuse
    what is not a web page. Raises ``ExtractionFailed`` when there is no text to keep.
    """
    capture = url
    mime = (content_type or "").split(";")[0].strip().lower()
    if mime not in _HTML_MIMES:
        raise ExtractionFailed(capture, f"not an HTML page ({mime})")
    if not body.strip():
        raise ExtractionFailed(capture, "empty page")
    _, html = html_to_unicode(content_type, body)
    markdown = trafilatura.extract(
        html,
        url=url,
        output_format="markdown",
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_formatting=True,
        include_links=True,
        deduplicate=False,  # it remembers text across calls: captures would shrink (DESIGN.md)
    )
    if not markdown or not markdown.strip():
        raise ExtractionFailed(capture, "trafilatura found no main text")
    metadata = trafilatura.extract_metadata(html, default_url=url)
    markdown = normalise(markdown)
    return Extraction(
        markdown=markdown,
        title=metadata.title if metadata is not None else None,
        words=len(markdown.split()),
        text_sha256=hashlib.sha256(markdown.encode("utf-8")).hexdigest(),
    )


def normalise(markdown: str) -> str:
    """Strip trailing spaces, fold runs of inner spaces to one, and runs of blank lines to one."""
    lines = [_INNER_SPACES.sub(" ", line.rstrip()) for line in markdown.strip().splitlines()]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines))
