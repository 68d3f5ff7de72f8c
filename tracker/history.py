"""Bring a database's derived history up to date: extract new captures, rebuild revisions.

Runs offline on what the crawl stored; ``rebuild`` runs it from scratch after clearing every
derived row (e.g. when the extractor changes).
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from db.store import PendingExtraction, Store
from tracker.errors import ExtractionFailed
from tracker.extract import EXTRACTOR, Extraction, extract
from tracker.revisions import build_revisions

log = logging.getLogger(__name__)


@dataclass
class UpdateReport:
    """What an update did: captures extracted, those with no policy text, revisions rebuilt."""

    extracted: int = 0
    no_text: int = 0
    documents: int = 0
    revisions: int = 0


def update(
    store: Store,
    *,
    document_ids: list[int] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> UpdateReport:
    """Extract every stored capture not yet extracted by ``EXTRACTOR``, then rebuild the
    revisions of the documents concerned (and of any whose revisions lag their extractions).

    ``progress(done, total)`` is called after each capture. A capture with no policy text is
    recorded with the reason and never becomes a version.
    """
    pending = store.pending_extractions(EXTRACTOR, document_ids)
    report = UpdateReport()
    cache: dict[tuple[str, str], Extraction | ExtractionFailed] = {}
    # Documents of a run killed between extracting and revising are revised now.
    touched = {p.document_id for p in pending} | set(store.unrevised_documents(document_ids))
    for done, item in enumerate(pending, 1):
        result = _extract_cached(store, item, cache)
        if isinstance(result, ExtractionFailed):
            log.warning("%s: %s", _capture_name(item), result.reason)
            store.save_extraction(item, EXTRACTOR, text=None, error=result.reason)
            report.no_text += 1
        else:
            text = (result.text_sha256, result.markdown, result.title, result.words)
            store.save_extraction(item, EXTRACTOR, text=text)
            report.extracted += 1
        if progress:
            progress(done, len(pending))
    for document_id in sorted(touched):
        revisions = build_revisions(store.timeline(document_id))
        store.replace_revisions(document_id, (r.as_row() for r in revisions))
        report.documents += 1
        report.revisions += len(revisions)
    store.drop_orphan_versions()
    return report


def _extract_cached(
    store: Store,
    item: PendingExtraction,
    cache: dict[tuple[str, str], Extraction | ExtractionFailed],
) -> Extraction | ExtractionFailed:
    key = (item.body_sha256, item.url)
    if key not in cache:
        try:
            cache[key] = extract(
                store.body(item.body_sha256), url=item.url, content_type=item.content_type
            )
        except ExtractionFailed as err:
            cache[key] = ExtractionFailed(_capture_name(item), err.reason)
    return cache[key]


def _capture_name(item: PendingExtraction) -> str:
    return f"{item.timestamp} {item.url}"
