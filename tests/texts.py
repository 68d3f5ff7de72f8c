"""Real policy texts for tests that need versions, not captures: every corpus capture extracted
once, and the distinct consecutive versions of each corpus policy."""
from __future__ import annotations

from functools import cache

from corpus import corpus_captures, corpus_manifest

from tracker.errors import ExtractionFailed
from tracker.extract import extract


@cache
def corpus_versions() -> dict[str, list[str]]:
    """Per corpus document, its successive distinct extracted texts (Markdown), oldest first."""
    versions: dict[str, list[str]] = {}
    for doc in corpus_manifest()["documents"]:
        texts: list[str] = []
        for capture in corpus_captures(doc["id"]):
            try:
                text = extract(capture.body, url=capture.url).markdown
            except ExtractionFailed:
                continue
            if not texts or texts[-1] != text:
                texts.append(text)
        versions[doc["id"]] = texts
    return versions


def consecutive_pairs() -> list[tuple[str, str, str]]:
    """``(document id, older text, newer text)`` for every change in the corpus."""
    return [(doc, a, b) for doc, texts in corpus_versions().items() for a, b in zip(texts, texts[1:])]
