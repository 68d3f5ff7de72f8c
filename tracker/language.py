"""The language a policy text is written in, from its words (not from the page's ``lang``).

Pages declare languages they are not written in (LOVOO's English policy says ``lang="de"``),
so the text itself is classified, with py3langid (its model ships inside the package).
"""
from __future__ import annotations

import re
from functools import cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

MIN_CHARS = 200  # a shorter text is not classified: too few words to tell
MIN_CONFIDENCE = 0.9  # probability below which the language is reported as unknown
SAMPLE = 5000  # characters classified, from the start of the text: enough, and fast
_MARKUP = re.compile(r"\]\([^)]*\)|[#*_`>|\[\]]|https?://\S+")


def detect_language(markdown: str) -> str | None:
    """The ISO 639-1 code of ``markdown``'s language (``en``), or ``None`` when unsure."""
    text = " ".join(_MARKUP.sub(" ", markdown[: SAMPLE * 2]).split())[:SAMPLE]
    if len(text) < MIN_CHARS:
        return None
    language, probability = _identifier().classify(text)
    return str(language) if probability >= MIN_CONFIDENCE else None


@cache
def _identifier() -> LanguageIdentifier:
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
