"""The shared corpus for benchmarks: ``../shared`` beside the checkout, or $POLICY_HISTORY_SHARED."""
from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path

from tracker.errors import ExtractionFailed
from tracker.extract import extract

SHARED = Path(os.environ.get("POLICY_HISTORY_SHARED") or Path(__file__).resolve().parents[2] / "shared")
CORPUS = SHARED / "corpus"


@cache
def corpus_versions() -> dict[str, list[str]]:
    """Per corpus policy, its successive distinct extracted texts (Markdown), oldest first."""
    manifest = json.loads((CORPUS / "MANIFEST.json").read_text())
    versions: dict[str, list[str]] = {}
    for doc in manifest["documents"]:
        texts: list[str] = []
        for capture in doc["captures"]:
            body = (CORPUS / doc["id"] / capture["html"]).read_bytes()
            try:
                text = extract(body, url=capture["url"]).markdown
            except ExtractionFailed:
                continue
            if not texts or texts[-1] != text:
                texts.append(text)
        versions[doc["id"]] = texts
    return versions
