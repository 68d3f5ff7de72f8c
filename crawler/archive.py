"""Which Wayback-compatible archive we crawl, its URLs and how fast we may ask it.

web.archive.org allows about 30 CDX requests and 600 replays a minute per IP (DESIGN.md, from the
Internet Archive's published limits); we stay at 80% of both. An archive on the loopback
interface is the user's own (a local pywb) and is not rate-limited unless asked.
"""
from __future__ import annotations

import ipaddress
import math
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from tracker.errors import DeclarationError

WAYBACK = "https://web.archive.org"
CDX_PER_MINUTE = 0.8 * 30  # IA allows ~30 CDX requests a minute per IP; stay at 80%
REPLAYS_PER_MINUTE = 0.8 * 600  # IA allows ~600 replays a minute per IP; stay at 80%
SAVES_PER_MINUTE = 0.8 * 15  # Save Page Now allows ~15 saves a minute; stay at 80%
RETRY_WAIT = 10.0  # seconds before the first retry when a remote archive refuses us (then doubled)
LOCAL_RETRY_WAIT = 1.0  # the same for an archive of one's own on this machine
LIVE = "live"  # the ``captures.archive`` of pages fetched from the live web, not from an archive
CDX_PAGE_SIZE = 5000  # rows per CDX request; web.archive.org hands a resume key for the rest


@dataclass(frozen=True)
class Archive:
    """A Wayback-compatible archive: its base URL and our request budget for it.

    ``cdx_per_minute`` / ``replays_per_minute`` / ``saves_per_minute`` of ``0`` mean no limit.
    ``retry_wait`` is how many seconds to wait before retrying what it refused (429, 5xx, a
    refused connection), doubled at each retry (``crawler.politeness``).
    """

    base: str
    cdx_per_minute: float
    replays_per_minute: float
    saves_per_minute: float = 0
    retry_wait: float = RETRY_WAIT

    @classmethod
    def parse(
        cls,
        url: str = WAYBACK,
        *,
        cdx_per_minute: float | None = None,
        replays_per_minute: float | None = None,
        retry_wait: float | None = None,
    ) -> Archive:
        """Validate a base URL such as ``https://web.archive.org`` or ``http://127.0.0.1:8080``.

        Raises ``DeclarationError`` for anything but an http(s) URL with a host.
        """
        parts = urlsplit(url.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise DeclarationError(
                f"archive {url!r} is not an http(s) URL; give a Wayback base URL such as {WAYBACK}"
            )
        for budget in (cdx_per_minute, replays_per_minute, retry_wait):
            if budget is not None and not (math.isfinite(budget) and budget >= 0):
                raise DeclarationError(f"a request budget or wait must be 0 or more, not {budget}")
        base = f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"
        limited = not _is_loopback(parts.hostname)
        return cls(
            base=base,
            cdx_per_minute=cdx_per_minute
            if cdx_per_minute is not None
            else (CDX_PER_MINUTE if limited else 0),
            replays_per_minute=replays_per_minute
            if replays_per_minute is not None
            else (REPLAYS_PER_MINUTE if limited else 0),
            saves_per_minute=SAVES_PER_MINUTE if limited else 0,
            retry_wait=retry_wait if retry_wait is not None else (RETRY_WAIT if limited else LOCAL_RETRY_WAIT),
        )

    def cdx_url(
        self, url: str, *, resume_key: str | None = None, since: str | None = None
    ) -> str:
        """The CDX query listing every capture of ``url``, or those from ``since`` on.

        ``since`` is a UTC timestamp of 1 to 14 digits, inclusive (``from=``). Only parameters
        that both web.archive.org and pywb understand alike (DESIGN.md): no ``fl``, no regex
        ``filter``, no ``collapse``; ``showResumeKey`` is ignored by pywb, which answers with
        every row at once.
        """
        params = {"url": url, "output": "json", "limit": CDX_PAGE_SIZE, "showResumeKey": "true"}
        if since:
            params["from"] = since
        if resume_key:
            params["resumeKey"] = resume_key
        return f"{self.base}/cdx/search/cdx?{urlencode(params)}"

    def replay_url(self, timestamp: str, url: str) -> str:
        """The raw (``id_``) replay of one capture: the archived bytes, no rewriting."""
        return f"{self.base}/web/{timestamp}id_/{url}"

    def memento_url(self, timestamp: str, url: str) -> str:
        """The capture as a person views it in the archive's web interface."""
        return f"{self.base}/web/{timestamp}/{url}"

    def save_url(self, url: str) -> str:
        """Where to ask the archive to capture ``url`` now (web.archive.org's Save Page Now)."""
        return f"{self.base}/save/{url}"


def capture_url(archive: str, timestamp: str, url: str) -> str:
    """Where a person can see a stored capture: its memento in the archive whose base URL is
    ``archive``, or the page itself for a capture of the live web (``LIVE``)."""
    return url if archive == LIVE else Archive.parse(archive).memento_url(timestamp, url)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
