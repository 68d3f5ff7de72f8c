"""Clause alignment speed on long policies, and how it grows with the number of clauses.

    python -m benchmarks.alignment

A 20,000-word policy is built from the clauses of the corpus's real policies; its reworded copy
has 10% of clauses reworded, 2% deleted, 2% inserted, 1% moved and 1% split (seeded, so every
run aligns the same pair). Times are medians of 5 runs; the baseline, measured in the same
run, is difflib's ``SequenceMatcher`` over the same two clause lists (exact matches only, no
rewording, split or move detection). Scaling: mostly unchanged documents (1% edits) of n, 2n,
4n, 8n clauses, time divided by n log n relative to the smallest.
"""
from __future__ import annotations

import difflib
import math
import random
import statistics
import time
from collections.abc import Callable

from benchmarks.corpus import corpus_versions
from tracker.clauses import split_clauses
from tracker.diff import apply_changes, diff_clauses

WORDS = 20_000


def real_clauses(words: int) -> list[str]:
    """Distinct clauses of the corpus's latest versions, in order, totalling ``words`` words."""
    pool, seen, total = [], set(), 0
    while total < words:
        for texts in corpus_versions().values():
            for clause in split_clauses(texts[-1]):
                text = clause.text if clause.text not in seen else f"{clause.text} ({len(pool)})"
                seen.add(text)
                pool.append(text)
                total += len(text.split())
                if total >= words:
                    return pool
    return pool


def edited(clauses: list[str], rate: float, rng: random.Random) -> list[str]:
    """A copy with ``rate`` of clauses reworded, ``rate/5`` deleted, inserted, ``rate/10``
    moved and split."""
    new = list(clauses)
    for i in rng.sample(range(len(new)), int(len(new) * rate)):
        words = new[i].split()
        for _ in range(min(3, len(words))):
            words[rng.randrange(len(words))] = rng.choice(["never", "always", "third-party", "sell"])
        new[i] = " ".join(words)
    for _ in range(int(len(new) * rate / 5)):
        new.pop(rng.randrange(len(new)))
        new.insert(rng.randrange(len(new)), f"New clause {rng.random():.6f} about data retention.")
    for _ in range(int(len(new) * rate / 10)):
        new.insert(rng.randrange(len(new)), new.pop(rng.randrange(len(new))))
        i = rng.randrange(len(new))
        words = new[i].split()
        if len(words) > 4:
            new[i:i + 1] = [" ".join(words[:len(words) // 2]), " ".join(words[len(words) // 2:])]
    return new


def median_seconds(run: Callable[[], object], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    rng = random.Random(1)
    old = real_clauses(WORDS)
    new = edited(old, 0.10, rng)
    assert apply_changes(old, diff_clauses(old, new)) == new
    ours = median_seconds(lambda: diff_clauses(old, new))
    baseline = median_seconds(lambda: difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes())
    words = sum(len(c.split()) for c in old)
    print(f"{words} words, {len(old)} -> {len(new)} clauses, 10% reworded: "
          f"diff_clauses {ours * 1000:.0f} ms, difflib baseline {baseline * 1000:.0f} ms "
          f"(ratio {ours / baseline:.1f}x)")
    rewritten = edited(old, 1.0, random.Random(2))
    worst = median_seconds(lambda: diff_clauses(old, rewritten), repeat=3)
    print(f"every clause reworded (worst case, no anchors): diff_clauses {worst * 1000:.0f} ms")
    print(f"\n{'clauses':>8} {'ms':>8} {'ms / (n log n), relative':>26}")
    base = None
    pool = real_clauses(WORDS * 8)
    for factor in (1, 2, 4, 8):
        size = len(old) * factor
        sample = pool[:size]
        copy = edited(sample, 0.01, random.Random(factor))
        seconds = median_seconds(lambda: diff_clauses(sample, copy), repeat=3)
        per = seconds / (size * math.log(size))
        base = base or per
        print(f"{size:>8} {seconds * 1000:>8.1f} {per / base:>26.2f}")


if __name__ == "__main__":
    main()
