"""The date a policy states for itself, on the seeds' real wordings and French and German forms."""
from __future__ import annotations

from datetime import date

import pytest
from corpus import SHARED

from tracker.dates import stated_date


def seed(name: str) -> str:
    return next((SHARED / "seeds").glob(f"{name}_*.txt")).read_text()


@pytest.mark.parametrize("name, expected", [
    ("000", date(2014, 1, 31)),  # "This Privacy Policy was last changed on January 31, 2014."
    ("002", date(2024, 7, 1)),  # "Last updated: 1 July 2024"
    ("003", date(2018, 5, 10)),  # "Last Updated May 10, 2018"
    ("004", date(2012, 6, 11)),  # "**(Updated on June 11th, 2012)**"
])
def test_the_seeds_four_wordings(name: str, expected: date) -> None:
    assert stated_date(seed(name)) == expected


@pytest.mark.parametrize("text, expected", [
    ("Dernière mise à jour : 12 mars 2024", date(2024, 3, 12)),
    ("Politique mise à jour le 1er février 2023.", date(2023, 2, 1)),
    ("En vigueur le 25 mai 2018", date(2018, 5, 25)),
    ("Date d'entrée en vigueur : 01/09/2022", date(2022, 9, 1)),
    ("Stand: 1. Januar 2024", date(2024, 1, 1)),
    ("Zuletzt aktualisiert am 01.03.2024", date(2024, 3, 1)),
    ("Gültig ab 15. Juni 2022", date(2022, 6, 15)),
    ("Last Updated: March 2024 [What's new?]", date(2024, 3, 1)),
    ("This Privacy Policy has an effective date of: **5/29/14**.", date(2014, 5, 29)),
    ("Updated on 29 Oct 2025.", date(2025, 10, 29)),
    ("**更新日期：2026年6月15日**", date(2026, 6, 15)),
    # from the corpus: Tinder, eHarmony, Grindr
    ("This Privacy Policy applies from February 28, 2025. The previous version", date(2025, 2, 28)),
    ("Version: 25. April 2022", date(2022, 4, 25)),
    ("Effective Date: The earlier of 2024-12-02 or user acknowledgment.", date(2024, 12, 2)),
])
def test_french_german_and_other_forms(text: str, expected: date) -> None:
    assert stated_date(text) == expected


@pytest.mark.parametrize("text", [
    "We may update this policy from time to time.",
    "Last updated: recently",
    "We updated it in 2019.",
    "Version 2.0 of the app, released in May 2019.",
    (SHARED / "seeds" / "001_e602ff9469e94641.txt").read_text().split("\n", 1)[1],  # states none
])
def test_no_stated_date(text: str) -> None:
    assert stated_date(text) is None
