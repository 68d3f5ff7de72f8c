"""Score the extractor against Open Terms Archive's curated texts, beside plain trafilatura.

    python benchmarks/extraction.py                 # every corpus capture with a reference
    python benchmarks/extraction.py --json out.json # also write every figure as JSON

For every capture in ``shared/corpus/`` that has OTA's Markdown, three extractions are made in
the same run and scored against it:

- ``ours``: ``tracker.extract.extract`` with no per-policy override (what a new policy gets);
- ``declared``: the same with OTA's own ``select``/``remove`` selectors as overrides. OTA's
  text is what lies under its ``select`` minus its ``remove``, so this run is the fair one
  when a page holds more policy-like text than OTA chose to keep;
- ``plain``: ``trafilatura.extract(body)`` with trafilatura's defaults.

Scores are token precision, recall and F1 over the multiset of words, after dropping images,
link targets and Markdown syntax and folding case (CJK characters count one token each).
Per document they are summed over its captures (micro average); "overall" sums every capture.

Agreement: for each consecutive pair of a document's captures with a reference, whether the
extraction says "same text" exactly when the reference does. The reference is OTA's text with
link targets dropped (as ``tests/test_end_to_end.py`` groups revisions); the MANIFEST's
``ota_text_same_as_previous`` also counts a changed cache-busting link target as a change
(LOVOO), and the pairs where the two disagree are listed. Captures without a reference (bot
challenges) are reported apart: ours must flag them, never give them text.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import trafilatura

from tracker.errors import ExtractionFailed
from tracker.extract import extract
from tracker.overrides import Overrides

DEFAULT_SHARED = Path(__file__).resolve().parents[2] / "shared"
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")  # inline HTML in Markdown: <br>, <u>, <sup>
_LINK_TARGET = re.compile(r"\]\((?:[^()]|\([^)]*\))*\)")
_TOKEN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]|"
                    r"(?:(?![\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff])[^\W_])+")
RUNS = ("ours", "declared", "plain")


def tokens(markdown: str) -> Counter[str]:
    """The words of a Markdown text as a multiset: no images, link targets or syntax; lowercase."""
    text = _TAG.sub(" ", _LINK_TARGET.sub("]", _IMAGE.sub(" ", markdown)))
    return Counter(t.lower() for t in _TOKEN.findall(text))


def link_blind(markdown: str) -> str:
    """A text without link targets, whitespace folded: equal for "the same policy text"."""
    return " ".join(_LINK_TARGET.sub("]", markdown).split())


@dataclass
class Score:
    """Token counts summed over captures: overlap, extracted and reference tokens."""

    overlap: int = 0
    extracted: int = 0
    reference: int = 0

    def add(self, ours: Counter[str], reference: Counter[str]) -> Score:
        self.overlap += sum((ours & reference).values())
        self.extracted += sum(ours.values())
        self.reference += sum(reference.values())
        return self

    def __iadd__(self, other: Score) -> Score:
        self.overlap += other.overlap
        self.extracted += other.extracted
        self.reference += other.reference
        return self

    @property
    def precision(self) -> float:
        return self.overlap / self.extracted if self.extracted else 0.0

    @property
    def recall(self) -> float:
        return self.overlap / self.reference if self.reference else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float]:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "f1": round(self.f1, 4)}


@dataclass
class RunResult:
    """One extraction method over one document: score, pair agreement, timings, failures."""

    score: Score = field(default_factory=Score)
    agree: int = 0
    pairs: int = 0
    seconds: float = 0.0
    captures: int = 0
    failed: list[str] = field(default_factory=list)
    disagreements: list[str] = field(default_factory=list)


def plain(body: bytes, url: str, overrides: Overrides | None) -> str:
    """trafilatura with its defaults: what a user of trafilatura alone would get."""
    text = trafilatura.extract(body)
    if not text:
        raise ExtractionFailed(url, "trafilatura returned nothing")
    return text


def ours(body: bytes, url: str, overrides: Overrides | None) -> str:
    return extract(body, url=url, content_type="text/html", overrides=overrides).markdown


def run_document(doc: dict[str, Any], corpus: Path) -> dict[str, RunResult]:
    """Extract every capture of ``doc`` with each method and score it against OTA's text."""
    declared = Overrides.from_options(doc["ota_declaration"])
    methods: dict[str, tuple[Callable[..., str], Overrides | None]] = {
        "ours": (ours, None), "declared": (ours, declared), "plain": (plain, None)}
    results = {name: RunResult() for name in RUNS}
    previous: dict[str, str | None] = dict.fromkeys(RUNS)
    previous_reference: str | None = None
    for cap in doc["captures"]:
        if not cap["html"]:
            continue
        body = (corpus / doc["id"] / cap["html"]).read_bytes()
        reference = (corpus / doc["id"] / cap["md"]).read_text() if cap["md"] else None
        for name, (method, overrides) in methods.items():
            result = results[name]
            started = time.perf_counter()
            try:
                text: str | None = method(body, cap["url"], overrides)
            except ExtractionFailed as err:
                text = None
                result.failed.append(f"{cap['timestamp']}: {err.reason}")
            result.seconds += time.perf_counter() - started
            result.captures += 1
            if reference is None:
                continue
            result.score.add(tokens(text or ""), tokens(reference))
            if previous_reference is not None:
                same_reference = link_blind(reference) == previous_reference
                same_ours = text is not None and text == previous[name]
                result.pairs += 1
                if same_ours == same_reference:
                    result.agree += 1
                else:
                    expected = "same" if same_reference else "changed"
                    result.disagreements.append(f"{cap['timestamp']}: reference {expected}")
            previous[name] = text
        if reference is not None:
            previous_reference = link_blind(reference)
    return results


