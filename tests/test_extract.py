"""Extraction on real captured pages: the policy text as Markdown, without the page's clutter."""
from __future__ import annotations

import re

import pytest
from corpus import CORPUS, corpus_captures, princeton_captures

from tracker.errors import ExtractionFailed
from tracker.extract import extract
from tracker.markdown import normalise

PAGES = corpus_captures() + princeton_captures()


def page(url_part: str, timestamp: str) -> tuple[bytes, str]:
    capture = next(c for c in PAGES if url_part in c.url and c.timestamp == timestamp)
    return capture.body, capture.url


def test_headings_lists_and_numbered_clauses_are_kept() -> None:
    body, url = page("bumble.com", "20231221123203")
    text = extract(body, url=url, content_type="text/html").markdown
    lines = text.splitlines()
    assert "## Bumble Privacy Policy" in lines
    assert "## 1. COLLECTION OF INFORMATION." in lines
    assert "- Name;" in lines and "- Email address;" in lines


def test_reference_sentences_are_kept() -> None:
    body, url = page("thisislex.app", "20230907123355")
    text = words(extract(body, url=url).markdown)
    reference = (CORPUS / "lex-privacy-policy" / "20230907123355.md").read_text()
    paragraphs = [p for p in reference.split("\n\n") if len(p.split()) > 25 and "](" not in p]
    assert len(paragraphs) > 10 and all(words(p) in text for p in paragraphs)


def words(markdown: str) -> str:
    """The words of a text, without Markdown syntax or spacing."""
    return " ".join(re.findall(r"\w+", markdown))


@pytest.mark.parametrize("capture", PAGES, ids=[f"{c.url[8:40]}@{c.timestamp}" for c in PAGES])
def test_no_images_svg_or_scripts_in_any_page(capture) -> None:
    try:
        text = extract(capture.body, url=capture.url).markdown
    except ExtractionFailed:
        assert len(capture.body) < 1000  # only Hily's bot-challenge stubs have no text
        return
    for clutter in ("data:image", "<svg", "![", "<script", "function("):
        assert clutter not in text


def test_links_resolve_against_the_original_url() -> None:
    html = b'<html><body><article><h1>Privacy</h1><p>' + b"Our policy explains data use. " * 20 + (
        b'See the <a href="/cookies">cookie policy</a>.</p></article></body></html>')
    text = extract(html, url="https://www.soompi.com/privacy").markdown
    assert "[cookie policy](https://www.soompi.com/cookies)" in text


def test_charset_from_the_header() -> None:
    html = "<html><body><article><h1>Confidentialité</h1><p>{}</p></article></body></html>".format(
        "Nous protégeons vos données personnelles et votre vie privée. " * 10)
    text = extract(html.encode("cp1252"), url="https://a.test/", content_type="text/html; charset=windows-1252")
    assert "Nous protégeons vos données" in text.markdown


@pytest.mark.parametrize("body, content_type, reason", [
    (b"%PDF-1.4 ...", "application/pdf", "unreadable PDF"),
    (b"\x89PNG....", "image/png", "not an HTML page or a PDF"),
    (b"   ", "text/html", "empty page"),
    (b"<html><body><script>x()</script></body></html>", "text/html", "needs JavaScript"),
])
def test_what_is_not_a_policy_page(body: bytes, content_type: str, reason: str) -> None:
    with pytest.raises(ExtractionFailed, match=reason):
        extract(body, url="https://a.test/privacy", content_type=content_type)


def test_normalise_folds_rendering_noise_only() -> None:
    assert normalise("# T  \n\n\n\n-  Right to Object:\n    - nested  item") == (
        "# T\n\n- Right to Object:\n    - nested item")
