"""Policy declarations: which policies to track and every URL each has lived at.

The file format (YAML), as shipped in ``tracker/policies.yaml``::

    policies:
      soompi-privacy:                 # slug: lowercase letters, digits, dashes
        name: Soompi Privacy Policy   # optional
        urls:                         # every URL the policy has lived at; all feed one history
          - https://www.soompi.com/privacy
        select: article .content-body # optional: CSS selector(s) of the policy text
        remove: [.share, .related]    # optional: CSS selector(s) of what to drop from it
        language: en                  # optional: the policy's language (ISO 639-1)

``select`` and ``remove`` are Open Terms Archive's overrides (see ``tracker.overrides``); they
and ``language`` are stored in ``documents.options``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from tracker.errors import DeclarationError
from tracker.overrides import Overrides

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_WAYBACK_REPLAY = re.compile(r"^/web/\d{1,14}[a-z_]*/(?P<original>https?:/.+)$", re.IGNORECASE)
_LANGUAGE = re.compile(r"^[a-z]{2}$")
KEYS = {"name", "urls", "select", "remove", "language"}


@dataclass(frozen=True)
class Declaration:
    """One policy to track; ``options`` are its extraction options (``documents.options``)."""

    slug: str
    urls: tuple[str, ...]
    name: str | None = None
    options: dict[str, Any] = field(default_factory=dict)


def validate_slug(slug: str) -> str:
    """Return ``slug`` if it is lowercase letters, digits and dashes; raise ``DeclarationError``."""
    if not _SLUG.match(slug):
        raise DeclarationError(
            f"policy slug {slug!r} must be lowercase letters, digits and dashes, e.g. soompi-privacy"
        )
    return slug


def validate_url(url: str, *, slug: str) -> str:
    """Return ``url`` without its ``#fragment`` if it is an absolute http(s) URL with a host
    and a valid port, and not an archive's replay of a page; raise ``DeclarationError``."""
    text = url.strip()
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError as err:
        raise DeclarationError(f"{slug}: {url!r} is not a valid URL ({err})") from err
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or " " in text:
        raise DeclarationError(
            f"{slug}: {url!r} is not an absolute http(s) URL; give the policy's page address, "
            "e.g. https://www.soompi.com/privacy"
        )
    if replay := _WAYBACK_REPLAY.match(parts.path):
        raise DeclarationError(
            f"{slug}: {url!r} is an archive's replay of a page; give the page's own address "
            f"({replay['original']})"
        )
    return parts._replace(fragment="").geturl()


def load(path: str | Path | Traversable | None = None) -> list[Declaration]:
    """Read a declarations file; ``None`` reads the five policies shipped with policy-history.

    Raises ``DeclarationError`` naming the file and the policy at fault.
    """
    if path is None:
        source = "tracker/policies.yaml"
        text = resources.files("tracker").joinpath("policies.yaml").read_text("utf-8")
    else:
        source = str(path)
        try:
            text = (Path(path) if isinstance(path, str) else path).read_text("utf-8")
        except OSError as err:
            raise DeclarationError(f"cannot read declarations file {source}: {err.strerror}") from err
        except UnicodeDecodeError as err:
            raise DeclarationError(f"{source} is not UTF-8 text ({err.reason} at byte {err.start})") from err
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as err:
        where = f"line {err.problem_mark.line + 1}" if err.problem_mark else "somewhere"
        raise DeclarationError(f"{source} is not valid YAML: {err.problem} ({where})") from err
    except yaml.YAMLError as err:
        raise DeclarationError(f"{source} is not valid YAML: {err}") from err
    policies = data.get("policies") if isinstance(data, dict) else None
    if not isinstance(policies, dict) or not policies:
        raise DeclarationError(f"{source}: expected a 'policies:' mapping of slug to declaration")
    declarations = []
    for slug, entry in policies.items():
        try:
            declarations.append(_declaration(str(slug), entry))
        except DeclarationError as err:
            raise DeclarationError(f"{source}: {err}") from err
    return declarations


def _declaration(slug: str, entry: object) -> Declaration:
    validate_slug(slug)
    if not isinstance(entry, dict):
        raise DeclarationError(f"policy {slug!r} needs a mapping with 'urls' (and optionally 'name')")
    if unknown := set(entry) - KEYS:
        raise DeclarationError(
            f"policy {slug!r} has unknown key(s) {', '.join(sorted(map(str, unknown)))}; "
            f"known: {', '.join(sorted(KEYS))}"
        )
    urls, name = entry.get("urls"), entry.get("name")
    if not isinstance(urls, list) or not urls:
        raise DeclarationError(f"policy {slug!r} needs a non-empty 'urls' list")
    if name is not None and not isinstance(name, str):
        raise DeclarationError(f"policy {slug!r}: 'name' must be text, not {name!r}")
    try:
        options: dict[str, Any] = Overrides.from_options(entry).as_options()
    except DeclarationError as err:
        raise DeclarationError(f"policy {slug!r}: {err}") from err
    language = entry.get("language")
    if language is not None:
        if not isinstance(language, str) or not _LANGUAGE.match(language):
            raise DeclarationError(f"policy {slug!r}: language {language!r} is not an ISO 639-1 code like 'en'")
        options["language"] = language
    return Declaration(
        slug=slug,
        urls=tuple(validate_url(str(url), slug=slug) for url in urls),
        name=name,
        options=options,
    )


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe YAML loader that refuses a key given twice (YAML would keep the last silently)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        keys = [self.construct_object(key, deep=deep) for key, _ in node.value]
        if duplicates := sorted({str(k) for k in keys if keys.count(k) > 1}):
            raise yaml.constructor.ConstructorError(
                None, None, f"{', '.join(duplicates)} given twice", node.start_mark
            )
        return super().construct_mapping(node, deep=deep)
