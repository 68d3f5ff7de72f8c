"""What the spider hands to the pipeline: captures sharing one payload, fetched or failed."""
from __future__ import annotations

from dataclasses import dataclass

from crawler.cdx import CdxRecord


@dataclass
class CaptureItem:
    """Captures of one policy URL that share a payload.

    Exactly one of: ``body`` (bytes just replayed), ``body_sha256`` (a payload stored before
    under the same digest), ``error`` (could not be fetched; retried by the next crawl), or
    none of them (an archived 4xx/5xx, recorded as a fact without its page).
    """

    policy: str
    records: list[CdxRecord]
    body: bytes | None = None
    body_sha256: str | None = None
    status: int | None = None
    content_type: str | None = None
    location: str | None = None
    error: str | None = None
