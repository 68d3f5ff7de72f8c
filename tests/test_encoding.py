"""Decoding captured bytes: the right codec whatever the page claims, mojibake repaired."""
from __future__ import annotations

import pytest
from samples import URL, mojibake, page

from tracker.encoding import decode
from tracker.extract import extract

CP1252 = page(charset="windows-1252")
PHRASE = "Café Example Ltd (“we”, “us”) runs the Example shop"  # é, curly quotes: 0xE9, 0x93, 0x94
EURO = "Orders above €500"  # 0x80 in cp1252, a control character in latin-1


@pytest.mark.parametrize("body, content_type, source", [
    (CP1252.encode("cp1252"), "text/html; charset=windows-1252", "header"),
    (CP1252.encode("cp1252"), "text/html; charset=ISO-8859-1", "header"),  # latin-1 means cp1252
    (CP1252.encode("cp1252"), "text/html", "meta"),
    (CP1252.replace('<meta charset="windows-1252">', "").encode("cp1252"), "text/html", "detected"),
    (CP1252.encode("cp1252"), "text/html; charset=utf-8", "meta"),  # the header lies: bytes are not UTF-8
    (page().encode("utf-8"), "text/html; charset=iso-8859-1", "header"),  # the header lies: bytes are UTF-8
    (b"\xef\xbb\xbf" + page().encode("utf-8"), "text/html; charset=windows-1252", "bom"),
    (page().encode("utf-16"), None, "bom"),
])
def test_the_right_codec_whatever_the_page_claims(body: bytes, content_type: str | None, source: str) -> None:
    decoded = decode(body, content_type)
    assert decoded.source == source
    assert PHRASE in decoded.text and EURO in decoded.text


def test_a_cp1252_page_extracts_its_text() -> None:
    text = extract(CP1252.encode("cp1252"), url=URL, content_type="text/html; charset=windows-1252").markdown
    assert PHRASE in text and EURO in text


def test_a_mojibake_page_is_repaired() -> None:
    body = mojibake(page())
    assert "CafÃ©" in body.decode("utf-8")
    extraction = extract(body, url=URL, content_type="text/html; charset=utf-8")
    assert PHRASE in extraction.markdown and EURO in extraction.markdown
    assert "Ã" not in extraction.markdown and "â€" not in extraction.markdown
    assert extraction.warnings == ("mojibake repaired",)
    assert extraction.text_sha256 == extract(page().encode(), url=URL).text_sha256


def test_undecodable_bytes_never_raise() -> None:
    assert decode(bytes(range(256)) * 4, "text/html; charset=utf-8").text
