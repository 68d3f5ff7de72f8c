"""Policy text out of a PDF capture, with pypdf.

A PDF's text comes out as the lines it was laid out in; they are joined back into paragraphs
(a line continues on the next one unless it ends a sentence or is much shorter than the page's
lines, as a heading or a paragraph's last line is; words hyphenated across lines are joined);
pages are separated by a blank line. A PDF without a text layer (a scan) has no text.
"""
from __future__ import annotations

import io
import logging
import re
import statistics

from pypdf import PdfReader
from pypdf.errors import PdfReadError

from tracker.errors import ExtractionFailed
from tracker.markdown import normalise

PDF_MIMES = ("application/pdf", "application/x-pdf")
SHORT_LINE = 0.6  # of the median line length: a shorter line ends its paragraph
TITLE_LINE = 100  # characters: a first line up to this long is the PDF's title
_ENDS_BLOCK = re.compile(r"[.:;!?。)\]]$")
_STARTS_BLOCK = re.compile(r"^(?:[-•*▪◦]|\(?\d+[.)]|\(?[a-z][.)]|[A-Z0-9][A-Z0-9 ,&'-]{2,60}$)")
_HYPHENATED = re.compile(r"(?<=[a-z])-$")

logging.getLogger("pypdf").setLevel(logging.ERROR)  # malformed-but-readable PDFs are common


def is_pdf(body: bytes, mime: str) -> bool:
    """Whether a capture is a PDF: by its mime type or by its ``%PDF-`` signature."""
    return mime in PDF_MIMES or body[:1024].lstrip().startswith(b"%PDF-")


def pdf_markdown(body: bytes, *, url: str) -> tuple[str, str | None]:
    """The text of a PDF as Markdown paragraphs, pages separated by blank lines, and its
    title: the document's own (metadata), else its first line when that is short.

    Raises ``ExtractionFailed`` (naming ``url``) when the PDF cannot be read, is encrypted
    with a password, or has no text layer.
    """
    try:
        reader = PdfReader(io.BytesIO(body))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ExtractionFailed(url, "the PDF is encrypted with a password")
        pages = [page.extract_text() or "" for page in reader.pages]
        title = reader.metadata.title if reader.metadata else None
    except (PdfReadError, ValueError, KeyError, OSError) as err:
        raise ExtractionFailed(url, f"unreadable PDF ({err})") from err
    markdown = normalise("\n\n".join(_paragraphs(page) for page in pages))
    if not markdown:
        raise ExtractionFailed(url, "the PDF has no text layer (a scanned document?)")
    first = markdown.split("\n", 1)[0]
    return markdown, (title or "").strip() or (first if len(first) <= TITLE_LINE else None)


def _paragraphs(page: str) -> str:
    """Join a page's layout lines into paragraphs."""
    lines = [" ".join(raw.split()) for raw in page.splitlines()]
    width = statistics.median([len(line) for line in lines if line] or [0])
    out: list[str] = []
    for line in lines:
        if not line:
            if out and out[-1]:
                out.append("")
            continue
        previous = out[-1] if out else ""
        ends = _ENDS_BLOCK.search(previous) or len(previous) < SHORT_LINE * width
        if previous and not ends and not _STARTS_BLOCK.match(line):
            if _HYPHENATED.search(previous):
                out[-1] = previous[:-1] + line
            else:
                out[-1] = f"{previous} {line}"
        else:
            if previous:
                out.append("")
            out.append(line)
    return "\n".join(out)
