"""Clause change logs vs a plain line diff, over every text change in the corpus.

    python -m benchmarks.changes

For each consecutive pair of distinct extracted versions of each corpus policy, prints the
clauses our log reports changed (cosmetic ones apart) next to the lines a plain ``difflib``
unified diff reports for the same pair, and the time each takes, measured in the same run.
"""
from __future__ import annotations

import difflib
import time

from benchmarks.corpus import corpus_versions
from tracker.clauses import split_clauses
from tracker.diff import diff_clauses


def line_diff(a: str, b: str) -> int:
    """Lines a unified line diff marks added or removed."""
    return sum(1 for line in difflib.unified_diff(a.splitlines(), b.splitlines(), lineterm="", n=0)
               if line[:1] in "+-" and not line.startswith(("+++", "---")))


def main() -> None:
    rows = []
    ours_seconds = lines_seconds = 0.0
    for doc, texts in corpus_versions().items():
        for a, b in zip(texts, texts[1:]):
            start = time.perf_counter()
            old, new = split_clauses(a), split_clauses(b)
            changes = diff_clauses([c.text for c in old], [c.text for c in new])
            ours_seconds += time.perf_counter() - start
            start = time.perf_counter()
            lines = line_diff(a, b)
            lines_seconds += time.perf_counter() - start
            substantive = sum(not c.cosmetic for c in changes)
            rows.append((doc, len(new), substantive, len(changes) - substantive, lines, len(b.splitlines())))
    print(f"{'policy':<34} {'clauses':>7} {'changed':>7} {'cosm.':>5} {'diff lines':>10} {'lines':>6}")
    for doc, clauses, changed, cosmetic, lines, total in rows:
        print(f"{doc:<34} {clauses:>7} {changed:>7} {cosmetic:>5} {lines:>10} {total:>6}")
    changed = sum(r[2] for r in rows)
    lines = sum(r[4] for r in rows)
    print(f"\n{len(rows)} revision changes: {changed} clauses reported changed "
          f"({changed / len(rows):.1f} per revision) vs {lines} lines in a plain line diff "
          f"({lines / len(rows):.1f} per revision); ratio lines/clauses {lines / max(changed, 1):.2f}")
    print(f"time: clause log {ours_seconds * 1000:.0f} ms, line diff {lines_seconds * 1000:.0f} ms "
          f"(ratio {ours_seconds / lines_seconds:.1f}x)")


if __name__ == "__main__":
    main()
