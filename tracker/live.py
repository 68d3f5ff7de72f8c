"""Live pages: each policy's page as it is now, checked against its latest revision.

With ``--live`` a run fetches every policy's current URL (the last it was declared at). When
the page's text differs from the latest revision, or the policy has none yet, the page is stored
as a capture of archive ``live`` at the time it was fetched, so it enters the history like an
archived capture, and the archive is asked to save the page (``crawler.live.SavePageNow``), so
the public record has it too. A page with no policy text (an error page, a bot challenge) is
not recorded. Failures are logged and counted, never fatal.
"""
from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from crawler.archive import LIVE, Archive
from crawler.live import SavePageNow, fetch
from db.store import Document, Store
from tracker.errors import ExtractionFailed, LiveFetchFailed
from tracker.extract import extract

log = logging.getLogger(__name__)


@dataclass
class LiveReport:
    """Live pages ``checked``, ``changed`` (recorded as live captures), ``no_text`` (nothing to
    compare), ``failed`` to fetch; saves the archive ``saved`` and ``save_failed``."""

    checked: int = 0
    changed: int = 0
    no_text: int = 0
    failed: int = 0
    saved: int = 0
    save_failed: int = 0

    def counts(self) -> dict[str, int]:
        """As ``runs.counts`` keys: ``live_checked``, ``live_changed``..."""
        return {f"live_{key}": value for key, value in asdict(self).items()}


def check_live(store: Store, archive: Archive, documents: Sequence[Document]) -> LiveReport:
    """Fetch each document's live page; record and have ``archive`` save those that changed."""
    report = LiveReport()
    saver = SavePageNow(archive)
    for document in documents:
        url = document.urls[-1]
        try:
            page = fetch(url)
            text = extract(page.body, url=url, content_type=page.content_type)
        except LiveFetchFailed as err:
            log.warning("%s: %s", document.slug, err)
            report.failed += 1
            continue
        except ExtractionFailed as err:
            log.warning("%s: live page %s has no policy text (%s); not recorded", document.slug, url, err.reason)
            report.checked += 1
            report.no_text += 1
            continue
        report.checked += 1
        revisions = store.revisions(document.id)
        if revisions and revisions[-1]["text_sha256"] == text.text_sha256:
            continue
        record = page.as_record()
        store.store_captures(LIVE, [record], body=page.body, status=page.status,
                             content_type=page.content_type)
        report.changed += 1
        latest = f"revision {revisions[-1]['seq']}" if revisions else "no revision yet"
        log.info("%s: the live page differs from %s: recorded as capture %s", document.slug, latest,
                 record.timestamp)
        saved = saver.save(url)
        if saved.error is not None:
            log.warning("%s: could not have %s saved: %s", document.slug, url, saved.error)
            report.save_failed += 1
        else:
            log.info("%s: asked %s to save %s: %s", document.slug, archive.base, url, saved.capture)
            report.saved += 1
    return report
