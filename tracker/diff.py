"""Aligning the clauses of two versions into a clause-level change log.

Alignment, in order:

1. **Exact**: clauses with the same text pair up (in order, when a text repeats).
2. **Cosmetic**: clauses equal once case, quotes, dashes, spacing, emphasis, link markup and
   targets, leading numbering and four-digit years are folded pair up as ``modified`` with
   ``cosmetic=True``.
3. **In place or moved**: the longest chain of pairs that keeps its order (a longest
   increasing subsequence, O(n log n)) stays in place; the other pairs moved.
4. **Split and merged**: between two in-place anchors, an old clause whose text is found again
   in two to four consecutive new clauses was split (and the converse merged).
5. **Fuzzy**: between anchors, remaining clauses pair by similarity (rapidfuzz ``ratio``,
   at least ``MODIFIED_MIN``); then across the whole document at ``MOVED_MODIFIED_MIN`` (a
   clause both moved and reworded).
6. What is left was ``removed`` or ``added``.

The log is lossless: ``apply_changes(old texts, changes)`` rebuilds the new texts exactly.
"""
from __future__ import annotations

import bisect
import difflib
import re
from collections import Counter, defaultdict, deque
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

MODIFIED_MIN = 0.5  # similarity (0..1) for two clauses in the same place to be one reworded clause
MOVED_MODIFIED_MIN = 0.75  # stricter when the clause also moved
SPLIT_MIN = 0.85  # similarity of an old clause to the joined new parts (and conversely)
MAX_PARTS = 4  # a clause split into at most this many
SPLIT_WINDOW = 8  # clauses either side of a clause's place where its parts are looked for

_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "“": '"', "”": '"', "„": '"', "«": '"',
                         "»": '"', "–": "-", "—": "-", "\u00a0": " "})
_LEADING_NUMBER = re.compile(r"^(?:\(?[0-9ivxlc]{1,6}(?:\.[0-9]+)*[.)]|\([a-z]\)|[a-z][.)])\s+", re.I)
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_MARKUP = re.compile(r"[*_`\[\]]+")
_LINK_TARGET = re.compile(r"\]\([^)\s]*\)")


@dataclass(frozen=True)
class Change:
    """One entry of a change log between an old and a new clause list.

    ``kind`` is ``added``, ``removed``, ``modified``, ``moved``, ``split`` (one old clause into
    several new ones) or ``merged`` (several old clauses into one). ``old`` and ``new`` are
    1-based ordinals in each list; ``new_texts`` the new clauses' texts (empty for removed).
    ``similarity`` is 0..1 (rapidfuzz ratio) between old and new text; ``moved`` is set when a
    modified clause also changed place; ``cosmetic`` when only case, quotes, spacing, markup,
    a link's target, numbering or a year changed. ``diff`` is the word diff as ``(op, words)`` pairs, op in ``= - +``.
    """

    kind: str
    old: tuple[int, ...]
    new: tuple[int, ...]
    new_texts: tuple[str, ...] = ()
    similarity: float | None = None
    moved: bool = False
    cosmetic: bool = False
    diff: tuple[tuple[str, str], ...] = ()


def canonical(text: str) -> str:
    """The text with what makes an edit cosmetic folded away: case, quotes and dashes, spacing,
    emphasis and link markup (a link's target or extent), leading numbering, four-digit years."""
    text = _MARKUP.sub("", _LINK_TARGET.sub("]", text.translate(_QUOTES)))
    text = _YEAR.sub("YEAR", _LEADING_NUMBER.sub("", text.strip()))
    return " ".join(text.casefold().split())


def word_diff(old: str, new: str) -> tuple[tuple[str, str], ...]:
    """Word-level diff: ``(("=", "We"), ("-", "may share"), ("+", "will not sell"), ...)``."""
    a, b = old.split(), new.split()
    ops: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            ops.append(("=", " ".join(a[i1:i2])))
            continue
        if i2 > i1:
            ops.append(("-", " ".join(a[i1:i2])))
        if j2 > j1:
            ops.append(("+", " ".join(b[j1:j2])))
    return tuple(ops)


def similarity(a: str, b: str) -> float:
    """0..1: rapidfuzz's normalised Indel similarity of two texts."""
    return fuzz.ratio(a, b) / 100


