"""Per-policy 'select' and 'remove' selectors, applied as Open Terms Archive applies them."""
from __future__ import annotations

import pytest
import samples
from corpus import CORPUS, corpus_captures, corpus_document

from benchmarks.extraction import tokens
from tracker.errors import ExtractionFailed, NotAPolicy
from tracker.extract import extract
from tracker.overrides import Overrides


@pytest.mark.parametrize("doc_id", ["lex-privacy-policy", "microsoft-copilot-privacy-policy", "withings-privacy-policy"])
def test_declared_selectors_give_open_terms_archives_text(doc_id: str) -> None:
    overrides = Overrides.from_options(corpus_document(doc_id)["ota_declaration"])
    capture = corpus_captures(doc_id)[0]
    text = extract(capture.body, url=capture.url, overrides=overrides).markdown
    reference = (CORPUS / doc_id / f"{capture.timestamp}.md").read_text()
    ours, theirs = tokens(text), tokens(reference)
    overlap = sum((ours & theirs).values())
    assert overlap >= 0.995 * sum(theirs.values()) and overlap >= 0.995 * sum(ours.values())


def test_select_keeps_matches_in_page_order_and_remove_drops_first() -> None:
    html = ("<html><body><div id='b'><p>Second part of the policy.</p><p class='ad'>Buy now!</p></div>"
            "<p>Not the policy.</p><div id='a'><p>First part of the policy.</p></div></body></html>")
    overrides = Overrides.from_options({"select": ["#a", "#b", "#b p"], "remove": ".ad"})
    text = extract(html.encode(), url=samples.URL, overrides=overrides).markdown
    assert text == "Second part of the policy.\n\nFirst part of the policy."


def test_a_select_that_matches_nothing_says_so() -> None:
    overrides = Overrides.from_options({"select": "#policy"})
    with pytest.raises(ExtractionFailed, match=r"the declared 'select' \(#policy\) matches nothing"):
        extract(samples.page().encode(), url=samples.URL, overrides=overrides)
    with pytest.raises(NotAPolicy):  # a bot wall has none of the policy's elements either
        extract(samples.CAPTCHA.encode(), url=samples.URL, overrides=overrides)
