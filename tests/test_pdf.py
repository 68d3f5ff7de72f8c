"""PDF captures: their text layer as paragraphs."""
from __future__ import annotations

import pytest
from samples import URL, pdf, pdf_lines

from tracker.errors import ExtractionFailed
from tracker.extract import extract


def test_a_pdf_capture_is_extracted() -> None:
    extraction = extract(pdf(pdf_lines()), url=URL + ".pdf", content_type="application/pdf")
    assert extraction.title == "Privacy Policy"
    assert extraction.markdown.split("\n\n") == [
        "Privacy Policy",
        "We collect your name, your postal address and your email address when you place an order,"
        " and we use them only to deliver your order and to answer your questions.",
        "Your rights",
        "You may ask for a copy of your data, its correction or its deletion at any time by writing"
        " to privacy@shop.example.",
    ]


def test_a_pdf_is_known_by_its_signature_too() -> None:
    # archives often record PDFs as application/octet-stream or with no type at all
    assert extract(pdf(pdf_lines()), url=URL, content_type="application/octet-stream").words == 55


def test_a_pdf_without_text_says_so() -> None:
    with pytest.raises(ExtractionFailed, match="no text layer"):
        extract(pdf([]), url=URL, content_type="application/pdf")
