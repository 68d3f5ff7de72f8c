"""Bring a database's derived history up to date: extract new captures, rebuild revisions
and their clause change logs.

Runs offline on what the crawl stored; ``rebuild`` runs it from scratch after clearing every
derived row (e.g. when the extractor changes).
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from db.store import PendingExtraction, Store
from tracker.changelog import LoggedChange, change_log
from tracker.clauses import Clause, split_clauses
from tracker.dates import stated_date
from tracker.errors import ExtractionFailed
from tracker.extract import EXTRACTOR, Extraction, extract
from tracker.revisions import Revision, build_revisions

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
    """Extract every stored capture not yet extracted by ``EXTRACTOR``, then rebuild revisions.

    ``progress(done, total)`` is called after each capture. A capture with no policy text is
    recorded with the reason and never becomes a version.
    """
    pending = store.pending_extractions(EXTRACTOR, document_ids)
    report = UpdateReport()
    cache: dict[tuple[str, str], Extraction | ExtractionFailed] = {}
    for done, item in enumerate(pending, 1):
        result = _extract_cached(store, item, cache)
        if isinstance(result, ExtractionFailed):
            log.warning("%s: capture %s: %s", item.slug, _capture_name(item), result.reason)
            store.save_extraction(item, EXTRACTOR, extraction=None, error=result.reason)
            report.no_text += 1
        else:
            stated = stated_date(result.markdown)
            store.save_extraction(
                item, EXTRACTOR, extraction=result, stated_date=stated.isoformat() if stated else None
            )
            report.extracted += 1
        if progress:
            progress(done, len(pending))
    for document_id in store.stale_documents():  # those extracted now, or before a crash
        report.revisions += rebuild_history(store, document_id)
        report.documents += 1
    store.drop_orphan_versions()
    return report


def rebuild_history(store: Store, document_id: int) -> int:
    """Recompute a document's revisions and clause change log from its extractions.

    Clauses are split once per version and kept. Returns the number of revisions.
    """
    revisions = build_revisions(store.timeline(document_id))
    summarised, changes = change_log(
        revisions, _clauses(store, revisions), store.stated_dates(document_id)
    )
    store.replace_history(document_id, summarised, changes)
    return len(summarised)


def compare(store: Store, document_id: int, before: Revision, after: Revision) -> tuple[Revision, list[LoggedChange]]:
    """The change log between any two revisions of a document (``before`` first), computed
    as ``rebuild_history`` does for consecutive ones. Returns ``after`` summarised and the changes."""
    (_, summarised), changes = change_log(
        [before, after], _clauses(store, [before, after]), store.stated_dates(document_id)
    )
    return summarised, changes


def _clauses(store: Store, revisions: list[Revision]) -> dict[int, list[tuple[int, Clause]]]:
    """The clauses of each revision's version, split and stored the first time."""
    clauses: dict[int, list[tuple[int, Clause]]] = {}
    for revision in revisions:
        if revision.version_id not in clauses:
            clauses[revision.version_id] = store.clauses(revision.version_id) or store.save_clauses(
                revision.version_id, split_clauses(store.version_text(revision.version_id))
            )
    return clauses


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
