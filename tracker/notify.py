"""Announcing new revisions: each recorded once, POSTed to a webhook, retried until delivered.

After every crawl run, ``record_new_revisions`` adds each revision not recorded before to
``notifications``. Those first seen after every revision already recorded for their policy are
news, to announce; the others are history, recorded quietly: a policy's first crawl, a
``rebuild`` that changes how texts are extracted, a late capture landing in the past.

``deliver`` POSTs each announced revision not delivered yet to a webhook, as JSON, oldest
first. The first failure ends this run's deliveries (the endpoint is likely down, the next
would fail alike) and is logged; the next run tries again from there. One POST per revision::

    {"policy": "soompi-privacy", "name": "Soompi Privacy Policy", "revision": 3,
     "first_seen": "2026-01-05T03:00:12Z", "words": 2410, "previous_words": 2398,
     "text_sha256": "9f2c…", "run": 42,
     "capture": "https://web.archive.org/web/20260105030012/https://www.soompi.com/privacy"}
"""
from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from crawler.archive import capture_url
from crawler.run import USER_AGENT
from db.notifications import Notifications
from db.store import Store

log = logging.getLogger(__name__)

WEBHOOK_TIMEOUT = 30  # seconds for one POST


def record_new_revisions(store: Store, run_id: int, document_ids: Sequence[int]) -> int:
    """Record the revisions of these documents that no run recorded before; returns how many."""
    notifications = Notifications(store)
    found = []
    for row in notifications.unrecorded(document_ids):
        news = row["latest_recorded"] is not None and row["first_seen"] > row["latest_recorded"]
        found.append((row["document_id"], row["text_sha256"], row["first_seen"], news,
                      json.dumps(payload(row, run_id))))
        if news:
            log.info("%s: new revision %d, first seen %s", row["slug"], row["seq"], row["first_seen"])
    notifications.record(run_id, found)
    return len(found)


def payload(revision: dict[str, Any], run_id: int) -> dict[str, Any]:
    """What a webhook receives about a revision (a ``Notifications`` revision row)."""
    return {
        "policy": revision["slug"],
        "name": revision["name"],
        "revision": revision["seq"],
        "first_seen": revision["first_seen"],
        "words": revision["words"],
        "previous_words": revision["previous_words"],
        "text_sha256": revision["text_sha256"],
        "capture": capture_url(revision["archive"], revision["timestamp"], revision["url"]),
        "run": run_id,
    }


@dataclass
class Delivery:
    """Webhook POSTs that a run ``sent``, and ``failed`` (0 or 1: the first failure stops)."""

    sent: int = 0
    failed: int = 0

    def counts(self) -> dict[str, int]:
        return {"webhook_sent": self.sent, "webhook_failed": self.failed}


def deliver(store: Store, url: str) -> Delivery:
    """POST every announced revision not delivered yet to ``url``, oldest first."""
    notifications = Notifications(store)
    delivery = Delivery()
    waiting = notifications.undelivered()
    for row in waiting:
        error = _post(url, row["payload"].encode())
        notifications.delivered(row["id"], error)
        if error is not None:
            delivery.failed += 1
            log.warning("webhook %s failed (%s); %d revision(s) will be posted on the next run "
                        "(attempt %d failed)", url, error, len(waiting) - delivery.sent,
                        row["attempts"] + 1)
            break
        delivery.sent += 1
    if delivery.sent:
        log.info("webhook: posted %d new revision(s) to %s", delivery.sent, url)
    return delivery


def _post(url: str, body: bytes) -> str | None:
    """POST JSON ``body``; ``None`` when answered 2xx, else why not."""
    request = urllib.request.Request(
        url, data=body, method="POST",
        headers={"Content-Type": "application/json", "User-Agent": USER_AGENT},
    )
    try:
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT):
            return None
    except urllib.error.HTTPError as err:
        return f"HTTP {err.code}"
    except (urllib.error.URLError, OSError) as err:
        return f"not reachable: {getattr(err, 'reason', err)}"