def diff_clauses(old: Sequence[str], new: Sequence[str]) -> list[Change]:
    """The change log turning the clause texts ``old`` into ``new``, ordered by position."""
    pairs: dict[int, int] = {}  # old index -> new index (0-based) of one-to-one pairs
    cosmetic: set[int] = set()
    _pair_equal(old, new, pairs, key=lambda t: t)
    for i in _pair_equal(old, new, pairs, key=canonical):
        cosmetic.add(i)
    in_place = _in_place(pairs)
    changes: list[Change] = []
    used_old = set(pairs)
    used_new = set(pairs.values())
    for lo_old, hi_old, lo_new, hi_new in _gaps(in_place, pairs, len(old), len(new)):
        gap_old = [i for i in range(lo_old, hi_old) if i not in used_old]
        gap_new = [j for j in range(lo_new, hi_new) if j not in used_new]
        changes += _splits_and_merges(old, new, gap_old, gap_new, used_old, used_new)
        for i, j, score in _best_pairs(old, new, gap_old, gap_new, used_old, used_new, MODIFIED_MIN):
            changes.append(_modified(old, new, i, j, score, moved=False))
    rest_old = [i for i in range(len(old)) if i not in used_old]
    rest_new = [j for j in range(len(new)) if j not in used_new]
    for i, j, score in _best_pairs(old, new, rest_old, rest_new, used_old, used_new, MOVED_MODIFIED_MIN):
        changes.append(_modified(old, new, i, j, score, moved=True))
    for i, j in pairs.items():
        if i in cosmetic:
            changes.append(_modified(old, new, i, j, similarity(old[i], new[j]),
                                     moved=i not in in_place, cosmetic=True))
        elif i not in in_place:
            changes.append(Change("moved", (i + 1,), (j + 1,), (new[j],), 1.0))
    changes += [Change("removed", (i + 1,), ()) for i in range(len(old)) if i not in used_old]
    changes += [Change("added", (), (j + 1,), (new[j],)) for j in range(len(new)) if j not in used_new]
    return sorted(changes, key=lambda c: (c.new[0] if c.new else 0, c.old[0] if c.old else 0))


def apply_changes(old: Sequence[str], changes: Sequence[Change]) -> list[str]:
    """Rebuild the new clause texts from the old ones and a change log (the inverse of
    ``diff_clauses``): clauses no change mentions keep their text and relative order."""
    placed: dict[int, str] = {}
    consumed: set[int] = set()
    for change in changes:
        consumed.update(change.old)
        for ordinal, text in zip(change.new, change.new_texts):
            placed[ordinal] = text
    kept = deque(text for i, text in enumerate(old, 1) if i not in consumed)
    total = len(kept) + len(placed)
    return [placed[n] if n in placed else kept.popleft() for n in range(1, total + 1)]


def _pair_equal(old: Sequence[str], new: Sequence[str], pairs: dict[int, int], key) -> list[int]:
    """Pair still-unpaired clauses whose ``key`` is equal; returns the old indexes paired.

    As patience diff does: first the keys found once on each side (surely the same clause),
    then, between the in-place pairs those give, repeated keys in order (the "By post:" of
    each country stays with its country), then what is left anywhere in order (moved).
    """
    taken = set(pairs.values())
    old_keys = {i: key(t) for i, t in enumerate(old) if i not in pairs}
    new_keys = {j: key(t) for j, t in enumerate(new) if j not in taken}
    old_count = Counter(old_keys.values())
    new_count = Counter(new_keys.values())
    unique_new = {k: j for j, k in new_keys.items() if old_count[k] == 1 and new_count[k] == 1}
    paired = [i for i, k in old_keys.items() if k in unique_new]
    pairs.update((i, unique_new[old_keys[i]]) for i in paired)
    in_place = _in_place(pairs)
    for lo_old, hi_old, lo_new, hi_new in _gaps(in_place, pairs, len(old), len(new)):
        paired += _pair_in_order(old_keys, new_keys, pairs, range(lo_old, hi_old), range(lo_new, hi_new))
    paired += _pair_in_order(old_keys, new_keys, pairs, range(len(old)), range(len(new)))
    return paired


def _pair_in_order(old_keys: dict[int, str], new_keys: dict[int, str], pairs: dict[int, int],
                   olds: range, news: range) -> list[int]:
    """Pair the unpaired old and new indexes in the given ranges whose keys are equal, in order."""
    taken = set(pairs.values())
    waiting: dict[str, deque[int]] = defaultdict(deque)
    for j in news:
        if j in new_keys and j not in taken:
            waiting[new_keys[j]].append(j)
    paired = []
    for i in olds:
        if i in old_keys and i not in pairs and (queue := waiting.get(old_keys[i])):
            pairs[i] = queue.popleft()
            paired.append(i)
    return paired


