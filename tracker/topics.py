"""What a clause is about: topics by keyword sets, in English, French and German.

The method is deliberately transparent: a clause (with its heading path) is tagged with every
topic one of whose keywords it contains as a whole word or phrase (case-insensitive; a keyword
ending in ``*`` matches any word starting with it). Topics are listed by how many keyword
matches they have, then in the order of ``TOPICS``, so the first is the main one; a clause
matching none is ``other``. Read the sets below to know exactly why a change was tagged.
"""
from __future__ import annotations

import re

TOPICS: dict[str, tuple[str, ...]] = {
    "children": (
        "child*", "minor", "minors", "under the age", "under 13", "under 16", "parental consent", "coppa",
        "enfant*", "mineur*", "moins de 1*", "kinder", "kindern", "kindes", "minderjährig*",
        "jugendliche*",
    ),
    "sharing": (
        "share", "shares", "shared", "sharing", "disclos*", "third part*", "sell", "sells", "sold",
        "sale of", "affiliate*", "partners", "service providers", "transfer to", "partag*",
        "communiqu*", "des tiers", "à des tiers", "aux tiers", "vendre", "vendons", "vente*",
        "cession", "weitergabe", "weitergeben", "dritte*",
        "verkauf*", "offenleg*", "empfänger",
    ),
    "advertising": (
        "advertis*", "ads", "cookie*", "tracking", "track", "tracker*", "pixel*", "web beacon*",
        "analytics", "do not track", "targeted", "marketing", "publicit*", "traceur*", "ciblé*",
        "werbung", "werbe*", "tracking-*", "zielgerichtet*",
    ),
    "retention": (
        "retain*", "retention", "keep your", "store your", "stored for", "delete*", "deletion",
        "as long as", "conserv*", "durée", "supprim*", "aufbewahr*", "speicherdauer", "gelöscht",
        "löschung", "speichern",
    ),
    "security": (
        "secur*", "encrypt*", "safeguard*", "breach*", "unauthori?ed access", "sécurité",
        "chiffr*", "sicherheit*", "verschlüssel*", "schutzmaßnahmen",
    ),
    "rights": (
        "right to", "your rights", "rights", "opt out", "opt-out", "unsubscribe", "access your",
        "your choices", "choices about", "you may request", "request access", "ask us to delete",
        "revoke* consent", "access, correction",
        "rectif*", "erasure", "portability", "object to", "withdraw* consent", "complaint",
        "droit*", "opposition", "désinscri*", "recht auf", "rechte", "widerspruch*", "widerruf*",
        "auskunft", "berichtigung", "beschwerde",
    ),
    "transfer": (
        "international transfer*", "transfer* outside", "other countries", "cross-border",
        "data transfer*", "transfer of data", "transfers of data", "transfer of your personal data",
        "non-european", "outside the eea", "outside the european economic area",
        "outside the eu", "stored in our facilities", "countries outside",
        "standard contractual clauses", "adequacy", "privacy shield", "transfert*", "hors de l",
        "pays tiers", "drittland*", "drittländer*", "übermittlung in",
    ),
    "legal-basis": (
        "legal basis", "lawful basis", "legitimate interest*", "performance of a contract",
        "consent", "base légale", "base juridique", "intérêt légitime", "consentement",
        "rechtsgrundlage", "berechtigte* interesse*", "einwilligung",
    ),
    "collection": (
        "collect*", "information we", "personal data", "personal information", "we obtain",
        "you provide", "provide your", "phone number", "email address", "location",
        "device information", "ip address*", "données",
        "recueill*", "erheb*", "personenbezogene daten", "daten, die",
    ),
    "contact": (
        "contact us", "contact", "data protection officer", "dpo", "email us", "postal address",
        "governing law", "jurisdiction", "nous contacter", "délégué",
        "kontakt*", "datenschutzbeauftragte*", "anschrift",
    ),
}
OTHER = "other"


def _pattern(keywords: tuple[str, ...]) -> re.Pattern[str]:
    parts = []
    for keyword in keywords:
        body = re.escape(keyword.rstrip("*")).replace(r"\?", "?").replace(r"\ ", r"\s+")
        parts.append(body + (r"\w*" if keyword.endswith("*") else ""))
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)", re.IGNORECASE)


_PATTERNS = {topic: _pattern(keywords) for topic, keywords in TOPICS.items()}


def topics_of(text: str) -> list[str]:
    """Every topic ``text`` mentions, most-matched first; ``["other"]`` when none."""
    hits = {topic: len(pattern.findall(text)) for topic, pattern in _PATTERNS.items()}
    found = sorted((topic for topic, n in hits.items() if n), key=lambda t: -hits[t])
    return found or [OTHER]
