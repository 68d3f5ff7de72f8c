"""Retrying what an archive refused, slowing down when it pushes back, never retrying a memento.

Scrapy's ``RetryMiddleware`` retries at once; an archive that answers 429 (web.archive.org sends
no ``Retry-After``) or refuses connections needs us to wait. This subclass retries the same
HTTP codes and connection errors, but first doubles the delay of the request's download slot
(from ``POLICY_HISTORY_BACKOFF_START`` seconds up to ``POLICY_HISTORY_BACKOFF_MAX``), and eases
the delay back to its configured value as answers succeed. A response carrying
``Memento-Datetime`` is an archived fact (a captured 503 is still a capture): never retried.
"""
from __future__ import annotations

import logging

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Response

log = logging.getLogger(__name__)


class ArchiveRetryMiddleware(RetryMiddleware):
    """Drop-in replacement for Scrapy's ``RetryMiddleware`` with per-slot backoff."""

    def __init__(self, crawler: Crawler):
        super().__init__(crawler.settings)
        self.crawler = crawler
        self.backoff_start = crawler.settings.getfloat("POLICY_HISTORY_BACKOFF_START", 10.0)
        self.backoff_max = crawler.settings.getfloat("POLICY_HISTORY_BACKOFF_MAX", 300.0)
        self.base_delays = {
            name: float(slot.get("delay", 0))
            for name, slot in crawler.settings.getdict("DOWNLOAD_SLOTS").items()
        }

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchiveRetryMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response, spider=None):
        if b"Memento-Datetime" in response.headers:
            self._ease(request)
            return response
        if response.status in self.retry_http_codes and not request.meta.get("dont_retry"):
            self._back_off(request, f"HTTP {response.status}")
        else:
            self._ease(request)
        return super().process_response(request, response)

    def process_exception(self, request: Request, exception: Exception, spider=None):
        if isinstance(exception, self.exceptions_to_retry):
            self._back_off(request, type(exception).__name__)
        return super().process_exception(request, exception)

    def _slot(self, request: Request):
        downloader = self.crawler.engine.downloader if self.crawler.engine else None
        key = request.meta.get("download_slot")
        return (downloader.slots.get(key) if downloader and key else None), key

    def _back_off(self, request: Request, reason: str) -> None:
        slot, key = self._slot(request)
        if slot is None:
            return
        slot.delay = min(max(slot.delay * 2, self.backoff_start), self.backoff_max)
        log.warning("archive answered %s to %s; slot %s now waits %.1fs between requests",
                    reason, request.url, key, slot.delay)

    def _ease(self, request: Request) -> None:
        slot, key = self._slot(request)
        if slot is None:
            return
        base = self.base_delays.get(key, 0.0)
        if slot.delay > base:
            slot.delay = max(base, slot.delay / 2)
