"""The shared real-page corpora as archive captures, and their manifests to compare against.

``shared/`` sits beside the repository (``Path(__file__).resolve().parents[2] / "shared"``);
set ``POLICY_HISTORY_SHARED`` when it lives elsewhere (CI clones the repo into another folder).

- ``shared/corpus/``: Open Terms Archive captures (ODC-BY 1.0), 14 documents, 90 HTML captures.
- ``shared/corpus-princeton/``: pages from citp/privacy-policy-historical; the "seed" captures
  are the five seed domains (``set: primary``) plus buy007.com (``set: related``: the same
  Wayback snapshot as buy.com's 2002 capture). Each file starts with Princeton's comment header.
"""
from __future__ import annotations

import json
import os
import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from crawler.localarchive import ArchivedCapture

SHARED = Path(os.environ.get("POLICY_HISTORY_SHARED")
              or Path(__file__).resolve().parents[2] / "shared")
if not (SHARED / "corpus" / "MANIFEST.json").exists():
    raise RuntimeError(
        f"the shared corpus is not at {SHARED}: put shared/ beside the checkout or set "
        "POLICY_HISTORY_SHARED to its folder"
    )
CORPUS = SHARED / "corpus"
PRINCETON = SHARED / "corpus-princeton"
SEED_DOMAINS = ("alibaba.com", "buy.com", "milanoo.com", "soompi.com", "viki.com")
SEED_SETS = ("primary", "related")  # MANIFEST "set" values of the seed domains' captures
# Princeton's header: "<!--The following is the downloaded HTML source of ... -->" (two lines)
_PRINCETON_HEADER = re.compile(rb"\A<!--The following is the downloaded HTML source.*?-->\s*", re.S)


@cache
def corpus_manifest() -> dict[str, Any]:
    """``shared/corpus/MANIFEST.json``: ``documents[i].captures[j]`` has timestamp, url, html…"""
    manifest: dict[str, Any] = json.loads((CORPUS / "MANIFEST.json").read_text())
    return manifest


@cache
def princeton_manifest() -> dict[str, Any]:
    """``shared/corpus-princeton/MANIFEST.json``: ``domains[d].captures[j]`` has timestamp,
    original_url, html_file (None when only Princeton's text survives)."""
    manifest: dict[str, Any] = json.loads((PRINCETON / "MANIFEST.json").read_text())
    return manifest


def corpus_document(doc_id: str) -> dict[str, Any]:
    """One ``documents`` entry of the corpus manifest, e.g. ``"bumble-privacy-policy"``."""
    docs: list[dict[str, Any]] = corpus_manifest()["documents"]
    for doc in docs:
        if doc["id"] == doc_id:
            return doc
    raise KeyError(doc_id)


def corpus_declarations(path: Path) -> Path:
    """Every corpus policy, declared at every URL it was captured at, written to ``path``."""
    policies = {
        doc["id"]: {"urls": sorted({cap["url"] for cap in doc["captures"]})}
        for doc in corpus_manifest()["documents"]
    }
    path.write_text(yaml.safe_dump({"policies": policies}))
    return path


def corpus_captures(*doc_ids: str) -> list[ArchivedCapture]:
    """HTML captures of the given corpus documents (all documents if none given), in
    manifest order, with the exact bytes OTA stored."""
    docs = [corpus_document(d) for d in doc_ids] if doc_ids else corpus_manifest()["documents"]
    return [
        ArchivedCapture(url=cap["url"], timestamp=cap["timestamp"],
                        body=(CORPUS / doc["id"] / cap["html"]).read_bytes())
        for doc in docs for cap in doc["captures"] if cap["html"]
    ]


def strip_princeton_header(html: bytes) -> bytes:
    """Drop Princeton's leading ``<!--The following is ... -->`` comment (not page content)."""
    return _PRINCETON_HEADER.sub(b"", html, count=1)


def princeton_captures(sets: tuple[str, ...] = SEED_SETS) -> list[ArchivedCapture]:
    """HTML captures of corpus-princeton domains whose manifest ``set`` is in ``sets``, at
    their ``original_url`` and Wayback timestamp, with Princeton's header stripped."""
    caps = []
    for domain in princeton_manifest()["domains"].values():
        if domain["set"] not in sets:
            continue
        for cap in domain["captures"]:
            if cap["html_file"]:
                body = strip_princeton_header((PRINCETON / cap["html_file"]).read_bytes())
                caps.append(ArchivedCapture(url=cap["original_url"], timestamp=cap["timestamp"],
                                            body=body))
    return caps
