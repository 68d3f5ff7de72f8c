"""A cleaned page region as Markdown: every piece of its text, with the document's structure.

Headings (``#``), paragraphs, line breaks, bold and italic, links (``[text](url)``; links
within the page itself stay plain text), lists with their numbering (``start``, ``value``,
``type="a"`` and ``type="i"`` clauses), nested lists indented by four spaces, quotes, code
blocks, and data tables as pipe tables (cell paragraphs joined by ``<br>``). Images are not
rendered (``tracker.cleanup`` removes them). Inline elements that hold blocks (a ``<font>``
around a whole page of the 2000s) are rendered as blocks.

:func:`normalise` makes rendering noise (trailing spaces, runs of spaces, of blank lines)
never count as a change of text.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from lxml.html import HtmlElement

BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details",
    "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
    "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "legend", "li", "main",
    "menu", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "ul",
})
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_STRONG = {"b", "strong"}
_EMPHASIS = {"i", "em", "cite", "dfn"}
_SPACES = re.compile(r"[ \t\r\n\f\v\u00a0\u200b]+")
_INNER_SPACES = re.compile(r"(?<=\S)[ \t]{2,}")
_BLANK_LINES = re.compile(r"\n{3,}")
_PARAGRAPH_BREAK = re.compile(r"[ \t]*\n[ \t]*(?:\n[ \t]*)+")
_LINK_SCHEMES = ("http://", "https://", "mailto:", "tel:", "ftp://")


def render(root: HtmlElement, *, url: str | None = None) -> str:
    """The Markdown of ``root``'s ``<body>`` (or of ``root`` itself), normalised.

    ``url`` is the page's own address: links to it (``#section`` anchors) render as text.
    """
    body = root.find(".//body") if root.tag == "html" else root
    renderer = _Renderer(body if body is not None else root, url)
    return normalise("\n\n".join(renderer.blocks(renderer.root)))


def normalise(markdown: str) -> str:
    """Strip trailing spaces, fold runs of inner spaces to one, and runs of blank lines to one."""
    lines = [_INNER_SPACES.sub(" ", line.rstrip()) for line in markdown.strip().splitlines()]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines))


class _Renderer:
    def __init__(self, root: HtmlElement, url: str | None):
        self.root = root
        self.page = (url or "").split("#")[0]
        self.has_blocks: set[HtmlElement] = set()
        for element in root.iter():
            if isinstance(element.tag, str) and element.tag in BLOCK_TAGS:
                self.has_blocks.update(element.iterancestors())

    def is_block(self, element: HtmlElement) -> bool:
        return element.tag in BLOCK_TAGS or element in self.has_blocks

    # -- blocks -----------------------------------------------------------------------------

    def blocks(self, element: HtmlElement) -> list[str]:
        """The Markdown blocks (paragraphs, headings, lists...) of an element's content."""
        tag = element.tag
        if tag in HEADINGS:
            text = _one_line(self.inline_content(element, plain=True))
            return [f"{'#' * HEADINGS[tag]} {text}"] if text else []
        if tag in ("ul", "ol", "dir", "menu") and element.find("li") is not None:
            listed = self.list_block(element)
            return [listed] if listed else []
        if tag == "table":
            return self.table_blocks(element)
        if tag == "pre":
            code = element.text_content().strip("\n")
            return [f"```\n{code}\n```"] if code.strip() else []
        if tag == "blockquote":
            inner = "\n\n".join(self.children_blocks(element))
            return ["\n".join(f"> {line}".rstrip() for line in inner.splitlines())] if inner else []
        if tag == "hr":
            return []
        return self.children_blocks(element)

    def children_blocks(self, element: HtmlElement) -> list[str]:
        """Blocks of an element's children, with loose inline content as paragraphs."""
        out: list[str] = []
        pending: list[str] = [_inline_text(element.text)]
        for child in element:
            if isinstance(child.tag, str) and self.is_block(child):
                out.extend(_paragraphs("".join(pending)))
                pending = []
                out.extend(self.blocks(child))
            else:
                pending.append(self.inline(child))
            pending.append(_inline_text(child.tail))
        out.extend(_paragraphs("".join(pending)))
        return out

    def list_block(self, element: HtmlElement) -> str:
        """A list, one item a line: ``-`` or its number; nested lists indented by four spaces.

        Text loose in the list (no ``<li>``) comes out as lines of its own.
        """
        ordered = element.tag == "ol"
        number = _int(element.get("start"), 1)
        style = element.get("type") or ""
        items: list[str] = []
        pending = [_inline_text(element.text)]
        for child in element:
            if isinstance(child.tag, str) and (child.tag == "li" or self.is_block(child)):
                items.extend(_paragraphs("".join(pending)))
                pending = []
                if child.tag == "li":
                    number = _int(child.get("value"), number)
                    items.extend(self.list_item(_marker(number, style) if ordered else "-", child))
                    number += 1
                elif child.tag in ("ul", "ol") and items:
                    items[-1] += "\n" + _indent(self.list_block(child), 4)
                else:
                    items.extend(self.blocks(child))
            else:
                pending.append(self.inline(child))
            pending.append(_inline_text(child.tail))
        items.extend(_paragraphs("".join(pending)))
        return "\n".join(items)

    def list_item(self, marker: str, item: HtmlElement) -> list[str]:
        content = self.children_blocks(item)
        if not content:
            return []
        text = f"{marker} {_indent(content[0], len(marker) + 1, first=False)}"
        for block in content[1:]:
            text += ("\n" if _is_list(block) else "\n\n") + _indent(block, 4)
        return [text]

    def table_blocks(self, table: HtmlElement) -> list[str]:
        rows = [row for row in table.iter("tr") if next(row.iterancestors("table"), None) is table]
        grid: list[list[str]] = []
        for row in rows:
            cells: list[str] = []
            for cell in row:
                if cell.tag in ("td", "th"):
                    text = "<br>".join(b.replace("\n", "<br>") for b in self.children_blocks(cell))
                    cells.append(text.replace("|", "\\|"))
                    cells.extend([""] * (_int(cell.get("colspan"), 1) - 1))
            if any(cells):
                grid.append(cells)
        if not grid:
            return []
        width = max(len(r) for r in grid)
        grid = [r + [""] * (width - len(r)) for r in grid]
        lines = [_row(grid[0]), _row(["---"] * width), *(_row(r) for r in grid[1:])]
        caption = table.find("caption")
        before = self.children_blocks(caption) if caption is not None else []
        return [*before, "\n".join(lines)]

    # -- inline -----------------------------------------------------------------------------

    def inline(self, element: HtmlElement, *, plain: bool = False) -> str:
        """An inline element as Markdown text (``plain``: without emphasis or links)."""
        tag = element.tag
        if not isinstance(tag, str):
            return ""
        if tag == "br":
            return "\n"
        content = self.inline_content(element, plain=plain)
        if plain:
            return content
        if tag in _STRONG:
            return _wrap(content, "**")
        if tag in _EMPHASIS:
            return _wrap(content, "*")
        if tag == "code":
            return _wrap(content, "`")
        if tag == "a":
            return self.link(element, content)
        return content

    def inline_content(self, element: HtmlElement, *, plain: bool = False) -> str:
        parts = [_inline_text(element.text)]
        for child in element:
            parts.append(self.inline(child, plain=plain))
            parts.append(_inline_text(child.tail))
        return "".join(parts)

    def link(self, anchor: HtmlElement, content: str) -> str:
        href = anchor.get("href") or ""
        text = _one_line(content)
        if not text or not href.lower().startswith(_LINK_SCHEMES):
            return content
        if self.page and href.split("#")[0] == self.page and "#" in href:
            return content
        lead = content[: len(content) - len(content.lstrip())]
        trail = content[len(content.rstrip()):]
        return f"{lead}[{text}]({href.replace(' ', '%20').replace(')', '%29')}){trail}"


