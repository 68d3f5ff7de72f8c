"""The policy's own title: the heading that names it, near where its text starts.

A page's ``<title>`` often names the site or another page (Milanoo's privacy policy is titled
"Contact Us..."), so the title is looked for in the text: among the runs around the start of
the policy's stretch, a line that names a policy (privacy, policy, data protection... in a
dozen languages), a real heading before a plain line, the nearest first. The same line tells
where the policy starts: its opening paragraphs come right after its title, even those
trafilatura dropped.
"""
from __future__ import annotations

import re

from tracker.textruns import Run

WINDOW = 10  # runs before and after the stretch's start where the title is looked for
TITLE_CHARS = 100  # characters (no spaces): a longer line is not a title
_NAMES_A_POLICY = re.compile(
    r"privacy|policy|policies|data protection|datenschutz|richtlinie|confidentialit|politique|"
    r"privacidad|privacidade|pol[ií]tica|riservatezza|privatezza|privacybeleid|"
    r"gegevensbescherming|integritet|personuppgift|prywatno|隐私|隱私|个人信息|個人情報|"
    r"プライバシー|개인정보|条款|政策",
    re.I,
)
_ENDS_SENTENCE = re.compile(r"[.!?;,。！？；]\s*$")
_NUMBERED = re.compile(r"^(?:\d+|[IVXivx]+|[A-Za-z])[.)]\s")  # "2. PRIVACY" is a section, not the title


def find_title(runs: list[Run], start: int, end: int) -> int | None:
    """Index of the run that is the policy's title, around ``runs[start:end + 1]``; or None.

    Candidates are lines of at most :data:`TITLE_CHARS` characters that do not end a
    sentence, are not numbered like a section and name a policy, within :data:`WINDOW` runs of
    ``start``. Headings rank before plain lines, then the nearest to ``start``. Without
    one, a heading that opens the stretch (and is title-like) is the title.
    """
    low, high = max(0, start - WINDOW), min(end, start + WINDOW)
    candidates = [
        index for index in range(low, high + 1)
        if _is_title_like(runs[index]) and _NAMES_A_POLICY.search(runs[index].text)
    ]
    if not candidates:
        first = runs[start]
        return start if first.heading and _is_title_like(first) else None
    return min(candidates, key=lambda i: (not runs[i].heading, abs(i - start), i))


def _is_title_like(run: Run) -> bool:
    text = run.text.strip()
    return 0 < run.size <= TITLE_CHARS and not _ENDS_SENTENCE.search(text) and not _NUMBERED.match(text)
