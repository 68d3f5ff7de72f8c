"""Real archived privacy-policy pages bundled for ``policy-history demo`` (no network needed).

``captures.json`` indexes 24 captures; each body is ``captures/*.html.gz`` (gzip'd, sha1 of
the uncompressed bytes in the index), served by a :class:`crawler.localarchive.LocalArchive`:

- every capture of two policies tracked by Open Terms Archive, at the URL and UTC fetch time
  OTA recorded: Bumble (https://bumble.com/en/privacy, 8 captures) and Lex
  (https://help.thisislex.app/article/51-privacy-policy, 8 captures); both include captures
  whose text did not change and text changes. Data: OpenTermsArchive/dating-snapshots, under
  the ODC-BY 1.0 licence. Attribution: "Open Terms Archive with contributions from the Dating
  Privacy collective". The policy texts belong to the respective services.
- the archived HTML pages of the five seed services (alibaba.com, buy.com/rakuten.com,
  milanoo.com, soompi.com, viki.com) at their Wayback timestamp and original URL, from
  Princeton's citp/privacy-policy-historical (Amos et al., "Privacy Policies over Time:
  Curation and Analysis of a Million-Document Dataset", WWW 2021). These are browser-rendered
  DOMs, not byte-exact ``id_`` captures; Princeton's leading comment header is removed. The
  2002 buy.com page is the one Princeton stored under buy007.com (same Wayback snapshot).

Each entry's ``source`` gives repository, path and commit. ``policies.yaml`` declares the two
OTA policies; the seed policies are declared in ``tracker/policies.yaml``.
"""
from __future__ import annotations

import gzip
import json
from importlib.resources import files

from crawler.localarchive import ArchivedCapture


def demo_captures() -> list[ArchivedCapture]:
    """The bundled captures, in ``captures.json`` order (by policy, then time)."""
    data = files(__name__)
    index = json.loads(data.joinpath("captures.json").read_text(encoding="utf-8"))
    return [
        ArchivedCapture(
            url=entry["url"],
            timestamp=entry["timestamp"],
            body=gzip.decompress(data.joinpath(entry["file"]).read_bytes()),
            status=entry["status"],
            content_type=entry["content_type"],
        )
        for entry in index["captures"]
    ]
