"""Real policy texts for tests that need versions, not captures (shared with the benchmarks)."""
from __future__ import annotations

from benchmarks.corpus import corpus_versions

__all__ = ["consecutive_pairs", "corpus_versions"]


def consecutive_pairs() -> list[tuple[str, str, str]]:
    """``(document id, older text, newer text)`` for every change in the corpus."""
    return [(doc, a, b) for doc, texts in corpus_versions().items() for a, b in zip(texts, texts[1:])]
