"""Exporting a policy's history: one text file per revision, or one JSON object per revision.

The text format is the one users of the Princeton "Privacy Policies over Time" dataset know
(``shared/seeds/``): a first line naming the capture the text came from, the title, the text::

    > *The following text is extracted and transformed from the soompi.com privacy policy that
    was archived on 2015-12-29. Please check the [original snapshot on the Wayback Machine](
    https://web.archive.org/web/20151229215604id_/http%3A//www.soompi.com/privacy) for the most
    accurate reproduction.*

    # Privacy Policy | Soompi

    ...

(the first line is one line). Files are named ``{revision:03d}_{first 16 hex of the text's
SHA-256}.txt``, like the seeds.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlsplit


@dataclass(frozen=True)
class ExportedRevision:
    """A revision with what its export needs: the capture it was first seen in, its text."""

    seq: int
    text_sha256: str
    title: str | None
    markdown: str
    archive: str
    timestamp: str  # 14 digits, UTC
    url: str


def file_name(revision: ExportedRevision) -> str:
    """``001_3c2c7f0f47e3e932.txt``."""
    return f"{revision.seq:03d}_{revision.text_sha256[:16]}.txt"


def as_text(revision: ExportedRevision) -> str:
    """The revision in the seeds' format: header line, title, Markdown text."""
    t = revision.timestamp
    host = (urlsplit(revision.url).hostname or "").removeprefix("www.")
    replay = f"{revision.archive}/web/{t}id_/{quote(revision.url, safe='/')}"
    header = (
        f"> *The following text is extracted and transformed from the {host} privacy policy that "
        f"was archived on {t[:4]}-{t[4:6]}-{t[6:8]}. Please check the [original snapshot on the "
        f"Wayback Machine]({replay}) for the most accurate reproduction.*"
    )
    starts_with_heading = revision.markdown.startswith("#")
    title = f"# {revision.title}\n\n" if revision.title and not starts_with_heading else ""
    return f"{header}\n\n{title}{revision.markdown}\n"