def _inline_text(text: str | None) -> str:
    return _SPACES.sub(" ", text) if text else ""


def _paragraphs(inline: str) -> Iterable[str]:
    """Loose inline text as paragraphs: two line breaks or more start a new one."""
    for paragraph in _PARAGRAPH_BREAK.split(inline):
        lines = [line.strip() for line in paragraph.split("\n")]
        text = "\n".join(line for line in lines if line)
        if text:
            yield text


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _wrap(content: str, mark: str) -> str:
    core = content.strip()
    if not core or core.startswith(mark) or "\n" in core:
        return content
    lead = content[: len(content) - len(content.lstrip())]
    trail = content[len(content.rstrip()):]
    return f"{lead}{mark}{core}{mark}{trail}"


def _indent(block: str, spaces: int, *, first: bool = True) -> str:
    pad = " " * spaces
    lines = block.split("\n")
    head = (pad + lines[0]) if first and lines[0] else lines[0]
    return "\n".join([head, *((pad + line) if line else "" for line in lines[1:])])


def _is_list(block: str) -> bool:
    return bool(re.match(r"^(?:-|\d+\.|[a-zA-Z]\.|[ivxlcdm]+\.) ", block))


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _marker(number: int, style: str) -> str:
    if style in ("a", "A") and 1 <= number <= 26:
        letter = chr(ord("a") + number - 1)
        return (letter.upper() if style == "A" else letter) + "."
    if style in ("i", "I") and 1 <= number <= 39:
        roman = _roman(number)
        return (roman.upper() if style == "I" else roman) + "."
    return f"{number}."


def _roman(number: int) -> str:
    out = ""
    for value, letters in ((10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while number >= value:
            out += letters
            number -= value
    return out
