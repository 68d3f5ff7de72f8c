"""Segmentation: every seed and corpus version cut into clauses, nothing lost, paths right."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from corpus import SHARED
from texts import corpus_versions

from tracker.clauses import split_clauses

SEEDS = sorted((SHARED / "seeds").glob("*.txt"))
_MARKER = re.compile(r"^\s*(?:#{1,6}\s|[-*+]\s|\d{1,3}[.)]\s|\(?[a-zA-Z]\)\s|\(?[ivxlcIVXLC]{1,6}[.)]\s)")


def tokens(text: str) -> list[str]:
    """Words, less those that may be a list marker (``a``, ``iv``, ``12``): a marker starting a
    line continues a sentence in some texts and opens an item in others."""
    return [t for t in re.findall(r"\w+", text) if not re.fullmatch(r"[a-zA-Z]|[ivxlcIVXLC]+|\d{1,3}", t)]


def markdown_tokens(markdown: str) -> list[str]:
    """The words of the Markdown, less list and heading markers and table rules."""
    lines = [_MARKER.sub("", line) for line in markdown.splitlines()
             if not re.fullmatch(r"\s*\|?[\s:|-]*-{2,}[\s:|-]*\|?\s*", line)]
    return tokens("\n".join(lines))


ALL_TEXTS = [(p.name, p.read_text()) for p in SEEDS] + [
    (f"{doc}#{n}", text) for doc, texts in corpus_versions().items() for n, text in enumerate(texts, 1)]


@pytest.mark.parametrize("name, markdown", ALL_TEXTS, ids=[n for n, _ in ALL_TEXTS])
def test_no_word_is_lost_or_invented(name: str, markdown: str) -> None:
    clauses = split_clauses(markdown)
    assert clauses
    assert [c.ordinal for c in clauses] == list(range(1, len(clauses) + 1))
    assert tokens(" ".join(c.text for c in clauses)) == markdown_tokens(markdown)


def test_heading_trails_numbers_and_letters() -> None:
    markdown = """# Privacy Policy

## 3 Sharing

### 3.2 Advertisers

4.2 Advertisers may receive aggregated data.

(a) Registration data is kept.

(iv) Logs are kept for 30 days.

Article 5 Your rights are listed here.

§ 2 Scope of this notice.

**Cookies**

We use cookies.

| Cookie | Purpose |
| --- | --- |
| _ga | analytics |

1. First item
2. Second item
   - nested detail
"""
    clauses = split_clauses(markdown)
    by_text = {c.text: c for c in clauses}
    assert by_text["3.2 Advertisers"].kind == "heading"
    assert by_text["3.2 Advertisers"].path == "Privacy Policy > 3 Sharing"
    advertisers = by_text["4.2 Advertisers may receive aggregated data."]
    assert (advertisers.label, advertisers.path) == ("4.2", "Privacy Policy > 3 Sharing > 3.2 Advertisers > 4.2")
    assert by_text["Registration data is kept."].label == "(a)"  # lettered items lose the marker
    assert by_text["Logs are kept for 30 days."].label == "(iv)"
    assert by_text["Article 5 Your rights are listed here."].label == "Article 5"
    assert by_text["§ 2 Scope of this notice."].label == "§ 2"
    assert by_text["**Cookies**"].kind == "heading"
    assert by_text["We use cookies."].path.endswith("3.2 Advertisers > Cookies")
    assert by_text["_ga | analytics"].kind == "row" and "--- | ---" not in by_text
    assert by_text["Second item"].label == "2" and by_text["Second item"].kind == "item"
    assert by_text["nested detail"].kind == "item"


def test_renumbering_a_list_changes_no_clause_text() -> None:
    before = [c.text for c in split_clauses("1. Alpha\n2. Beta\n3. Gamma")]
    after = [c.text for c in split_clauses("1. Zero\n2. Alpha\n3. Beta\n4. Gamma")]
    assert after[1:] == before


def test_seed_soompi_sections_are_paths() -> None:
    text = (SHARED / "seeds" / "003_3c2c7f0f47e3e932.txt").read_text()
    clauses = split_clauses(text)
    sharing = [c for c in clauses if c.text.startswith("**Service providers.**")]
    assert sharing and "6 HOW WE SHARE INFORMATION" in sharing[0].path


def test_empty_text_has_no_clause() -> None:
    assert split_clauses("") == [] and split_clauses("\n\n  \n") == []
