"""Announcing new revisions: recorded once each, news POSTed to a webhook, retried until sent.
In-process, on a database filled from real corpus pages."""
from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

from corpus import corpus_captures
from localsites import Answer, LocalSite

from crawler.cdx import CdxRecord
from crawler.localarchive import ArchivedCapture
from db.notifications import Notifications
from db.store import Document, Store, urlkey
from tracker.history import update
from tracker.notify import deliver, record_new_revisions
from tracker.revisions import iso

ARCHIVE = "http://127.0.0.1:8080"
BUMBLE = corpus_captures("bumble-privacy-policy")  # 8 captures, revisions after 3, 5 and 7


def store_capture(store: Store, capture: ArchivedCapture) -> None:
    """Store a capture as a crawl of ``ARCHIVE`` would."""
    digest = base64.b32encode(hashlib.sha1(capture.body).digest()).decode()
    record = CdxRecord(urlkey(capture.url), capture.timestamp, capture.url, "text/html", 200,
                       digest, len(capture.body))
    store.store_captures(ARCHIVE, [record], body=capture.body, status=200,
                         content_type=capture.content_type)


def crawled(store: Store, document: Document, captures: list[ArchivedCapture]) -> int:
    """A run that stored ``captures``: update, then record what it found; returns that count."""
    for capture in captures:
        store_capture(store, capture)
    update(store)
    run_id = store.start_run("crawl", ARCHIVE, [document.slug])
    found = record_new_revisions(store, run_id, [document.id])
    store.finish_run(run_id, "ok", {"new_revisions": found})
    return found


def bumble_store(tmp_path: Path) -> tuple[Store, Document]:
    """A new database tracking Bumble's policy, and its document."""
    store = Store(tmp_path / "n.db")
    return store, store.add_document("bumble-privacy", [BUMBLE[0].url], name="Bumble Privacy Policy")


def test_a_first_crawl_is_history_and_later_revisions_are_news(tmp_path: Path) -> None:
    store, bumble = bumble_store(tmp_path)
    assert crawled(store, bumble, BUMBLE[:3]) == 1
    assert Notifications(store).undelivered() == []
    assert crawled(store, bumble, BUMBLE[3:]) == 3
    news = [json.loads(row["payload"]) for row in Notifications(store).undelivered()]
    assert [n["revision"] for n in news] == [2, 3, 4]
    assert news[0] == {
        "policy": "bumble-privacy", "name": "Bumble Privacy Policy", "revision": 2,
        "first_seen": iso(BUMBLE[3].timestamp), "words": news[0]["words"],
        "previous_words": news[0]["previous_words"], "text_sha256": news[0]["text_sha256"],
        "capture": f"{ARCHIVE}/web/{BUMBLE[3].timestamp}/{BUMBLE[3].url}", "run": 2,
    }
    assert crawled(store, bumble, []) == 0  # nothing twice


def test_a_rebuild_announces_nothing(tmp_path: Path) -> None:
    store, bumble = bumble_store(tmp_path)
    crawled(store, bumble, BUMBLE)
    store.clear_derived()
    assert crawled(store, bumble, []) == 0


def test_a_failing_webhook_stops_at_the_first_failure_and_is_retried(tmp_path: Path) -> None:
    store, bumble = bumble_store(tmp_path)
    crawled(store, bumble, BUMBLE[:3])
    crawled(store, bumble, BUMBLE[3:])
    with LocalSite() as hook:
        hook.answers["/hook"] = Answer(status=503)
        failed = deliver(store, f"{hook.url}/hook")
        assert (failed.sent, failed.failed, len(hook.received)) == (0, 1, 1)
        [first, *_] = Notifications(store).undelivered()
        assert first["attempts"] == 1
        hook.answers["/hook"] = Answer(status=204)
        sent = deliver(store, f"{hook.url}/hook")
        assert (sent.sent, sent.failed) == (3, 0)
        assert deliver(store, f"{hook.url}/hook").sent == 0
        posted = [json.loads(r.body)["revision"] for r in hook.received]
    assert posted == [2, 2, 3, 4]  # the failed one again, then the rest, in order
    assert Notifications(store).undelivered() == []
