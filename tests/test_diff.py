"""Clause alignment: lossless on every real change in the corpus and on generated edits."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from texts import consecutive_pairs

from tracker.clauses import split_clauses
from tracker.diff import apply_changes, canonical, diff_clauses, word_diff

PAIRS = consecutive_pairs()


def texts(markdown: str) -> list[str]:
    return [c.text for c in split_clauses(markdown)]


@pytest.mark.parametrize("doc, before, after", PAIRS, ids=[f"{d}-{n}" for n, (d, _, _) in enumerate(PAIRS)])
def test_applying_the_log_rebuilds_the_newer_revision(doc: str, before: str, after: str) -> None:
    old, new = texts(before), texts(after)
    changes = diff_clauses(old, new)
    assert apply_changes(old, changes) == new
    assert changes, "a real change shows in the log"


def test_the_log_names_the_changed_clauses_not_the_document() -> None:
    reported = sum(len(diff_clauses(texts(a), texts(b))) for _, a, b in PAIRS)
    total = sum(len(texts(b)) for _, _, b in PAIRS)
    assert len(PAIRS) >= 25 and reported < total / 3


def test_kinds_on_a_hand_made_edit() -> None:
    old = ["Intro", "We may share your data with advertisers.", "Cookies are used on this site.",
           "Contact us at privacy@example.com", "We keep logs. We delete them after 30 days.",
           "Children under 13 may not register.", "Copyright 2019 Example Inc."]
    new = ["Intro", "Cookies are used on this site.", "We will not sell your data to advertisers.",
           "contact us at privacy@example.com", "We keep logs.", "We delete them after 30 days.",
           "Copyright 2024 Example Inc.", "You may opt out of marketing emails."]
    changes = {(c.kind, c.old, c.new): c for c in diff_clauses(old, new)}
    share = changes[("modified", (2,), (3,))]
    assert share.moved and not share.cosmetic and 0.5 < share.similarity < 1
    assert ("-", "may share") in share.diff and ("+", "will not sell") in share.diff
    assert changes[("modified", (4,), (4,))].cosmetic  # case only
    assert changes[("split", (5,), (5, 6))].similarity == 1.0
    assert changes[("modified", (7,), (7,))].cosmetic  # a year only
    assert ("removed", (6,), ()) in changes and ("added", (), (8,)) in changes
    assert apply_changes(old, list(changes.values())) == new


def test_merged_clauses() -> None:
    old = ["Title", "We collect your name.", "We collect your email address.", "End"]
    new = ["Title", "We collect your name. We collect your email address.", "End"]
    (change,) = diff_clauses(old, new)
    assert (change.kind, change.old, change.new) == ("merged", (2, 3), (2,))


def test_an_exact_move_is_only_a_move() -> None:
    old = [f"Clause number {n} of the policy text." for n in range(10)]
    new = old[:2] + old[3:8] + [old[2]] + old[8:]
    assert [(c.kind, c.old, c.new) for c in diff_clauses(old, new)] == [("moved", (3,), (8,))]


def test_cosmetic_folding() -> None:
    assert canonical("“Personal Data” – © 2019") == canonical('"personal data" - © 2024')
    assert canonical("1. We share data.") == canonical("We share data.")
    # a link's extent or target moved, the words did not (a real Bumble edit)
    assert canonical("the Information [Commissioner’s Office](https://ico.org.uk/)") == canonical(
        "the [Information Commissioner’s Office](https://ico.org.uk/make-a-complaint/)")
    assert canonical("We [never](https://a.test) sell data.") != canonical("We always sell data.")
    assert word_diff("a b c", "a x c") == (("=", "a"), ("-", "b"), ("+", "x"), ("=", "c"))


SENTENCE = st.lists(st.sampled_from(
    "we may share your personal data with partners advertisers cookies retain delete children "
    "rights consent transfer security contact us for months years the of and to".split()),
    min_size=3, max_size=25).map(" ".join)


@st.composite
def edited(draw: st.DrawFn) -> tuple[list[str], list[str]]:
    """A clause list and the same after random inserts, deletes, rewordings, moves, splits, merges."""
    old = draw(st.lists(SENTENCE, min_size=0, max_size=30))
    new = list(old)
    for _ in range(draw(st.integers(0, 8))):
        op = draw(st.sampled_from(["insert", "delete", "reword", "move", "split", "merge"]))
        if op == "insert" or not new:
            new.insert(draw(st.integers(0, len(new))), draw(SENTENCE))
        elif op == "delete":
            new.pop(draw(st.integers(0, len(new) - 1)))
        elif op == "reword":
            i = draw(st.integers(0, len(new) - 1))
            words = new[i].split()
            j = draw(st.integers(0, len(words) - 1))
            words[j] = draw(st.sampled_from(["never", "sell", "always", "third", "parties"]))
            new[i] = " ".join(words)
        elif op == "move":
            clause = new.pop(draw(st.integers(0, len(new) - 1)))
            new.insert(draw(st.integers(0, len(new))), clause)
        elif op == "split":
            i = draw(st.integers(0, len(new) - 1))
            words = new[i].split()
            if len(words) > 1:
                cut = draw(st.integers(1, len(words) - 1))
                new[i:i + 1] = [" ".join(words[:cut]), " ".join(words[cut:])]
        elif len(new) > 1:
            i = draw(st.integers(0, len(new) - 2))
            new[i:i + 2] = [new[i] + " " + new[i + 1]]
    return old, new


@settings(max_examples=300, deadline=None)
@given(edited())
def test_any_edit_sequence_is_lossless(pair: tuple[list[str], list[str]]) -> None:
    old, new = pair
    changes = diff_clauses(old, new)
    assert apply_changes(old, changes) == new
    assert (changes == []) == (old == new)


@settings(max_examples=100, deadline=None)
@given(st.lists(SENTENCE, min_size=1, max_size=20), st.data())
def test_an_insert_is_one_addition(old: list[str], data: st.DataObject) -> None:
    clause = "Zebras juggle quietly beneath xylophone mountains at dawn."  # like no other clause
    at = data.draw(st.integers(0, len(old)))
    changes = diff_clauses(old, old[:at] + [clause] + old[at:])
    assert [(c.kind, c.new) for c in changes] == [("added", (at + 1,))]


def test_repeated_clauses_stay_with_their_section() -> None:
    """A new country block between others, each with the same "Online"/"By post" lines (as
    Tinder's contact section has): the new lines are added there, nothing moves."""
    def block(country: str) -> list[str]:
        return [f"If you live in {country}:", "Online: [here](https://help.example/)", "By post:",
                f"Example Inc., {country} office"]
    old = ["How to contact us"] + block("Japan") + block("Korea") + block("Brazil")
    new = ["How to contact us"] + block("Japan") + block("the United Kingdom") + block("Korea") + block("Brazil")
    changes = diff_clauses(old, new)
    assert [(c.kind, c.new) for c in changes] == [("added", (n,)) for n in range(6, 10)]
