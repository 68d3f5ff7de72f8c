"""The crawl: list every capture of each policy URL from the CDX API, fetch the ones not stored.

CDX listings and replays go through two download slots, ``cdx`` and ``replay``, each with its
own rate (``DOWNLOAD_SLOTS``, set by ``crawler.run``). A payload is fetched once: captures whose
CDX digest is already stored, or in flight in this crawl, reuse it. Replays use ``id_`` with
redirects off, so a captured redirect is recorded as what it is.
"""
from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any

import scrapy
from scrapy import Request
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.archive import Archive
from crawler.cdx import CdxRecord, parse_cdx
from crawler.items import CaptureItem
from db.store import Store
from tracker.errors import ArchiveError

log = logging.getLogger(__name__)


class CaptureSpider(scrapy.Spider):
    """Fetches every not-yet-stored capture of ``targets``: ``(policy slug, URL)`` pairs.

    ``since`` maps a URL to the 14-digit timestamp its CDX listing starts from (incremental
    crawls); the others are listed whole.
    """

    name = "captures"

    def __init__(
        self,
        *,
        archive: Archive,
        db_path: str,
        targets: list[tuple[str, str]],
        since: dict[str, str] | None = None,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        self.archive = archive
        self.db_path = db_path
        self.targets = targets
        self.since = since or {}
        self.failures: list[str] = []
        self.in_flight: dict[str, list[CdxRecord]] = {}
        self.store: Store | None = None
        self.listed: dict[tuple[str, str], int] = {}  # targets whose listing was answered

    async def start(self) -> AsyncIterator[Request]:
        self.store = Store(self.db_path)
        for policy, url in self.targets:
            yield self._cdx_request(policy, url)

    def _cdx_request(self, policy: str, url: str, resume_key: str | None = None) -> Request:
        return Request(
            self.archive.cdx_url(url, resume_key=resume_key, since=self.since.get(url)),
            callback=self.parse_cdx,
            errback=self.cdx_failed,
            meta={"download_slot": "cdx", "policy": policy, "url": url},
            dont_filter=True,
        )

    def parse_cdx(self, response: Response) -> Iterator[Request | CaptureItem]:
        policy, url = response.meta["policy"], response.meta["url"]
        if response.status != 200:
            self._fail(f"{policy}: the CDX listing of {url} answered HTTP {response.status}")
            return
        try:
            page = parse_cdx(response.text, source=f"{self.archive.base} (CDX of {url})")
        except ArchiveError as err:
            self._fail(f"{policy}: {err}")
            return
        self.crawler.stats.inc_value("policy_history/listed", len(page.records))
        self.listed[policy, url] = self.listed.get((policy, url), 0) + len(page.records)
        if page.resume_key:
            yield self._cdx_request(policy, url, page.resume_key)
        assert self.store is not None
        stored: dict[str, set[tuple[str, str]]] = {}
        new = []
        for record in page.records:
            if record.urlkey not in stored:
                stored[record.urlkey] = self.store.stored_captures(self.archive.base, record.urlkey)
            if (record.url, record.timestamp) in stored[record.urlkey]:
                self.crawler.stats.inc_value("policy_history/already_stored")
            else:
                new.append(record)
        # Known before fetched: a crawl stopped half-way leaves the rest listed as not fetched,
        # so an incremental listing starts from the earliest of them (Store.listing_start).
        self.store.record_listed(self.archive.base, new)
        for record in new:
            yield from self._fetch(policy, record, self.store)

    def _fetch(self, policy: str, record: CdxRecord, store: Store) -> Iterator[Request | CaptureItem]:
        if record.status is not None and record.status >= 400:
            yield CaptureItem(policy, [record])  # an archived error page: a fact, not a text
            return
        if record.digest and record.digest in self.in_flight:
            self.in_flight[record.digest].append(record)
            return
        known = store.body_for_digest(record.digest) if record.digest else None
        if known is not None:
            self.crawler.stats.inc_value("policy_history/reused")
            yield CaptureItem(
                policy,
                [record],
                body_sha256=known.body_sha256,
                status=known.status,
                content_type=known.content_type,
            )
            return
        records = [record]
        if record.digest:
            self.in_flight[record.digest] = records
        yield Request(
            self.archive.replay_url(record.timestamp, record.url),
            callback=self.parse_replay,
            errback=self.replay_failed,
            meta={
                "download_slot": "replay",
                "policy": policy,
                "records": records,
                "dont_redirect": True,
                "handle_httpstatus_all": True,
            },
            dont_filter=True,
        )

    def parse_replay(self, response: Response) -> Iterator[CaptureItem]:
        policy, records = response.meta["policy"], self._settle(response.meta["records"])
        self.crawler.stats.inc_value("policy_history/fetched")
        if b"Memento-Datetime" not in response.headers:
            yield CaptureItem(
                policy,
                records,
                error=f"the archive answered HTTP {response.status} without Memento-Datetime, "
                "so not with the capture; run the crawl again later",
            )
            return
        yield CaptureItem(
            policy,
            records,
            body=response.body,
            status=response.status,
            content_type=_header(response, b"Content-Type"),
            location=_header(response, b"Location") if 300 <= response.status < 400 else None,
        )

    def replay_failed(self, failure: Failure) -> Iterator[CaptureItem]:
        request = failure.request  # type: ignore[attr-defined]
        records = self._settle(request.meta["records"])
        yield CaptureItem(request.meta["policy"], records, error=_reason(failure))

    def cdx_failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        self._fail(
            f"{request.meta['policy']}: the CDX listing of {request.meta['url']} failed "
            f"({_reason(failure)}); is {self.archive.base} up and a Wayback archive?"
        )

    def closed(self, reason: str) -> None:
        if self.store is not None:
            self.store.close()

    def _settle(self, records: list[CdxRecord]) -> list[CdxRecord]:
        if records[0].digest:
            self.in_flight.pop(records[0].digest, None)
        return records

    def _fail(self, message: str) -> None:
        log.error(message)
        self.failures.append(message)


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def _reason(failure: Failure) -> str:
    return f"{type(failure.value).__name__}: {failure.value}".rstrip(": ")
