"""Storing what the spider yields: each item, captures with their payload, in one transaction."""
from __future__ import annotations

import logging

from scrapy.crawler import Crawler

from crawler.items import CaptureItem
from db.store import Store

log = logging.getLogger(__name__)

PROGRESS_EVERY = 25  # captures between two progress lines on the terminal


class StorePipeline:
    """Writes ``CaptureItem``s into the policy-history database at ``db_path``."""

    def __init__(self, db_path: str, archive: str, stats):
        self.db_path, self.archive, self.stats = db_path, archive, stats
        self.store: Store | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(
            crawler.settings["POLICY_HISTORY_DB"],
            crawler.settings["POLICY_HISTORY_ARCHIVE"],
            crawler.stats,
        )

    def open_spider(self) -> None:
        self.store = Store(self.db_path)

    def close_spider(self) -> None:
        if self.store is not None:
            self.store.close()

    def process_item(self, item: CaptureItem) -> CaptureItem:
        assert self.store is not None
        first = item.records[0]
        if item.error is not None:
            self.store.record_capture_errors(self.archive, item.records, item.error)
            self.stats.inc_value("policy_history/failed", len(item.records))
            log.warning("%s: capture %s %s not fetched: %s",
                        item.policy, first.timestamp, first.url, item.error)
            return item
        self.store.store_captures(
            self.archive,
            item.records,
            body=item.body,
            body_sha256=item.body_sha256,
            status=item.status,
            content_type=item.content_type,
            location=item.location,
        )
        self.stats.inc_value("policy_history/stored", len(item.records))
        log.debug("%s: stored %d capture(s) from %s %s",
                  item.policy, len(item.records), first.timestamp, first.url)
        stored = self.stats.get_value("policy_history/stored")
        if stored // PROGRESS_EVERY > (stored - len(item.records)) // PROGRESS_EVERY:
            log.info("stored %d captures so far (%d listed)",
                     stored, self.stats.get_value("policy_history/listed", 0))
        return item
