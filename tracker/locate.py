"""Where the policy is on a page: the stretch of text trafilatura takes for main content.

trafilatura is good at telling main text from boilerplate, block by block, but its output loses
blocks inside the policy (link lists, a table of sub-processors, the opening paragraph, whole
lists) and sometimes keeps a cart widget or a menu line beside it. So it is used as a signal,
not as the output. The page is read as text runs in document order (``tracker.textruns``); a
run counts for the share of its length trafilatura kept and against it for the share it
dropped (half as much, or fully for a link list or a copyright line); a heading it dropped, or
a link list it kept, counts for nothing. The policy is the stretch with the highest total (the
maximum-sum subarray), without light fringes cut off by a gap, moved to start at the
policy's own title when that is near (``tracker.titles``), or else widened to the headings
right before it; a "Last updated" line a little above is kept with it. Everything inside the
stretch is kept, so a list or a table trafilatura dropped in the middle of the policy stays;
menus and widgets before and after it go.

When trafilatura finds nothing, runs that read like prose (long, few links, sentence
punctuation) count instead.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass

import trafilatura
from lxml.html import HtmlElement

from tracker.dates import stated_date
from tracker.textruns import Run, text_runs
from tracker.titles import find_title

MIN_SUBSTRING = 12  # characters: a shorter run must be a whole line of trafilatura's output
CHUNK = 64  # characters: a long run trafilatura kept in part is matched piece by piece
LINK_DENSE = 0.5  # share of a run's text inside links from which it counts as navigation
HEADINGS_BEFORE = 2  # headings right before the stretch that are taken into it
DATE_RUNS_BEFORE = 12  # runs before the stretch searched for the policy's "last updated" line
SHORT_RUN = 100  # characters: runs before a title that are all shorter are a menu, not text
FRINGE = 150  # characters: an end of the stretch cut off from it by a gap, and lighter, goes
_SPACE = re.compile(r"\s+")
_SENTENCE = re.compile(r"[.!?;:。！？；]")
_COPYRIGHT = re.compile(
    r"©|\(c\)\s*(?:\d{4}|[A-Z])|copyright \d{4}|all rights reserved|tous droits réservés|"
    r"alle rechte vorbehalten|todos los derechos reservados|版权所有|著作権", re.I)
COPYRIGHT_LINE = 300  # characters: a longer run mentioning copyright is policy text


@dataclass(frozen=True)
class Located:
    """The policy found on a page: how many runs it spans, of how many, and its title."""

    runs: int
    of: int
    title: str | None


def locate(root: HtmlElement) -> Located:
    """Find the policy in a cleaned page and prune ``root`` in place to just that stretch.

    Returns what was kept. A page with no text keeps nothing (``runs == 0``).
    """
    body = root.find("body")
    runs = text_runs(body if body is not None else root)
    if not runs:
        return Located(0, 0, None)
    weights = _weights(runs, _main_text(root))
    start, end = _trim_fringes(weights, *_best_stretch(weights))
    if end < start:
        return Located(0, len(runs), None)
    title = find_title(runs, start, end)
    start = _opening(runs, start, title)
    kept = _stated_date_before(runs, start) + runs[start : end + 1]
    _prune(root, runs, kept)
    return Located(len(kept), len(runs), " ".join(runs[title].text.split()) if title is not None else None)


def _main_text(root: HtmlElement) -> str:
    text = trafilatura.extract(
        root,
        output_format="txt",
        favor_recall=True,
        include_comments=False,
        include_tables=True,
        include_links=False,
        include_formatting=False,
        deduplicate=False,  # it remembers text across calls: captures would shrink (DESIGN.md)
    )
    return text or ""


def _weights(runs: list[Run], main_text: str) -> list[float]:
    """Each run's weight (see the module docstring)."""
    main_text = html.unescape(main_text)
    haystack = _SPACE.sub("", main_text)
    lines = {_SPACE.sub("", line) for line in main_text.splitlines()}
    weights = []
    for run in runs:
        key = html.unescape(run.key)
        share = _kept_share(key, haystack, lines) if haystack else float(_reads_like_prose(run))
        dense = run.link_share > LINK_DENSE
        if not run.heading and len(key) <= COPYRIGHT_LINE and _COPYRIGHT.search(run.text):
            share, dense = 0.0, True
        if (share == 0 and run.heading) or (share > 0 and dense):
            weights.append(0.0)  # inside the policy, a heading or a link list is kept
            continue
        weights.append(len(key) * (share - (1 - share) * (1.0 if dense else 0.5)))
    return weights


