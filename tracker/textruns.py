"""A page as a sequence of text runs: the blocks of text a reader sees, in document order.

A run is the text between two block boundaries: a paragraph, a list item, a table cell, a
heading, a line between ``<br>``s. Each run remembers where its pieces live in the DOM (so the
page can be pruned to a stretch of runs), how much of it is link text, and whether it reads as
a heading: an ``<h1>``-``<h6>``, a ``<dt>``, ``role=heading``, or a short line all in bold.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml.html import HtmlElement

from tracker.markdown import BLOCK_TAGS, HEADINGS

BOLD_HEADING = 100  # characters (no spaces): a bold line up to this long reads as a heading
_SPACE = re.compile(r"\s+")
_HEADING_TAGS = {*HEADINGS, "dt"}
_BOLD_TAGS = {"b", "strong"}

Slot = tuple[HtmlElement, str]  # (element, "text" | "tail"): where a piece of text lives


@dataclass
class Run:
    """A block of text: its pieces, its text, its link and bold characters, heading or not."""

    slots: list[Slot] = field(default_factory=list)
    text: str = ""
    link_chars: int = 0
    bold_chars: int = 0
    tagged_heading: bool = False

    @property
    def key(self) -> str:
        """The text without any whitespace (what runs are compared by)."""
        return _SPACE.sub("", self.text)

    @property
    def size(self) -> int:
        """Characters of text, whitespace left out."""
        return len(self.key)

    @property
    def heading(self) -> bool:
        return self.tagged_heading or (0 < self.size <= BOLD_HEADING and self.bold_chars >= self.size)

    @property
    def link_share(self) -> float:
        return self.link_chars / self.size if self.size else 0.0


def text_runs(root: HtmlElement) -> list[Run]:
    """The runs of ``root`` in document order (runs with only whitespace left out)."""
    runs: list[Run] = []
    run = Run()

    def flush() -> None:
        nonlocal run
        if run.text.strip():
            runs.append(run)
        run = Run()

    def add(element: HtmlElement, attr: str, context: tuple[bool, bool, bool]) -> None:
        text = getattr(element, attr)
        if text and text.strip():
            in_link, bold, heading = context
            size = len(_SPACE.sub("", text))
            run.slots.append((element, attr))
            run.text += text
            run.link_chars += size if in_link else 0
            run.bold_chars += size if bold else 0
            run.tagged_heading = run.tagged_heading or heading

    def walk(element: HtmlElement, context: tuple[bool, bool, bool]) -> None:
        tag = element.tag
        block = tag in BLOCK_TAGS or tag == "br"
        if block:
            flush()
        in_link, bold, heading = context
        inner = (
            in_link or tag == "a",
            bold or tag in _BOLD_TAGS,
            heading or tag in _HEADING_TAGS or element.get("role") == "heading",
        )
        add(element, "text", inner)
        for child in element:
            if isinstance(child.tag, str):
                walk(child, inner)
            add(child, "tail", inner)
        if block:
            flush()

    walk(root, (False, False, False))
    flush()
    return runs
