"""Policy text out of a raw captured page, as normalised Markdown.

The steps, each in its own module:

1. ``tracker.encoding``: bytes to text (BOM, header, meta charset, detection), mojibake repaired;
2. ``tracker.links``: links made absolute against the page's original URL, un-archived;
3. ``tracker.overrides``: the policy's declared ``remove`` and ``select`` selectors, if any;
4. ``tracker.cleanup``: scripts, images, navigation, banners, widgets dropped; layout tables undone;
5. ``tracker.locate``: without a ``select``, the policy's stretch of the page, found with
   trafilatura (the stretch of text it takes for main content, widened to its headings);
6. ``tracker.markdown``: that stretch rendered whole, with its headings, lists and tables;
7. ``tracker.pages``: is it the policy at all (soft-404, bot wall, JavaScript shell...)?

PDF captures go through ``tracker.pdf`` instead. The result's ``text_sha256`` is what makes two
captures the same version.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field

import lxml.html
import trafilatura
from lxml.html import HtmlElement

from tracker import pages
from tracker.cleanup import clean
from tracker.encoding import decode, repair
from tracker.errors import ExtractionFailed
from tracker.language import detect_language
from tracker.links import resolve_links
from tracker.locate import locate
from tracker.markdown import render
from tracker.overrides import Overrides
from tracker.pdf import is_pdf, pdf_markdown

EXTRACTOR_VERSION = "3"
EXTRACTOR = f"trafilatura-{trafilatura.__version__}/policy-history-{EXTRACTOR_VERSION}"
"""Names the method that made a version: changing it makes ``rebuild`` (and the next crawl)
re-extract every stored capture."""


def extractor_id(overrides: Overrides) -> str:
    """:data:`EXTRACTOR`, plus a hash of a policy's overrides when it has some: changing a
    policy's declared selectors makes its captures be extracted again."""
    if not overrides:
        return EXTRACTOR
    options = json.dumps(overrides.as_options(), sort_keys=True)
    return f"{EXTRACTOR}+{hashlib.sha256(options.encode()).hexdigest()[:10]}"

_HTML_MIMES = ("text/html", "application/xhtml+xml", "text/plain", "unk", "")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_TITLE_SEPARATORS = re.compile(r"\s+[|\-–—:»·]+\s+")

@dataclass(frozen=True)
class Extraction:
    """The policy text of one capture.

    ``markdown`` is normalised; ``text_sha256`` is the hex SHA-256 of its UTF-8 bytes and is
    what makes two captures the same version; ``words`` counts whitespace-separated tokens;
    ``language`` is an ISO 639-1 code (``en``) or ``None`` when the text is too short to
    tell; ``warnings`` say what the extractor had to work around.
    """

    markdown: str
    title: str | None
    words: int
    text_sha256: str
    language: str | None = None
    warnings: tuple[str, ...] = field(default=())


def extract(
    body: bytes,
    *,
    url: str,
    content_type: str | None = None,
    overrides: Overrides | None = None,
) -> Extraction:
    """Extract the policy text from the raw bytes of a captured page (HTML or PDF).

    ``url`` is the page's original URL (links are resolved against it); ``content_type`` is
    the captured ``Content-Type`` header or CDX mime type (charset, PDF or not); ``overrides``
    are the policy's declared selectors. Raises ``ExtractionFailed`` when there is no policy
    text, and its subclass ``NotAPolicy`` when the page is something else (a soft-404, a bot
    wall...), with the reason.
    """
    mime = (content_type or "").split(";")[0].strip().lower()
    if not body.strip():
        raise ExtractionFailed(url, "empty page")
    if is_pdf(body, mime):
        return _extraction(*pdf_markdown(body, url=url), ())
    if mime not in _HTML_MIMES:
        raise ExtractionFailed(url, f"not an HTML page or a PDF ({mime})")
    decoded = decode(body, content_type)
    warnings = [] if decoded.source in ("header", "meta", "bom") else [
        f"no usable charset declared: decoded as {decoded.encoding} ({decoded.source})"]
    root = _parse(decoded.text, url)
    facts = pages.facts(root)
    resolve_links(root, url)
    region = _apply(overrides or Overrides(), root, facts, url)
    clean(region)
    located = None if overrides and overrides.select else locate(region)
    rendered = render(region, url=url) if located is None or located.runs else ""
    markdown = repair(rendered)
    if not markdown:
        pages.check(facts, "", url=url)
        raise ExtractionFailed(url, "no text found on the page")
    if markdown != rendered:
        warnings.append("mojibake repaired")
    pages.check(facts, markdown, url=url)
    title = (located and located.title) or _first_heading(markdown) or _page_title(facts)
    return _extraction(markdown, repair(title) if title else None, tuple(warnings))


def _extraction(markdown: str, title: str | None, warnings: tuple[str, ...]) -> Extraction:
    return Extraction(
        markdown=markdown,
        title=title,
        words=len(markdown.split()),
        text_sha256=hashlib.sha256(markdown.encode("utf-8")).hexdigest(),
        language=detect_language(markdown),
        warnings=warnings,
    )


def _parse(html: str, url: str) -> HtmlElement:
    try:
        return lxml.html.document_fromstring(_XML_DECLARATION.sub("", html, count=1))
    except (ValueError, lxml.etree.ParserError) as err:
        raise ExtractionFailed(url, f"not parseable as HTML ({err})") from err


def _apply(overrides: Overrides, root: HtmlElement, facts: pages.PageFacts, url: str) -> HtmlElement:
    try:
        return overrides.apply(root)
    except ExtractionFailed as err:
        pages.check(facts, "", url=url)  # a bot wall has none of the policy's elements
        raise ExtractionFailed(url, err.reason) from err


def _first_heading(markdown: str) -> str | None:
    first = markdown.split("\n", 1)[0]
    return first.lstrip("#").strip() if first.startswith("#") else None


def _page_title(facts: pages.PageFacts) -> str | None:
    """The page's ``<title>`` without the site's name: ``Privacy Policy | Soompi`` -> first part."""
    if not facts.title:
        return None
    return _TITLE_SEPARATORS.split(facts.title)[0].strip() or facts.title