def _kept_share(key: str, haystack: str, lines: set[str]) -> float:
    """Which share of a run (whitespace removed) is in trafilatura's output (likewise)."""
    if len(key) < MIN_SUBSTRING:
        return 1.0 if key in lines else 0.0
    if key in haystack:
        return 1.0
    if len(key) < 2 * CHUNK:
        return 0.0
    chunks = [key[i : i + CHUNK] for i in range(0, len(key) - CHUNK + 1, CHUNK)]
    return sum(chunk in haystack for chunk in chunks) / len(chunks)


def _reads_like_prose(run: Run) -> bool:
    return run.size >= 80 and run.link_share < 0.2 and bool(_SENTENCE.search(run.text))


def _best_stretch(weights: list[float]) -> tuple[int, int]:
    """Start and end index (inclusive) of the maximum-sum stretch; end < start if none is > 0."""
    best, best_start, best_end = 0.0, 0, -1
    total, start = 0.0, 0
    for index, weight in enumerate(weights):
        if total <= 0:
            total, start = 0.0, index
        total += weight
        if total > best:
            best, best_start, best_end = total, start, index
    return best_start, best_end


def _trim_fringes(weights: list[float], start: int, end: int) -> tuple[int, int]:
    """Cut off the ends of a stretch that a run counting against it separates from the rest,
    when they weigh less than :data:`FRINGE` (a newsletter box, a "Join us" line after the
    policy's last paragraph)."""
    while start <= end:
        mass, index = 0.0, end
        while index >= start and weights[index] >= 0:
            mass, index = mass + weights[index], index - 1
        if index < start or mass >= FRINGE:
            break
        end = index - 1
        while end >= start and weights[end] <= 0:
            end -= 1
    while start <= end:
        mass, index = 0.0, start
        while index <= end and weights[index] >= 0:
            mass, index = mass + weights[index], index + 1
        if index > end or mass >= FRINGE:
            break
        start = index + 1
        while start <= end and weights[start] <= 0:
            start += 1
    return start, end


def _opening(runs: list[Run], start: int, title: int | None) -> int:
    """Where the policy starts: at its title when that is near, else ``start`` widened to
    the headings right before it.

    A title before ``start`` is taken in with what lies between (the opening paragraphs
    trafilatura dropped) unless that holds a link list; a title after ``start`` moves the
    start to it when what lies before is a menu (short runs, with links or three or more).
    """
    if title is not None and title < start:
        if not any(r.link_share > LINK_DENSE for r in runs[title + 1 : start]):
            return title
    elif title is not None and title > start:
        before = runs[start:title]
        if all(r.size < SHORT_RUN for r in before) and (len(before) >= 3 or any(r.link_chars for r in before)):
            return title
    lead = 0
    while start > 0 and lead < HEADINGS_BEFORE and runs[start - 1].heading:
        start, lead = start - 1, lead + 1
    return start


def _stated_date_before(runs: list[Run], start: int) -> list[Run]:
    """The short run a little before the policy that says when it was last updated ("Last
    Updated: March 2024" above the title), if any: that notice belongs to the policy, what
    lies between (a "What's new?" link, a language menu) does not."""
    for run in reversed(runs[max(0, start - DATE_RUNS_BEFORE) : start]):
        if run.size <= SHORT_RUN and stated_date(run.text) is not None:
            return [run]
    return []


def _prune(root: HtmlElement, runs: list[Run], kept: list[Run]) -> None:
    """Remove from ``root`` every piece of text outside ``kept`` and the elements left empty."""
    kept_slots = {slot for run in kept for slot in run.slots}
    alive: set[HtmlElement] = set()
    with_text: set[HtmlElement] = set()
    for run in runs:
        for element, attr in run.slots:
            holder = element if attr == "text" else element.getparent()
            chain = [holder, *holder.iterancestors()] if holder is not None else []
            with_text.update(chain)
            if (element, attr) in kept_slots:
                alive.update(chain)
            else:
                setattr(element, attr, None)
    dead = with_text - alive
    for element in dead:
        if element.getparent() is not None and element.getparent() not in dead:
            element.drop_tree()