def report(results: dict[str, dict[str, RunResult]], link_only: list[str]) -> dict[str, Any]:
    """Print the table on stdout; return every figure as a JSON-able dict."""
    header = f"{'document':<34}" + "".join(f"{name + ' P/R/F1':>22}{'agree':>7}" for name in RUNS)
    print(header)
    print("-" * len(header))
    totals = {name: RunResult() for name in RUNS}
    out: dict[str, Any] = {"documents": {}, "overall": {}}
    for doc_id, by_run in results.items():
        row = f"{doc_id:<34}"
        out["documents"][doc_id] = {}
        for name in RUNS:
            r = by_run[name]
            total = totals[name]
            total.score += r.score
            total.agree, total.pairs = total.agree + r.agree, total.pairs + r.pairs
            total.seconds, total.captures = total.seconds + r.seconds, total.captures + r.captures
            s = r.score
            row += f"{s.precision:>8.3f}{s.recall:>7.3f}{s.f1:>7.3f}{f'{r.agree}/{r.pairs}':>7}"
            out["documents"][doc_id][name] = {
                **s.as_dict(), "agree": r.agree, "pairs": r.pairs, "failed": r.failed,
                "disagreements": r.disagreements}
        print(row)
    print("-" * len(header))
    row = f"{'overall':<34}"
    for name in RUNS:
        t = totals[name]
        s = t.score
        row += f"{s.precision:>8.3f}{s.recall:>7.3f}{s.f1:>7.3f}{f'{t.agree}/{t.pairs}':>7}"
        out["overall"][name] = {**s.as_dict(), "agree": t.agree, "pairs": t.pairs,
                                "captures_per_second": round(t.captures / t.seconds, 2)}
    print(row)
    print()
    for name in RUNS:
        t = totals[name]
        print(f"{name:>8}: {t.captures} captures in {t.seconds:.1f} s = "
              f"{t.captures / t.seconds:.2f} captures/s")
    print()
    for doc_id, by_run in results.items():
        for name in RUNS:
            r = by_run[name]
            for line in r.failed:
                print(f"{name:>8} {doc_id}: no text at {line}")
            for line in r.disagreements:
                print(f"{name:>8} {doc_id}: pair disagrees at {line}")
    if link_only:
        print(f"\nOTA counts these as changes though only link targets changed: {', '.join(link_only)}")
    return out


def link_target_only_changes(manifest: dict[str, Any], corpus: Path) -> list[str]:
    """Captures OTA marks as changed whose reference text differs only in link targets."""
    out = []
    for doc in manifest["documents"]:
        texts = [(cap, link_blind((corpus / doc["id"] / cap["md"]).read_text()))
                 for cap in doc["captures"] if cap["md"]]
        for (_, before), (cap, after) in zip(texts, texts[1:], strict=False):
            if not cap["ota_text_same_as_previous"] and before == after:
                out.append(f"{doc['id']} {cap['timestamp']}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path,
                        default=Path(os.environ.get("POLICY_HISTORY_SHARED") or DEFAULT_SHARED),
                        help="the shared/ folder holding corpus/ (default: beside the checkout)")
    parser.add_argument("--document", action="append", help="only this corpus document (repeatable)")
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    args = parser.parse_args(argv)
    corpus = args.shared / "corpus"
    manifest = json.loads((corpus / "MANIFEST.json").read_text())
    docs = [d for d in manifest["documents"] if not args.document or d["id"] in args.document]
    results = {doc["id"]: run_document(doc, corpus) for doc in docs}
    figures = report(results, link_target_only_changes(manifest, corpus))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
