"""Bytes of a captured page to text: the right codec, and mojibake repaired.

Archived pages often lie about their encoding (a ``latin-1`` header on a UTF-8 page, a meta
charset the server never honoured) or carry text that was already decoded wrongly once
(``donnÃ©es``). The codec is chosen from, in order: a byte-order mark, the HTTP
``Content-Type`` header, the page's own ``<meta charset>``, strict UTF-8, then detection
(charset-normalizer). A declared codec that cannot decode the bytes is skipped rather than
trusted, and a declared single-byte codec loses to UTF-8 when the bytes are valid UTF-8 with
non-ASCII characters (a valid multi-byte sequence is very unlikely by chance), so text is never
lost to a wrong codec. Mojibake is then repaired with ftfy.
"""
from __future__ import annotations

import codecs
from dataclasses import dataclass

import charset_normalizer
import ftfy
from w3lib.encoding import (
    html_body_declared_encoding,
    http_content_type_encoding,
    read_bom,
    resolve_encoding,
)

FALLBACK = "cp1252"  # the commonest legacy web codec; decodes every byte
_SINGLE_BYTE = {"cp1252", "latin_1", "iso8859_15", "ascii", "cp1250", "iso8859_2"}


@dataclass(frozen=True)
class Decoded:
    """A page as text: ``encoding`` is the Python codec name used, ``source`` where it came
    from (``bom``, ``header``, ``meta``, ``utf-8``, ``detected`` or ``fallback``)."""

    text: str
    encoding: str
    source: str


def decode(body: bytes, content_type: str | None = None) -> Decoded:
    """Decode a page's raw bytes (see the module docstring for the order of evidence).

    ``content_type`` is the captured ``Content-Type`` header (``text/html; charset=...``) or
    ``None``. Never raises: the last resort decodes as cp1252 with replacement characters.
    """
    bom, mark = read_bom(body)
    if bom and mark:
        return Decoded(body[len(mark):].decode(bom, errors="replace"), bom, "bom")
    declared = [
        ("header", http_content_type_encoding(content_type or "")),
        ("meta", html_body_declared_encoding(body)),
    ]
    for source, name in declared:
        encoding = _codec(name)
        if encoding is None:
            continue
        if encoding in _SINGLE_BYTE and not body.isascii() and _is_utf8(body):
            return Decoded(body.decode("utf-8"), "utf-8", source)
        try:
            return Decoded(body.decode(encoding), encoding, source)
        except UnicodeDecodeError:
            continue
    if _is_utf8(body):
        return Decoded(body.decode("utf-8"), "utf-8", "utf-8")
    best = charset_normalizer.from_bytes(body).best()
    if best is not None:  # codecs that give the same text: name the commonest one
        same = best.could_be_from_charset
        return Decoded(str(best), FALLBACK if FALLBACK in same else best.encoding, "detected")
    return Decoded(body.decode(FALLBACK, errors="replace"), FALLBACK, "fallback")


def repair(text: str) -> str:
    """Undo mojibake (UTF-8 read as cp1252 and similar: ``donnÃ©es`` -> ``données``).

    Only encoding mistakes are fixed: quotes, ligatures and widths are left as they are.
    """
    return ftfy.fix_encoding(text)


def _codec(name: str | None) -> str | None:
    """The Python codec for a declared charset label (WHATWG aliases: latin-1 is cp1252)."""
    if not name:
        return None
    resolved = resolve_encoding(name)
    if resolved is None:
        return None
    try:
        return codecs.lookup(resolved).name.replace("-", "_")
    except LookupError:
        return None


def _is_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
