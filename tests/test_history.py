"""The crawl path for the hard cases: flagged captures never become revisions, a PDF does,
encodings make no versions, and a new extractor or new overrides re-extract what is stored."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import samples
import yaml
from samples import URL, changed, mojibake, page, pdf, pdf_lines
from test_end_to_end import policy_history

from crawler.localarchive import ArchivedCapture, LocalArchive
from db.store import Store
from tracker import history
from tracker.extract import EXTRACTOR
from tracker.history import update

PDF_URL = "https://shop.example/privacy.pdf"
HTML_UTF8, HTML_CP1252 = "text/html; charset=utf-8", "text/html; charset=windows-1252"
CAPTURES = [  # timestamp, url, body, content type
    ("20200101000000", URL, page(charset="windows-1252").encode("cp1252"), HTML_CP1252),
    ("20200201000000", URL, samples.SOFT_404.encode(), HTML_UTF8),
    ("20200301000000", URL, page().encode(), HTML_UTF8),  # same text, other encoding: same version
    ("20200401000000", URL, samples.CAPTCHA.encode(), HTML_UTF8),
    ("20200501000000", URL, samples.JS_SHELL.encode(), HTML_UTF8),
    ("20200601000000", URL, page(samples.GERMAN, lang="de").encode(), HTML_UTF8),
    ("20200801000000", URL, page(changed()).encode(), HTML_UTF8),
    ("20200901000000", URL, mojibake(page(changed())), HTML_UTF8),  # repaired: same version
    ("20201001000000", PDF_URL, pdf(pdf_lines()), "application/pdf"),
]
FLAGS = {
    "20200201000000": ("soft-404", "not the policy: a 'page not found' page"),
    "20200401000000": ("bot-wall", "not the policy: a bot check or captcha page"),
    "20200501000000": ("js-shell", "not the policy: an empty page that needs JavaScript"),
    "20200601000000": ("language", "not the policy: a page in another language than the policy's (de; the policy's: en)"),
}


@pytest.fixture(scope="module")
def crawled(pywb_bin: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hard-cases")
    archive = LocalArchive(root / "archive", pywb_bin=pywb_bin)
    try:
        archive.add([ArchivedCapture(url, ts, body, content_type=ct) for ts, url, body, ct in CAPTURES], "shop")
        archive.start()
        declarations = root / "shop.yaml"
        declarations.write_text(yaml.safe_dump({"policies": {
            "shop-privacy": {"urls": [URL]}, "shop-pdf-privacy": {"urls": [PDF_URL]}}}))
        db = root / "policies.db"
        policy_history("crawl", "--db", str(db), "--archive", archive.url, "--declarations", str(declarations))
    finally:
        archive.stop()
    return db


def query(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def test_captures_that_are_not_the_policy_are_flagged_with_the_reason(crawled: Path) -> None:
    rows = query(crawled, "select c.timestamp, e.flag, e.error, e.version_id from extractions e"
                          " join captures c on c.id = e.capture_id where e.flag is not null")
    assert {ts: (flag, error) for ts, flag, error, _ in rows} == FLAGS
    assert all(version is None for *_, version in rows)


def test_only_the_policy_makes_revisions(crawled: Path) -> None:
    rows = query(crawled, "select r.seq, r.first_seen, r.last_seen, r.captures, v.title, v.markdown"
                          " from revisions r join versions v on v.id = r.version_id"
                          " join documents d on d.id = r.document_id where d.slug = 'shop-privacy' order by r.seq")
    assert [row[:4] for row in rows] == [
        (1, "2020-01-01T00:00:00Z", "2020-03-01T00:00:00Z", 2),
        (2, "2020-08-01T00:00:00Z", "2020-09-01T00:00:00Z", 2),
    ]
    assert all(row[4] == "Privacy Policy" for row in rows)
    assert "six years" in rows[0][5] and "ten years" in rows[1][5]
    assert query(crawled, "select count(*) from versions v join documents d on d.id = v.document_id"
                          " where d.slug = 'shop-privacy'") == [(2,)]


def test_a_pdf_capture_is_a_revision(crawled: Path) -> None:
    rows = query(crawled, "select v.title, v.markdown from revisions r join versions v on v.id = r.version_id"
                          " join documents d on d.id = r.document_id where d.slug = 'shop-pdf-privacy'")
    assert len(rows) == 1 and rows[0][0] == "Privacy Policy"
    assert "we use them only to deliver your order" in rows[0][1]


def test_languages_are_recorded(crawled: Path) -> None:
    assert query(crawled, "select distinct language from extractions order by 1") == [(None,), ("de",), ("en",)]


def test_a_new_extractor_or_new_overrides_extract_again(crawled: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "copy.db"
    with sqlite3.connect(crawled) as source, sqlite3.connect(db) as target:
        source.backup(target)
    store = Store(db)
    assert update(store).extracted == 0  # up to date
    monkeypatch.setattr(history, "extractor_id", lambda overrides: EXTRACTOR + "-next")
    # every capture with text (the German one too, set aside again for its language), and the PDF
    assert update(store).extracted == 6
    assert query(db, "select distinct extractor from extractions") == [(EXTRACTOR + "-next",)]
    monkeypatch.undo()
    document = store.document("shop-privacy")
    store.add_document(document.slug, document.urls, options={"select": ["article"], "remove": ["h1"]})
    report = update(store, document_ids=[document.id])
    assert (report.extracted, report.flagged) == (5, 4)
    titles = query(db, "select distinct v.title from versions v join documents d on d.id = v.document_id"
                       " where d.slug = 'shop-privacy'")
    assert titles == [("Privacy",)]  # no heading left: the page's <title> without the site's name
    assert len(store.revisions(document.id)) == 2


def test_a_language_declared_for_the_policy_wins(crawled: Path, tmp_path: Path) -> None:
    db = tmp_path / "copy.db"
    with sqlite3.connect(crawled) as source, sqlite3.connect(db) as target:
        source.backup(target)
    store = Store(db)
    document = store.document("shop-privacy")
    store.add_document(document.slug, document.urls, options={"language": "de"})
    store.clear_derived()
    report = update(store)
    assert report.flagged == 3 + 4  # the soft-404, captcha and shell; the four English captures
    assert [r["captures"] for r in store.revisions(document.id)] == [1]
