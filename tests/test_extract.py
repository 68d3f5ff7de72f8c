"""Extraction on real captured pages: the policy text as Markdown, without the page's clutter."""
from __future__ import annotations

import re

import pytest
from corpus import CORPUS, corpus_captures, corpus_manifest, princeton_captures

from benchmarks.extraction import Score, link_blind, tokens
from tracker import locate
from tracker.errors import ExtractionFailed, NotAPolicy
from tracker.extract import extract

PAGES = corpus_captures() + princeton_captures()
SEEDS = {c.url: c for c in princeton_captures()}  # one capture per URL among the seed pages
DOCUMENTS = corpus_manifest()["documents"]


def page(url_part: str, timestamp: str) -> tuple[bytes, str]:
    capture = next(c for c in PAGES if url_part in c.url and c.timestamp == timestamp)
    return capture.body, capture.url


def seed(url_part: str, timestamp: str) -> str:
    body, url = page(url_part, timestamp)
    return extract(body, url=url).markdown


def test_headings_lists_and_numbered_clauses_are_kept() -> None:
    body, url = page("bumble.com", "20231221123203")
    text = extract(body, url=url, content_type="text/html").markdown
    lines = text.splitlines()
    assert "## Bumble Privacy Policy" in lines
    assert "## 1. COLLECTION OF INFORMATION." in lines
    assert "- Name;" in lines and "- Email address;" in lines


def test_lists_trafilatura_drops_are_kept() -> None:
    # plain trafilatura keeps LOVOO's paragraphs but loses its headings and every list
    text = seed("lovoo.com", "20220511183150").splitlines()
    assert "# Privacy Policy for the Use of LOVOO" in text
    assert "- Username (pseudonym)" in text and "- City" in text


def test_data_tables_are_pipe_tables() -> None:
    text = seed("thisislex.app", "20230907123355")
    assert "| [Amplitude](https://amplitude.com/privacy) | [https://amplitude.com/privacy](https://amplitude.com/privacy) |" in text


@pytest.mark.parametrize("doc", DOCUMENTS, ids=[d["id"] for d in DOCUMENTS])
def test_scores_against_open_terms_archive(doc: dict) -> None:
    """Token precision and recall against OTA's curated text, and same/changed agreement with
    it on every consecutive pair (see benchmarks/extraction.py; no override declared)."""
    score, previous, agreement = Score(), None, []
    for cap in doc["captures"]:
        if not cap["md"]:
            continue
        body = (CORPUS / doc["id"] / cap["html"]).read_bytes()
        reference = (CORPUS / doc["id"] / cap["md"]).read_text()
        text = extract(body, url=cap["url"], content_type="text/html").markdown
        score.add(tokens(text), tokens(reference))
        if previous is not None:
            agreement.append((text == previous[0]) == (link_blind(reference) == previous[1]))
        previous = (text, link_blind(reference))
    assert score.precision >= 0.99 and score.recall >= 0.98, score.as_dict()
    assert all(agreement)


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
def test_no_images_svg_or_scripts_in_any_page_and_no_policy_flagged(capture) -> None:
    try:
        text = extract(capture.body, url=capture.url).markdown
    except NotAPolicy:
        assert len(capture.body) < 1000  # only Hily's bot-challenge stubs are not the policy
        return
    for clutter in ("data:image", "<svg", "![", "<script", "function("):
        assert clutter not in text


# -- the seed pages (shared/corpus-princeton): what plain trafilatura gets wrong ----------------

@pytest.mark.parametrize("url_part, timestamp, title", [
    ("milanoo.com", "20151230140304", "Privacy Policy"),  # <title> is "Contact Us ..."
    ("viki.com", "20151230155924", "Viki Privacy Policy"),  # <title> is a sign-up prompt
    ("rakuten.com", "20170624053153", "Privacy Policy"),
    ("alibaba.com/bin", "20020206222559", "PRIVACY POLICY"),  # <title>: "Alibaba: The World's..."
    ("alibaba.com/trade", "20090621035331", "Privacy Policy"),  # <title>: "Import Export Trade Leads"
    ("soompi.com", "20151229215604", "Privacy Policy"),
    ("buy.com/corp", "20021213184434", "Privacy Policy"),
])
def test_seed_titles_are_the_policys_own_heading(url_part: str, timestamp: str, title: str) -> None:
    body, url = page(url_part, timestamp)
    assert extract(body, url=url).title == title


@pytest.mark.parametrize("url_part, timestamp, opening", [
    # plain trafilatura opens with "Our Family Websites / Join Milanoo Distributors / cart is empty"
    ("milanoo.com", "20151230140304", "Privacy Policy\n\nThank you for accessing the web site (“Site”) of Milanoo"),
    # and Rakuten's with "0 / My Account"
    ("rakuten.com", "20170624053153", "Overview\nWe use the information that we collect about you"),
    # and Alibaba's with a pipe table of "Join Now - Sign In - My Alibaba"
    ("alibaba.com/bin", "20020206222559", "**PRIVACY POLICY**\n(Updated on 16/10/01)\n\nBy using our website"),
    # trafilatura drops Alibaba 2009's opening paragraph and Viki's welcome paragraph
    ("alibaba.com/trade", "20090621035331", "# Privacy Policy\n\n### PRIVACY POLICY (Updated on January 1, 2009)\n\n"
                                            "This is the Privacy Policy governing your use"),
    ("viki.com", "20151230155924", "## Viki Privacy Policy\n\nLast updated: February 9, 2015\n\nWelcome to Viki.com"),
    ("buy.com/corp", "20021213184434", "Privacy Policy\n\nAt buy.com, your privacy is a top priority."),
])
def test_seed_openings_are_kept_and_come_first(url_part: str, timestamp: str, opening: str) -> None:
    assert seed(url_part, timestamp).startswith(opening)


