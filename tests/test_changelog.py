"""Change logs in a policy's history: windows, topics, silent and date-only changes."""
from __future__ import annotations

import json

from texts import corpus_versions

from tracker.changelog import change_log
from tracker.clauses import split_clauses
from tracker.dates import stated_date
from tracker.revisions import Revision


def history(*texts: str) -> tuple[list[Revision], list]:
    """Revisions of the given texts, a month apart, through ``change_log``."""
    revisions = [Revision(n, n, f"2024-0{n}-01T00:00:00Z", f"2024-0{n}-20T00:00:00Z", 2, n * 10, n * 10 + 1)
                 for n in range(1, len(texts) + 1)]
    clauses = {n: [(n * 1000 + c.ordinal, c) for c in split_clauses(text)] for n, text in enumerate(texts, 1)}
    stated = {n: (d.isoformat() if (d := stated_date(text)) else None) for n, text in enumerate(texts, 1)}
    return change_log(revisions, clauses, stated)


def test_a_real_silent_change() -> None:
    first, second = corpus_versions()["lovoo-privacy-policy"][:2]
    assert stated_date(first) == stated_date(second)  # both say 18 March 2022
    revisions, changes = history(first, second)
    assert revisions[1].silent_change and not revisions[1].date_only_change
    assert revisions[1].stated_date == "2022-03-18"
    assert any(["+", "[datenschutz@lovoo.com](mailto:datenschutz@lovoo.com)"] in json.loads(c.diff or "[]")
               for c in changes)


def test_a_markup_only_edit_is_cosmetic_not_silent() -> None:
    first, second = corpus_versions()["bumble-privacy-policy"][:2]  # a link's extent moved
    revisions, changes = history(first, second)
    assert [(c.kind, c.cosmetic) for c in changes] == [("modified", True)]
    assert not revisions[1].silent_change and revisions[1].cosmetic == 1


def test_a_date_only_change_on_real_text() -> None:
    text = corpus_versions()["lex-privacy-policy"][0]
    assert "*Last updated August 18, 2023.*" in text
    redated = text.replace("August 18, 2023", "January 5, 2024")
    revisions, changes = history(text, redated)
    assert revisions[1].date_only_change and not revisions[1].silent_change
    (change,) = changes
    assert change.kind == "modified" and ["-", "August 18, 2023.*"] in json.loads(change.diff)


def test_windows_topics_and_counts() -> None:
    text = corpus_versions()["lex-privacy-policy"][0]
    added = "We never sell your personal data to advertisers or other third parties."
    revisions, changes = history(text, text + "\n\n" + added)
    (change,) = changes
    assert (change.kind, change.new_text, change.old_text) == ("added", added, None)
    assert (change.window_start, change.window_end) == ("2024-01-20T00:00:00Z", "2024-02-01T00:00:00Z")
    assert change.topic == "sharing" and "advertising" in json.loads(change.topics)
    assert (revisions[1].added, revisions[1].removed, revisions[1].modified) == (1, 0, 0)
    assert revisions[1].silent_change  # same stated date, new clause
    assert json.loads(revisions[1].topics)[0] == "sharing"


def test_a_revert_logs_both_ways() -> None:
    a, b = corpus_versions()["withings-privacy-policy"][:2]
    revisions, changes = history(a, b, a)
    forward = [(c.kind, c.old_ordinals, c.new_ordinals) for c in changes if c.to_revision == 2]
    back = [(c.kind, c.new_ordinals, c.old_ordinals) for c in changes if c.to_revision == 3]
    assert len(forward) == len(back) > 0
