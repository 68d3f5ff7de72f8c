"""The date a policy states for itself: "Last updated", "Effective", "Updated on"...

A phrase from ``PHRASES`` (English, French, German, Chinese), then a date, parsed by
dateparser in the phrase's language (numeric dates month first in English, day first in
French and German). The first such date in the text wins: policies put
it at the top, or in a closing "this policy was last changed on" line.
"""
from __future__ import annotations

import re
import warnings
from datetime import date

import dateparser

PHRASES: dict[str, tuple[str, ...]] = {
    "en": (
        r"last\s+(?:updated|modified|revised|changed|amended|reviewed)", r"updated(?:\s+on)?",
        r"effective(?:\s+date)?(?:\s+of)?", r"effective\s+(?:as\s+of|from|on)", r"revised(?:\s+on)?",
        r"date\s+of\s+last\s+revision", r"as\s+of", r"version\s+date", r"version\s*:",
        r"(?:applies|applicable|in\s+effect)\s+(?:from|as\s+of)",
    ),
    "fr": (
        r"derni[eè]re\s+mise\s+[àa]\s+jour", r"mise?\s+[àa]\s+jour\s+(?:le|du)",
        r"en\s+vigueur\s+(?:le|du|à\s+compter\s+du)", r"date\s+d['’]entr[ée]e\s+en\s+vigueur",
        r"modifi[ée]e?\s+le",
    ),
    "de": (
        r"zuletzt\s+(?:aktualisiert|geändert)(?:\s+am)?", r"letzte\s+(?:aktualisierung|änderung)",
        r"stand", r"gültig\s+(?:ab|seit)", r"inkrafttreten", r"aktualisiert\s+am",
    ),
    "zh": (r"更新日期", r"生效日期", r"最近更新(?:日期|时间)?", r"发布日期"),
}
"""The phrases that introduce a stated date, by language (regular expressions)."""
_MONTH = r"[A-Za-zÀ-ÿ]{3,10}\.?"
_DATE = (
    r"(?:\d{1,2}(?:st|nd|rd|th|er)?\.?\s+" + _MONTH + r",?\s+\d{4}"  # 1 July 2024, 1. März 2024, 1er mars 2024
    r"|" + _MONTH + r"\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}"  # May 10, 2018 / June 11th, 2012
    r"|\d{4}-\d{2}-\d{2}"  # 2024-03-01
    r"|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}"  # 5/29/14, 01.03.2024
    r"|\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日"  # 2026年6月15日
    r"|" + _MONTH + r"\s+\d{4})"  # March 2024 (the 1st is taken)
)
_STATED = re.compile(
    r"(?<!\w)(" + "|".join(p for phrases in PHRASES.values() for p in phrases) + r")\s*(?:is|was|:|：|-|–|—|\(|\*|_)*\s*(?:on\s+|le\s+|am\s+|:\s*)?"
    r"[*_]*\s*(?:the\s+(?:earlier|later)\s+of\s+)?(" + _DATE + r")",
    re.IGNORECASE,
)
_PHRASE_LANGUAGE = [
    (language, re.compile("(?:" + "|".join(phrases) + r")$", re.IGNORECASE))
    for language, phrases in PHRASES.items()
]


def stated_date(text: str) -> date | None:
    """The first date the text states as its own update or effective date, or ``None``."""
    for match in _STATED.finditer(text):
        phrase, candidate = match[1], match[2]
        language = next(lang for lang, pattern in _PHRASE_LANGUAGE if pattern.match(phrase))
        settings = {
            "PREFER_DAY_OF_MONTH": "first",
            "REQUIRE_PARTS": ["month", "year"],
            "DATE_ORDER": "MDY" if language == "en" else "YMD" if language == "zh" else "DMY",
        }
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # dateparser warns about pytz/regex internals
            parsed = dateparser.parse(candidate, languages=[language, "en"], settings=settings)
        if parsed is not None and 1990 <= parsed.year <= 2100:
            return parsed.date()
    return None
