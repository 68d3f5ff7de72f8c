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
    source, data = _read(path)
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


def _read(path: str | Path | Traversable | None) -> tuple[str, Any]:
    """``(name to quote in errors, parsed YAML)`` of a declarations file (``None``: bundled)."""
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
        return source, yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as err:
        where = f"line {err.problem_mark.line + 1}" if err.problem_mark else "somewhere"
        raise DeclarationError(f"{source} is not valid YAML: {err.problem} ({where})") from err
    except yaml.YAMLError as err:
        raise DeclarationError(f"{source} is not valid YAML: {err}") from err


# -- when scheduled runs happen -----------------------------------------------------------------

_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*([smhd])")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Timing:
    """When scheduled runs happen: every ``every`` seconds, or at the times of the crontab
    expression ``cron`` (``minute hour day month day-of-week``, UTC), each run delayed by a
    random 0 to ``jitter`` seconds (``None``: the scheduler's default).

    A declarations file may set it for ``policy-history schedule``::

        schedule:
          every: 6h            # or  cron: "0 3 * * *"
          jitter: 10m          # optional
    """

    every: float | None = None
    cron: str | None = None
    jitter: float | None = None

    def __str__(self) -> str:
        when = f"every {_human(self.every)}" if self.every is not None else f"cron {self.cron!r} (UTC)"
        return when if self.jitter is None else f"{when}, jitter up to {_human(self.jitter)}"


def parse_duration(text: str, *, what: str) -> float:
    """``90s``, ``30m``, ``6h``, ``1d``, ``0.5s`` -> seconds; ``DeclarationError`` otherwise."""
    match = _DURATION.fullmatch(str(text).strip())
    if not match:
        raise DeclarationError(f"{what}: {text!r} is not a duration like 90s, 30m, 6h or 1d")
    return float(match[1]) * _UNITS[match[2]]


def timing(
    *,
    every: str | None = None,
    cron: str | None = None,
    jitter: str | None = None,
    where: str = "",
    names: tuple[str, str, str] = ("every", "cron", "jitter"),
) -> Timing | None:
    """A ``Timing`` from text options (``None`` when neither ``every`` nor ``cron`` is given).

    ``DeclarationError`` when both are, or a duration is malformed, naming ``where`` they come
    from (a file) and the option ``names`` as the user wrote them. The crontab expression is
    checked by the scheduler, which knows its syntax.
    """
    prefix = f"{where}: " if where else ""
    if every is not None and cron is not None:
        raise DeclarationError(f"{prefix}give either {names[0]} or {names[1]}, not both")
    if every is None and cron is None:
        if jitter is not None:
            raise DeclarationError(f"{prefix}{names[2]} needs {names[0]} or {names[1]}")
        return None
    return Timing(
        every=parse_duration(every, what=f"{prefix}{names[0]}") if every is not None else None,
        cron=cron,
        jitter=parse_duration(jitter, what=f"{prefix}{names[2]}") if jitter is not None else None,
    )


def load_timing(path: str | Path) -> Timing | None:
    """The ``schedule:`` mapping of a declarations file, if it has one."""
    source, data = _read(path)
    entry = data.get("schedule") if isinstance(data, dict) else None
    if entry is None:
        return None
    if not isinstance(entry, dict) or set(entry) - {"every", "cron", "jitter"}:
        raise DeclarationError(
            f"{source}: 'schedule' takes 'every: 6h' or 'cron: \"0 3 * * *\"', and optionally 'jitter: 10m'"
        )
    every, cron, jitter = (None if entry.get(key) is None else str(entry[key]) for key in ("every", "cron", "jitter"))
    return timing(every=every, cron=cron, jitter=jitter, where=f"{source} schedule")


def _human(seconds: float) -> str:
    for unit in "dhm":
        if seconds >= _UNITS[unit] and seconds % _UNITS[unit] == 0:
            return f"{seconds / _UNITS[unit]:g}{unit}"
    return f"{seconds:g}s"