CLUTTER = re.compile(
    r"cart|wishlist|my account|sign in|join now|my alibaba|join us|family websites|"
    r"subscribe to our|copyright|all rights reserved|^\d+$", re.I | re.M)


@pytest.mark.parametrize("url", sorted(SEEDS), ids=lambda u: u[7:50])
def test_seed_pages_have_no_navigation_pipes_or_data_uris(url: str) -> None:
    text = extract(SEEDS[url].body, url=url).markdown
    assert not [line for line in text.splitlines() if len(line) < 60 and CLUTTER.search(line)]
    assert not re.search(r"^\|", text, re.M), "a layout table came out as a pipe table"
    assert "data:" not in text


@pytest.mark.parametrize("url", sorted(SEEDS), ids=lambda u: u[7:50])
def test_seed_links_point_at_the_policys_own_site(url: str) -> None:
    links = re.findall(r"\]\(([^)]*)\)", extract(SEEDS[url].body, url=url).markdown)
    assert all(re.match(r"(https?://|mailto:)", link) for link in links), links
    assert not [link for link in links if "archive.org" in link]


def test_relative_and_archived_links_resolve_to_the_site() -> None:
    html = (b'<html><body><article><h1>Privacy</h1><p>' + b"Our policy explains data use. " * 20 +
            b'See the <a href="/cookies">cookie policy</a>, the <a href="terms">terms</a>, the'
            b' <a href="https://web.archive.org/web/20181220135741/https://www.soompi.com/faq">FAQ</a>'
            b' and <a href="#rights">your rights</a>.</p></article></body></html>')
    text = extract(html, url="https://www.soompi.com/legal/privacy").markdown
    assert "[cookie policy](https://www.soompi.com/cookies)" in text
    assert "[terms](https://www.soompi.com/legal/terms)" in text
    assert "[FAQ](https://www.soompi.com/faq)" in text
    assert "your rights." in text  # a link within the page is plain text


def test_cache_busting_link_targets_make_no_new_version() -> None:
    html = ("<html><body><article><h1>Privacy</h1><p>{0}</p><p>Keep a copy: download the"
            " <a href='/privacy.pdf?{1}'>PDF version</a> of this policy.</p><p>{0}</p></article></body></html>")
    first, second = (extract(html.format("We protect your data. " * 30, stamp).encode(), url="https://a.test/p")
                     for stamp in ("1652276083494", "1653379842366"))
    assert first.text_sha256 == second.text_sha256
    assert "[PDF version](https://a.test/privacy.pdf)" in first.markdown


def test_when_trafilatura_finds_nothing_prose_is_the_policy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(locate, "_main_text", lambda root: "")
    text = seed("milanoo.com", "20151230140304")
    assert "Thank you for accessing the web site" in text and "cart is empty" not in text


def test_what_is_not_a_policy_page() -> None:
    for body, content_type, reason in [
        (b"%PDF-1.4 ...", "application/pdf", "unreadable PDF"),
        (b"\x89PNG....", "image/png", "not an HTML page or a PDF"),
        (b"   ", "text/html", "empty page"),
        (b"<html><body><script>x()</script></body></html>", "text/html", "needs JavaScript"),
    ]:
        with pytest.raises(ExtractionFailed, match=reason):
            extract(body, url="https://a.test/privacy", content_type=content_type)


def test_same_text_same_hash_whatever_the_markup_noise() -> None:
    sentence = "We keep your data safe and never sell it to anyone. "
    a = f"<html><body><main><h1>Privacy</h1><p>{sentence * 20}</p></main></body></html>"
    b = (f"<html><body>\n<div class='x'><main>\n  <h1> Privacy </h1>\n<div><p>"
         f"{sentence.replace(' ', '  ') * 20}</p></div></main></div></body></html>")
    assert extract(a.encode(), url="https://a.test/p").text_sha256 == extract(b.encode(), url="https://a.test/p").text_sha256


@pytest.mark.parametrize("doc, line, stated", [
    ("microsoft-copilot-privacy-policy", "Last Updated: March 2024", "2024-03-01"),
    ("withings-privacy-policy", "Updated on 29 Oct 2025.", "2025-10-29"),
])
def test_the_last_updated_line_above_the_title_is_kept(doc: str, line: str, stated: str) -> None:
    from tracker.dates import stated_date

    capture = corpus_captures(doc)[0]
    text = extract(capture.body, url=capture.url).markdown
    assert text.startswith(line)
    assert str(stated_date(text)) == stated
