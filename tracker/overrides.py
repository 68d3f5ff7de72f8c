"""Per-policy extraction overrides: CSS selectors of the policy text to keep and to remove.

Declared as Open Terms Archive declares them: ``select`` is one selector or a list (the
policy is what they match, in page order), ``remove`` likewise (dropped from the page before
selecting). They are validated when a declaration is loaded and stored as JSON in
``documents.options``::

    {"select": ["#article-contents"], "remove": [".printArticle"]}
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cssselect import SelectorError
from lxml.cssselect import CSSSelector
from lxml.html import HtmlElement

from tracker.errors import DeclarationError, ExtractionFailed

KEYS = ("select", "remove")


@dataclass(frozen=True)
class Overrides:
    """CSS selectors of a policy's text (``select``) and of what to drop from it (``remove``).

    Empty tuples mean "no override": the extractor finds the policy text by itself.
    """

    select: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> Overrides:
        """Read the ``select``/``remove`` keys of a document's options (other keys are ignored).

        Each is a selector string or a list of them. Raises ``DeclarationError`` naming the
        bad selector and the key it is under.
        """
        return cls(**{key: tuple(_selectors(key, options.get(key))) for key in KEYS})

    def as_options(self) -> dict[str, list[str]]:
        """The non-empty keys, as stored in ``documents.options``."""
        return {key: list(getattr(self, key)) for key in KEYS if getattr(self, key)}

    def __bool__(self) -> bool:
        return bool(self.select or self.remove)

    def apply(self, root: HtmlElement) -> HtmlElement:
        """Drop what ``remove`` matches from ``root`` (in place), then keep what ``select`` matches.

        Returns ``root`` itself without ``select``, else a new ``<html>`` holding ``root``'s
        ``<head>`` and the selected elements in page order (one inside another counts once).
        Raises ``ExtractionFailed`` when ``select`` matches nothing.
        """
        for selector in self.remove:
            for element in CSSSelector(selector)(root):
                if element.getparent() is not None:
                    element.drop_tree()
        if not self.select:
            return root
        matched = {element for selector in self.select for element in CSSSelector(selector)(root)}
        chosen = [e for e in root.iter() if e in matched
                  and not any(a in matched for a in e.iterancestors())]
        if not chosen:
            raise ExtractionFailed(
                "page", f"the declared 'select' ({', '.join(self.select)}) matches nothing"
            )
        page = root.makeelement("html", dict(root.attrib))
        head = root.find("head")
        if head is not None:
            page.append(head)
        body = page.makeelement("body", {})
        page.append(body)
        body.extend(chosen)
        return page


def _selectors(key: str, value: object) -> list[str]:
    if value is None:
        return []
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise DeclarationError(
            f"'{key}' must be a CSS selector or a list of them, got {value!r} "
            "(range selectors are not supported)"
        )
    for selector in values:
        try:
            CSSSelector(selector)
        except SelectorError as err:
            raise DeclarationError(f"bad CSS selector {selector!r} in '{key}': {err}") from err
    return values
