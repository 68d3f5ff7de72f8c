"""A page's DOM without what is never policy text, and with layout tables undone.

Applied before the policy is located and rendered (``tracker.locate``, ``tracker.markdown``):

- code, media and form controls: scripts, styles, inline SVG, images (data-URI icons
  included), iframes, buttons, inputs, comments;
- cookie and consent banners and dialogs: anything but the whole page;
- small hidden elements (``hidden``, ``aria-hidden``, inline ``display:none``): icons and menus.
  A large hidden block is kept: it is a collapsed section of the policy (an accordion);
- forms with fields and little text (sign up, log in, search: not a ``<form>`` around a page);
- navigation (``<nav>``, ``role=navigation``, and the heading that labels it), small share
  widgets and breadcrumbs, "back to top", "skip to content" and "print" links;
- layout tables: pages of the 2000s lay the whole page out in ``<table>``s, whose cells are
  columns of the page, not data. They become plain blocks so their text comes out as text.
"""
from __future__ import annotations

import re

from lxml import etree
from lxml.html import HtmlElement

CODE_AND_MEDIA = (
    "script", "style", "noscript", "template", "svg", "math", "canvas", "iframe", "frame",
    "object", "embed", "video", "audio", "source", "picture", "img", "map", "link", "meta",
)
CONTROLS = ("input", "select", "textarea", "button")
SMALL = 300  # characters: a hidden element or a widget longer than this may be policy text
FORM = 2000  # characters: a form with fields and less text (labels, hints) is not policy text
OVERLAY = 5000  # characters: a consent banner or dialog can be long, but not the whole page
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_CONSENT = re.compile(  # banners, not a policy section named "consent" or "gdpr"
    r"(?:cookie|consent|gdpr)[-_]?(?:banner|bar|popup|pop-up|modal|alert|law|message|warning|"
    r"overlay|manager|dialog|wall)|cookie[-_]?(?:consent|notice)|"
    r"onetrust|cookiebot|didomi|truste|usercentrics|(?:^|[-_\s])cmp[-_]", re.I)
_WIDGET = re.compile(
    r"(?:^|[-_\s])(?:share|sharing|social|addthis|sharethis|breadcrumb|skip|back-?to-?top)|"
    r"(?:^|[-_\s])print(?:[-_]?(?:button|link|page|article|icon|this|version)|$|[-_\s])",
    re.I,
)
_WIDGET_TEXT = re.compile(
    r"^\W*(?:back to top|to top|top of page|return to top|scroll to top|top|skip to (?:main )?content|"
    r"print(?: this)?(?: page| article| policy)?|nach oben|haut de page|retour en haut|返回顶部)\W*$",
    re.I,
)
_LAYOUT_ROLES = {"presentation", "none"}
HEADING_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def clean(root: HtmlElement) -> HtmlElement:
    """Strip ``root`` in place of everything listed in the module docstring; returns it."""
    etree.strip_elements(root, etree.Comment, etree.ProcessingInstruction, *CODE_AND_MEDIA, with_tail=False)
    page = _text_length(root)
    for form in list(root.iter("form")):  # sign up, log in, search: not a page-wide <form>
        if form.find(".//input") is not None and _text_length(form) < min(FORM, page / 2):
            form.drop_tree()
    etree.strip_elements(root, *CONTROLS, with_tail=False)
    clutter = [e for e in root.iter() if isinstance(e.tag, str) and _is_clutter(e, page)]
    labels = {label for e in clutter for label in (e.get("aria-labelledby") or "").split()}
    clutter += [e for e in root.iter(*HEADING_TAGS) if e.get("id") in labels]  # "In this article"
    for element in clutter:
        if element.getparent() is not None:
            element.drop_tree()
    for table in reversed(list(root.iter("table"))):  # innermost first
        if is_layout_table(table):
            unwrap_table(table)
    return root


def _is_clutter(element: HtmlElement, page: int) -> bool:
    """Whether an element is one of the never-policy-text parts listed in the module docstring;
    ``page`` is the page's length in characters (an overlay is less than half of it)."""
    tag = element.tag
    if not isinstance(tag, str) or tag in ("html", "body", "head", "title"):
        return False
    role = (element.get("role") or "").lower()
    if tag == "nav" or role in ("navigation", "search"):
        return True
    marker = f"{element.get('id') or ''} {element.get('class') or ''}"
    if (tag == "dialog" or role in ("dialog", "alertdialog") or element.get("aria-modal") == "true"
            or _CONSENT.search(marker)):
        return _text_length(element) < min(OVERLAY, page / 2)
    hidden = (
        element.get("hidden") is not None
        or element.get("aria-hidden") == "true"
        or bool(_HIDDEN_STYLE.search(element.get("style") or ""))
    )
    if hidden or _WIDGET.search(marker):
        return _text_length(element) <= SMALL
    return tag == "a" and bool(_WIDGET_TEXT.match(element.text_content() or ""))


def is_layout_table(table: HtmlElement) -> bool:
    """Whether a ``<table>`` lays out a page rather than holding data.

    Layout: declared so (``role=presentation``), holding another table, a single row or a
    single column, a heading or a long run of text in a cell (over 1,000 characters), or
    no header cells and a cell holding most of the table's text. Data: anything else.
    """
    if (table.get("role") or "").lower() in _LAYOUT_ROLES:
        return True
    if any(t is not table for t in table.iter("table")):
        return True
    rows = [row for row in table.iter("tr") if _owner_table(row) is table]
    cells = [[c for c in row if c.tag in ("td", "th")] for row in rows]
    if len(rows) <= 1 or max((len(r) for r in cells), default=0) <= 1:
        return True
    lengths = [_text_length(c) for row in cells for c in row]
    if max(lengths) > 1000 or any(c.find(".//h1") is not None or c.find(".//h2") is not None
                                  for row in cells for c in row):
        return True
    has_header = table.find(".//th") is not None or table.find(".//thead") is not None
    return not has_header and max(lengths) > 0.6 * sum(lengths)


def unwrap_table(table: HtmlElement) -> None:
    """Turn a table into nested blocks: ``table``/``tr``/cells become ``div``s, in place."""
    own = [e for e in table.iter("thead", "tbody", "tfoot", "tr", "td", "th", "caption", "colgroup")
           if _owner_table(e) is table]
    for element in [table, *own]:
        if element.tag == "colgroup":
            element.drop_tree()
            continue
        element.tag = "div"
        for attr in ("colspan", "rowspan"):
            element.attrib.pop(attr, None)


def _owner_table(element: HtmlElement) -> HtmlElement | None:
    return next(element.iterancestors("table"), None)


def _text_length(element: HtmlElement) -> int:
    return len("".join((element.text_content() or "").split()))
