"""CDX listings in both dialects, from literal answers and from the real local pywb."""
from __future__ import annotations

import json
import urllib.request

import pytest

from crawler.archive import Archive
from crawler.cdx import CdxRecord, parse_cdx
from crawler.localarchive import LocalArchive
from tracker.errors import ArchiveError, DeclarationError

# As web.archive.org answers `output=json&showResumeKey=true&limit=2` (shape from its CDX docs).
IA_PAGE = json.dumps([
    ["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"],
    ["com,soompi)/privacy", "20181220135741", "https://www.soompi.com/privacy", "text/html",
     "200", "AAAA", "12000"],
    ["com,soompi)/privacy", "20190101000000", "http://www.soompi.com:80/privacy", "warc/revisit",
     "-", "AAAA", "600"],
    [],
    ["com%2Csoompi%29%2Fprivacy+20190101000000"],
])


def test_web_archive_org_arrays_with_resume_key() -> None:
    page = parse_cdx(IA_PAGE)
    assert page.resume_key == "com%2Csoompi%29%2Fprivacy+20190101000000"
    assert page.records == [
        CdxRecord("com,soompi)/privacy", "20181220135741", "https://www.soompi.com/privacy",
                  "text/html", 200, "AAAA", 12000),
        CdxRecord("com,soompi)/privacy", "20190101000000", "http://www.soompi.com:80/privacy",
                  "warc/revisit", None, "AAAA", 600),
    ]
    assert page.records[0].captured_at.isoformat() == "2018-12-20T13:57:41+00:00"


def test_pywb_json_lines_and_duplicates() -> None:
    line = {"urlkey": "com,bumble)/en/privacy", "timestamp": "20231221123203",
            "url": "https://bumble.com/en/privacy", "mime": "text/html", "status": "200",
            "digest": "XYZ", "length": "5000", "offset": "0", "filename": "corpus.warc.gz"}
    text = "\n".join([json.dumps(line), json.dumps(line), ""])
    page = parse_cdx(text)
    assert page.resume_key is None
    assert [(r.url, r.status, r.mime) for r in page.records] == [
        ("https://bumble.com/en/privacy", 200, "text/html")]


@pytest.mark.parametrize("text", ["", "[]", "  \n"])
def test_empty_listings(text: str) -> None:
    assert parse_cdx(text).records == []


@pytest.mark.parametrize("text", ["<html>Not found</html>", '[["urlkey"], ["x"]]',
                                  '{"timestamp": "2019"}'])
def test_not_a_cdx_listing(text: str) -> None:
    with pytest.raises(ArchiveError, match="did not answer as a Wayback CDX server"):
        parse_cdx(text, source="http://example.test")


def test_listing_from_the_local_pywb(archive: LocalArchive) -> None:
    target = Archive.parse(archive.url)
    with urllib.request.urlopen(target.cdx_url("https://bumble.com/en/privacy"), timeout=30) as r:
        page = parse_cdx(r.read().decode())
    assert [rec.timestamp for rec in page.records] == [
        "20231221123203", "20231227123205", "20240102123203", "20240102183203",
        "20240216183203", "20240217003203", "20241002063215", "20241002123218"]
    assert all(rec.status == 200 and rec.digest for rec in page.records)


def test_archive_profiles() -> None:
    wayback = Archive.parse()
    assert (wayback.cdx_per_minute, wayback.replays_per_minute) == (24, 480)
    local = Archive.parse("http://127.0.0.1:8080/")
    assert local.base == "http://127.0.0.1:8080" and local.cdx_per_minute == 0
    assert Archive.parse("http://localhost:1", cdx_per_minute=6).cdx_per_minute == 6
    assert local.replay_url("20190101000000", "https://a.test/p") == (
        "http://127.0.0.1:8080/web/20190101000000id_/https://a.test/p")
    for bad in ("web.archive.org", "ftp://x.test", "http://"):
        with pytest.raises(DeclarationError, match="not an http"):
            Archive.parse(bad)
