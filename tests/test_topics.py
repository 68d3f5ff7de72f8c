"""Topics by keyword sets, each on real policy sentences, in English, French and German."""
from __future__ import annotations

import re

import pytest

from tracker.topics import TOPICS, topics_of

CASES = {
    "collection": ["We collect information you provide directly to us, such as your name and email.",
                   "Nous recueillons les données que vous nous fournissez.",
                   "Wir erheben personenbezogene Daten, wenn Sie ein Konto anlegen."],
    "sharing": ["We do not sell your personal information to third parties.",
                "Nous ne partageons pas vos données avec des tiers.",
                "Eine Weitergabe an Dritte erfolgt nicht."],
    "advertising": ["We use cookies and similar tracking technologies to show you targeted ads.",
                    "Nous utilisons des traceurs à des fins de publicité ciblée.",
                    "Wir nutzen Ihre Daten für personalisierte Werbung."],
    "retention": ["We retain your data for as long as your account is active.",
                  "Vos données sont conservées pendant trois ans.",
                  "Die Daten werden nach Ablauf der Aufbewahrungsfrist gelöscht."],
    "security": ["We use encryption to protect your data against unauthorized access.",
                 "Nous mettons en œuvre des mesures de sécurité appropriées.",
                 "Wir setzen technische Sicherheitsmaßnahmen und Verschlüsselung ein."],
    "children": ["Our Services are not directed to children under 13.",
                 "Nos services ne s'adressent pas aux mineurs de moins de 15 ans.",
                 "Unsere Dienste richten sich nicht an Kinder unter 16 Jahren."],
    "rights": ["You have the right to access, rectify or erase your personal data.",
               "Vous disposez d'un droit d'opposition et de rectification.",
               "Sie haben das Recht auf Auskunft und Berichtigung."],
    "transfer": ["Your data may be transferred outside the EEA under standard contractual clauses.",
                 "Vos données peuvent être transférées vers des pays tiers.",
                 "Eine Übermittlung in Drittländer erfolgt nur mit geeigneten Garantien."],
    "legal-basis": ["We process your data on the basis of our legitimate interests.",
                    "La base légale du traitement est votre consentement.",
                    "Rechtsgrundlage der Verarbeitung ist Art. 6 DSGVO."],
    "contact": ["If you have questions, contact our Data Protection Officer.",
                "Pour toute question, vous pouvez nous contacter par courrier.",
                "Unseren Datenschutzbeauftragten erreichen Sie unter der folgenden Anschrift."],
}


@pytest.mark.parametrize("topic, sentence", [(t, s) for t, ss in CASES.items() for s in ss])
def test_each_topic_in_three_languages(topic: str, sentence: str) -> None:
    assert topic in topics_of(sentence)


def test_every_topic_is_tested() -> None:
    assert set(CASES) == set(TOPICS)


def test_main_topic_first_and_other() -> None:
    assert topics_of("Children: we never share children's data, and children may opt out.")[0] == "children"
    assert topics_of("Welcome to our website. Enjoy your stay.") == ["other"]
    assert "children" not in topics_of("We collect any kind of data.")  # German "Kind" is not English
    assert "sharing" not in topics_of("Our vendors are listed below.")  # nor is French "vend*"


SECTIONS = {  # a heading that names the topic, as real policies title their sections
    "children": r"child", "security": r"secur", "retention": r"retention|retain|how long",
    "rights": r"your rights|your choices", "advertising": r"cookie", "transfer": r"international|data transfers|transfers? of data|non-european",
}


@pytest.mark.parametrize("topic, heading", SECTIONS.items())
def test_real_sections_are_tagged_with_their_topic(topic: str, heading: str) -> None:
    from texts import corpus_versions

    from tracker.clauses import split_clauses

    clauses = [c for doc, texts in corpus_versions().items() if doc not in ("withings-privacy-policy", "doubao-privacy-policy")
               for c in split_clauses(texts[-1])
               if c.kind != "heading" and len(c.text.split()) > 12 and re.search(heading, c.path.rsplit(">", 1)[-1], re.I)]
    tagged = [c for c in clauses if topic in topics_of(f"{c.path}\n{c.text}")]
    assert len(clauses) >= 3 and len(tagged) / len(clauses) >= 0.9, (len(tagged), len(clauses))
