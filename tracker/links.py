"""Link targets as the policy's own site wrote them: absolute, un-archived, without cache-busters.

A capture's links are relative to the page's original URL (or its ``<base href>``), not to
the archive that served it; pages saved from an archive's replay carry rewritten links
(``https://web.archive.org/web/20181220135741/https://www.soompi.com/cookies``) that point at
the archive, not the site; and some sites stamp a fresh cache-busting number on a link at every
deploy (``privacy_en.pdf?1652276083494``), which must not make a new version of the policy.
"""
from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from lxml.html import HtmlElement

# /web/20181220135741/..., /web/20181220135741id_/..., /web/2018im_/... on any archive host
_ARCHIVED = re.compile(r"^https?://[^/]+/web/\d{1,14}(?:[a-z]{2}_)?/+(?P<url>https?:/+.+)$", re.I)
_SCHEME_SLASHES = re.compile(r"^(https?):/+", re.I)
_NUMBER = re.compile(r"\d{8,}")  # epoch seconds or milliseconds, build numbers
_CACHE_BUSTERS = {"_", "cb", "cachebuster", "cache", "t", "ts", "timestamp", "nocache", "rnd", "rand"}


def resolve_links(root: HtmlElement, url: str) -> None:
    """Rewrite every ``<a href>`` under ``root`` in place to the absolute URL it names.

    ``url`` is the page's original URL. ``javascript:`` links lose their ``href`` (they are
    not links to anything); the others go through :func:`canonical_link`.
    """
    base = url
    for element in root.iter("base"):
        if element.get("href"):
            base = urljoin(url, original_url(element.get("href", "").strip()))
            break
    for anchor in root.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href:
            continue
        if href.lower().startswith("javascript:"):
            del anchor.attrib["href"]
            continue
        anchor.set("href", canonical_link(urljoin(base, href)))


def canonical_link(url: str) -> str:
    """An absolute URL without its archive wrapper and cache-busting query parameters.

    A query that is one bare long number (``?1652276083494``) is dropped, and so are
    parameters with a cache-buster name (``_``, ``cb``, ``t``, ``ts``...) and a long number
    as value; the scheme is lowercased; every other part of the URL is kept as it is.
    """
    url = original_url(url)
    parts = urlsplit(url)
    url = parts.scheme + url[len(parts.scheme):]  # MAILTO: -> mailto:
    if not parts.query or parts.scheme not in ("http", "https"):
        return url
    if _NUMBER.fullmatch(parts.query):
        return urlunsplit(parts._replace(query=""))
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    kept = [(k, v) for k, v in pairs if not (k.lower() in _CACHE_BUSTERS and _NUMBER.fullmatch(v))]
    if len(kept) == len(pairs):
        return url
    return urlunsplit(parts._replace(query=urlencode(kept)))


def original_url(url: str) -> str:
    """``https://web.archive.org/web/2018.../https://a.test/x`` -> ``https://a.test/x``."""
    match = _ARCHIVED.match(url)
    if not match:
        return url
    return _SCHEME_SLASHES.sub(lambda m: m[1].lower() + "://", match["url"], count=1)
