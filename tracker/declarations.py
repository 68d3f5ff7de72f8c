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
_LANGUAGE = re.compile(r"^[a-z]{2}$")


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
    """Return ``url`` if it is an absolute http(s) URL with a host; raise ``DeclarationError``."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in url.strip():
        raise DeclarationError(
            f"{slug}: {url!r} is not an absolute http(s) URL; give the policy's page address, "
            "e.g. https://www.soompi.com/privacy"
        )
    return url.strip()


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
    try:
        data = yaml.safe_load(text)
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
    urls = entry.get("urls") if isinstance(entry, dict) else None
    if not isinstance(urls, list) or not urls:
        raise DeclarationError(f"policy {slug!r} needs a non-empty 'urls' list")
    assert isinstance(entry, dict)
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
        name=entry.get("name"),
        options=options,
    )
