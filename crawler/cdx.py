"""Reading CDX listings from web.archive.org and pywb into typed records.

web.archive.org answers ``output=json`` with a JSON array of arrays whose first row names the
fields (``urlkey timestamp original mimetype statuscode digest length``) and, when paged, an
empty row followed by ``[resume_key]``. pywb answers with one JSON object a line using the names
``url``, ``mime`` and ``status``; revisit records carry ``mime: warc/revisit`` and no status.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any, NamedTuple

from tracker.errors import ArchiveError

_NAMES = {"original": "url", "mimetype": "mime", "statuscode": "status"}


class CdxRecord(NamedTuple):
    """One archived capture as the CDX API lists it.

    ``timestamp`` is 14 digits, UTC. ``status`` is ``None`` for revisit records (same payload
    as an earlier capture, whose ``digest`` they share) and when the archive gives ``-``.
    ``length`` is the compressed WARC record length, not the payload's.
    """

    urlkey: str
    timestamp: str
    url: str
    mime: str | None
    status: int | None
    digest: str | None
    length: int | None

    @property
    def captured_at(self) -> datetime:
        """The capture time, timezone-aware UTC."""
        return datetime.strptime(self.timestamp, "%Y%m%d%H%M%S").replace(tzinfo=timezone.utc)


class CdxPage(NamedTuple):
    """The records of one CDX response and the key to ask for the next page, if any."""

    records: list[CdxRecord]
    resume_key: str | None


def parse_cdx(text: str, *, source: str = "the archive") -> CdxPage:
    """Parse a CDX ``output=json`` response in either dialect.

    Duplicate rows (same URL and timestamp) are dropped, keeping the first. Raises
    ``ArchiveError`` naming ``source`` when the text is not a CDX listing.
    """
    text = text.strip()
    if not text:
        return CdxPage([], None)
    try:
        if text.startswith("["):
            rows, resume_key = _rows_from_arrays(json.loads(text))
        else:
            rows, resume_key = [json.loads(line) for line in text.splitlines() if line.strip()], None
        records = [_record(row) for row in rows]
    except (ValueError, KeyError, TypeError) as err:
        raise ArchiveError(
            f"{source} did not answer as a Wayback CDX server ({err}); it began: {text[:80]!r}. "
            "Check the --archive URL: it must serve /cdx/search/cdx"
        ) from err
    seen: set[tuple[str, str]] = set()
    unique = []
    for record in records:
        if (record.url, record.timestamp) not in seen:
            seen.add((record.url, record.timestamp))
            unique.append(record)
    return CdxPage(unique, resume_key)


def _rows_from_arrays(data: list[list[str]]) -> tuple[list[dict[str, Any]], str | None]:
    if not data:
        return [], None
    header, *rows = data
    resume_key = None
    if len(rows) >= 2 and rows[-2] == [] and len(rows[-1]) == 1:
        resume_key, rows = rows[-1][0], rows[:-2]
    return [dict(zip(header, row)) for row in rows if row], resume_key


def _record(row: dict[str, Any]) -> CdxRecord:
    row = {_NAMES.get(key, key): value for key, value in row.items()}
    timestamp = str(row["timestamp"])
    if len(timestamp) != 14 or not timestamp.isdigit():
        raise ValueError(f"timestamp {timestamp!r} is not 14 digits")
    return CdxRecord(
        urlkey=str(row["urlkey"]),
        timestamp=timestamp,
        url=str(row["url"]),
        mime=_text(row.get("mime")),
        status=_int(row.get("status")),
        digest=_text(row.get("digest")),
        length=_int(row.get("length")),
    )


def _text(value: Any) -> str | None:
    return None if value in (None, "", "-") else str(value)


def _int(value: Any) -> int | None:
    text = _text(value)
    return int(text) if text is not None and text.isdigit() else None
