"""Bring a database's derived history up to date: extract new captures, rebuild revisions
and their clause change logs.

Runs offline on what the crawl stored; ``rebuild`` runs it from scratch after clearing every
derived row (e.g. when the extractor changes). Each capture is extracted with its policy's
declared overrides (``documents.options``). A capture that is not the policy (a soft-404, a
bot wall, a page in another language than the policy's) is recorded with its flag and reason
and never becomes a version.

The policy's languages are the one its declaration names (``language: en``), or else every
language at least :data:`USUAL_SHARE` of its captures are written in: a policy that moved to
a new language for good keeps its history, a stray capture in another language (a geo-located
page served to the archive's crawler) is set aside.
"""
from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from db.store import Document, PendingExtraction, Store
from tracker.changelog import LoggedChange, change_log
from tracker.clauses import Clause, split_clauses
from tracker.dates import stated_date
from tracker.errors import ExtractionFailed, NotAPolicy
from tracker.extract import Extraction, extract, extractor_id
from tracker.overrides import Overrides
from tracker.pages import KINDS
from tracker.revisions import Revision, build_revisions

log = logging.getLogger(__name__)

USUAL_SHARE = 0.25  # of a policy's captures: a language this common is one of the policy's


@dataclass
class UpdateReport:
    """What an update did: captures extracted, those with no policy text, those flagged as
    not the policy (also counted in ``no_text``, or in ``extracted`` when set aside later for
    their language), revisions rebuilt."""

    extracted: int = 0
    no_text: int = 0
    flagged: int = 0
    documents: int = 0
    revisions: int = 0


def update(
    store: Store,
    *,
    document_ids: list[int] | None = None,
    progress: Callable[[int, int], None] | None = None,
    stop: Callable[[], bool] = lambda: False,
) -> UpdateReport:
    """Extract every stored capture not yet extracted by the current extractor (with its
    policy's overrides: ``extractor_id``), then rebuild the revisions of the policies touched.

    ``progress(done, total)`` is called after each capture. A capture with no policy text is
    recorded with the reason and never becomes a version. When ``stop()`` turns true (a stop
    was asked for), extraction ends after the capture in hand and the histories of what was
    extracted are still rebuilt; the next update goes on.
    """
    documents = {d.id: d for d in store.documents()}
    chosen = [documents[i] for i in document_ids] if document_ids is not None else list(documents.values())
    overrides = {d.id: Overrides.from_options(d.options) for d in chosen}
    report = UpdateReport()
    cache: dict[tuple[str, str, Overrides], Extraction | ExtractionFailed] = {}
    touched: set[int] = set()

    def pending() -> list[PendingExtraction]:
        return [p for d in chosen for p in store.pending_extractions(extractor_id(overrides[d.id]), [d.id])]

    while not stop() and (todo := pending()):
        touched.update(p.document_id for p in todo)
        for done, item in enumerate(todo, 1):
            if stop():
                break
            result = _extract_cached(store, item, overrides[item.document_id], cache)
            _save(store, item, extractor_id(overrides[item.document_id]), result, report)
            if progress:
                progress(done, len(todo))
        for document_id in sorted(touched):
            _set_aside_other_languages(store, documents[document_id], report)
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


def _save(store: Store, item: PendingExtraction, extractor: str,
          result: Extraction | ExtractionFailed, report: UpdateReport) -> None:
    if isinstance(result, ExtractionFailed):
        log.warning("%s: capture %s: %s", item.slug, _capture_name(item), result.reason)
        flag = result.kind if isinstance(result, NotAPolicy) else None
        store.save_extraction(item, extractor, extraction=None, error=result.reason, flag=flag)
        report.no_text += 1
        report.flagged += flag is not None
    else:
        stated = stated_date(result.markdown)
        store.save_extraction(item, extractor, extraction=result, language=result.language,
                              stated_date=stated.isoformat() if stated else None)
        report.extracted += 1


def _set_aside_other_languages(store: Store, document: Document, report: UpdateReport) -> None:
    """Flag the captures of ``document`` in a language that is not the policy's; give back
    those flagged so before that now are (they are extracted again)."""
    rows = store.extraction_languages(document.id)
    declared = document.options.get("language")
    if declared:
        usual = {declared}
    else:
        counts = Counter(row.language for row in rows)
        usual = {lang for lang, n in counts.items() if n >= USUAL_SHARE * len(rows)}
    for row in rows:
        if row.flag is None and row.language not in usual:
            failure = NotAPolicy(f"#{row.capture_id}", "language", f"{KINDS['language']} "
                                 f"({row.language}; the policy's: {', '.join(sorted(usual))})")
            log.warning("%s: %s", document.slug, failure)
            store.flag_extraction(document.id, row.capture_id, "language", failure.reason)
            report.flagged += 1
        elif row.flag == "language" and row.language in usual:
            store.forget_extraction(document.id, row.capture_id)


def _extract_cached(
    store: Store,
    item: PendingExtraction,
    overrides: Overrides,
    cache: dict[tuple[str, str, Overrides], Extraction | ExtractionFailed],
) -> Extraction | ExtractionFailed:
    key = (item.body_sha256, item.url, overrides)
    if key not in cache:
        try:
            cache[key] = extract(
                store.body(item.body_sha256), url=item.url, content_type=item.content_type,
                overrides=overrides,
            )
        except ExtractionFailed as err:
            cache[key] = err.at(_capture_name(item))
    return cache[key]


def _capture_name(item: PendingExtraction) -> str:
    return f"{item.timestamp} {item.url}"