def _in_place(pairs: dict[int, int]) -> set[int]:
    """Old indexes of the longest order-keeping chain of pairs (patience LIS, O(n log n))."""
    items = sorted(pairs.items())
    tails: list[int] = []  # smallest new index ending a chain of each length
    tail_at: list[int] = []  # position in items of that chain's end
    back = [-1] * len(items)
    for k, (_, j) in enumerate(items):
        length = bisect.bisect_left(tails, j)
        if length == len(tails):
            tails.append(j)
            tail_at.append(k)
        else:
            tails[length], tail_at[length] = j, k
        back[k] = tail_at[length - 1] if length else -1
    chain: set[int] = set()
    k = tail_at[-1] if tail_at else -1
    while k >= 0:
        chain.add(items[k][0])
        k = back[k]
    return chain


def _gaps(in_place: set[int], pairs: dict[int, int], n_old: int, n_new: int
          ) -> list[tuple[int, int, int, int]]:
    """``(old from, old to, new from, new to)`` index ranges between consecutive anchors."""
    gaps = []
    last_i = last_j = -1
    for i in sorted(in_place) + [n_old]:
        j = pairs[i] if i < n_old else n_new
        if i > last_i + 1 or j > last_j + 1:
            gaps.append((last_i + 1, i, last_j + 1, j))
        last_i, last_j = i, j
    return gaps


def _modified(old, new, i: int, j: int, score: float, *, moved: bool, cosmetic: bool = False) -> Change:
    return Change("modified", (i + 1,), (j + 1,), (new[j],), round(score, 3), moved, cosmetic,
                  word_diff(old[i], new[j]))


def _best_pairs(old, new, olds: list[int], news: list[int], used_old: set[int], used_new: set[int],
                threshold: float) -> list[tuple[int, int, float]]:
    """Greedy one-to-one pairs of the most similar clauses, best first, above ``threshold``."""
    olds = [i for i in olds if i not in used_old]
    news = [j for j in news if j not in used_new]
    if not olds or not news:
        return []
    scores = process.cdist([old[i] for i in olds], [new[j] for j in news], scorer=fuzz.ratio,
                           score_cutoff=threshold * 100, workers=1)
    candidates = sorted(((float(scores[a, b]), a, b) for a, b in zip(*scores.nonzero())), reverse=True)
    found = []
    for score, a, b in candidates:
        i, j = olds[a], news[b]
        if i in used_old or j in used_new:
            continue
        used_old.add(i)
        used_new.add(j)
        found.append((i, j, score / 100))
    return found


def _splits_and_merges(old, new, gap_old: list[int], gap_new: list[int], used_old: set[int],
                       used_new: set[int]) -> list[Change]:
    """Old clauses split into consecutive new ones, and consecutive old ones merged into one.

    Parts are looked for near where the whole clause stood (``SPLIT_WINDOW`` clauses either
    side of its proportional place in the gap), so the cost stays linear in the gap's size.
    """
    changes = []
    for parts_of, whole_of, kind in ((gap_new, gap_old, "split"), (gap_old, gap_new, "merged")):
        runs = [tuple(parts_of[k:k + n]) for k in range(len(parts_of))
                for n in range(2, MAX_PARTS + 1)
                if k + n <= len(parts_of) and parts_of[k + n - 1] - parts_of[k] == n - 1]
        if not runs or not whole_of:
            continue
        texts_of, wholes_of = (new, old) if kind == "split" else (old, new)
        used_wholes, used_parts = (used_old, used_new) if kind == "split" else (used_new, used_old)
        joined = [" ".join(texts_of[p] for p in run) for run in runs]
        scale = len(parts_of) / len(whole_of)
        candidates = []
        for a, whole in enumerate(whole_of):
            centre = int(a * scale) * (MAX_PARTS - 1)  # runs are listed MAX_PARTS - 1 per start
            lo = max(0, centre - SPLIT_WINDOW * (MAX_PARTS - 1))
            hi = centre + (SPLIT_WINDOW + 1) * (MAX_PARTS - 1)
            best = process.extractOne(wholes_of[whole], joined[lo:hi], scorer=fuzz.ratio,
                                      score_cutoff=SPLIT_MIN * 100)
            if best is not None:
                candidates.append((best[1], whole, lo + best[2]))
        for score, whole, b in sorted(candidates, reverse=True):
            run = runs[b]
            if whole in used_wholes or any(p in used_parts for p in run):
                continue
            used_wholes.add(whole)
            used_parts.update(run)
            if kind == "split":
                changes.append(Change("split", (whole + 1,), tuple(p + 1 for p in run),
                                      tuple(new[p] for p in run), round(score / 100, 3),
                                      diff=word_diff(old[whole], joined[b])))
            else:
                changes.append(Change("merged", tuple(p + 1 for p in run), (whole + 1,),
                                      (new[whole],), round(score / 100, 3),
                                      diff=word_diff(joined[b], new[whole])))
    return changes
