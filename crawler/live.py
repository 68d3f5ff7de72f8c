"""The live web: fetching a policy's page as it is now, and asking an archive to save it.

``fetch`` makes one polite GET (our User-Agent, a timeout, a size cap, redirects followed).
``SavePageNow`` asks a Wayback archive to capture a page through waybackpy's Save API. waybackpy
always addresses ``https://web.archive.org/save/``; we point its request at the archive being
crawled (``Archive.save_url``: the same path on web.archive.org), so a local archive, or a
test's fake one, can stand in. Saves are spaced by the archive's ``saves_per_minute`` and each is
given ``SAVE_TIMEOUT`` (waybackpy sets no timeout of its own); a save that fails is reported in
its ``Saved`` result, never raised.
"""
from __future__ import annotations

import base64
import hashlib
import logging
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime

from waybackpy import WaybackMachineSaveAPI

from crawler.archive import Archive
from crawler.cdx import CdxRecord
from crawler.run import MAX_BODY, TIMEOUT, USER_AGENT
from db.store import urlkey
from tracker.errors import LiveFetchFailed

log = logging.getLogger(__name__)

SAVE_TIMEOUT = 120.0  # seconds for one Save Page Now request (it can take a minute on IA)


@dataclass(frozen=True)
class LivePage:
    """A page fetched from the live web: the URL asked for, the final answer's status,
    ``Content-Type`` and body, and when it was fetched (14 digits, UTC)."""

    url: str
    status: int
    content_type: str | None
    body: bytes
    fetched_at: str

    def as_record(self) -> CdxRecord:
        """The page as a capture, listed the way an archive's CDX would list it (same key,
        same digest: base32 SHA-1 of the payload)."""
        return CdxRecord(
            urlkey=urlkey(self.url),
            timestamp=self.fetched_at,
            url=self.url,
            mime=(self.content_type or "").split(";")[0].strip() or None,
            status=self.status,
            digest=base64.b32encode(hashlib.sha1(self.body).digest()).decode(),
            length=len(self.body),
        )


def fetch(url: str, *, timeout: float = TIMEOUT) -> LivePage:
    """GET ``url`` from the live web, following redirects.

    Raises ``LiveFetchFailed`` when it cannot be reached, answers 4xx/5xx, or is larger than
    ``MAX_BODY``.
    """
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    fetched_at = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read(MAX_BODY + 1)
            status, content_type = response.status, response.headers.get("Content-Type")
    except urllib.error.HTTPError as err:
        raise LiveFetchFailed(url, f"it answered HTTP {err.code}; has the policy moved? "
                              "add its new address with `policy-history add SLUG URL`") from err
    except (urllib.error.URLError, OSError) as err:
        raise LiveFetchFailed(url, f"it is not reachable ({getattr(err, 'reason', err)})") from err
    if len(body) > MAX_BODY:
        raise LiveFetchFailed(url, f"it is larger than {MAX_BODY} bytes")
    return LivePage(url, status, content_type, body, fetched_at)


@dataclass(frozen=True)
class Saved:
    """What a save request came to: the archive's capture URL, or the error."""

    url: str
    capture: str | None = None
    error: str | None = None


class SavePageNow:
    """Asks ``archive`` to save pages, no faster than its ``saves_per_minute``."""

    def __init__(self, archive: Archive, *, timeout: float = SAVE_TIMEOUT):
        self.archive = archive
        self.timeout = timeout
        self.spacing = 60.0 / archive.saves_per_minute if archive.saves_per_minute else 0.0
        self._next = 0.0  # time.monotonic() before which no save starts

    def save(self, url: str) -> Saved:
        """Ask the archive to capture ``url`` now; waits for its turn, then ``timeout`` at most."""
        time.sleep(max(0.0, self._next - time.monotonic()))
        self._next = time.monotonic() + self.spacing
        api = WaybackMachineSaveAPI(url, user_agent=USER_AGENT, max_tries=1)
        api.request_url = self.archive.save_url(api.url)
        outcome: list[Saved] = []
        worker = threading.Thread(target=lambda: outcome.append(_save(api, url)), daemon=True)
        worker.start()
        worker.join(self.timeout)  # a stuck request is left behind: the run's process ends soon
        if not outcome:
            return Saved(url, error=f"no answer from {self.archive.save_url(url)} within {self.timeout:.0f} s")
        return outcome[0]


def _save(api: WaybackMachineSaveAPI, url: str) -> Saved:
    try:
        return Saved(url, capture=api.save())
    except Exception as err:  # waybackpy raises its own errors, requests' and ValueError
        status = f"HTTP {api.status_code}" if api.status_code is not None else type(err).__name__
        reason = str(err).splitlines()[0] if str(err) else ""
        return Saved(url, error=f"{api.request_url} answered {status}: {reason}".rstrip(": "))
