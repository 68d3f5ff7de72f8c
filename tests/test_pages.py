"""Pages that stand at a policy's URL without being the policy are flagged, never text."""
from __future__ import annotations

import pytest
import samples
from corpus import corpus_captures

from tracker.errors import NotAPolicy
from tracker.extract import extract


@pytest.mark.parametrize("html, kind", [
    (samples.SOFT_404, "soft-404"),
    (samples.CAPTCHA, "bot-wall"),
    (samples.JS_SHELL, "js-shell"),
    (samples.LOGIN_WALL, "login-wall"),
    (samples.MOVED, "moved"),
    (samples.HOMEPAGE, "homepage"),
])
def test_pages_that_are_not_the_policy_are_flagged(html: str, kind: str) -> None:
    with pytest.raises(NotAPolicy) as flagged:
        extract(html.encode(), url=samples.URL, content_type="text/html")
    assert flagged.value.kind == kind
    assert "not the policy" in flagged.value.reason


def test_a_real_bot_challenge_is_flagged() -> None:
    # Hily's capture of 2026-07-23: a refresh to SiteGround's captcha, nothing else
    stub = next(c for c in corpus_captures("hily-privacy-policy") if c.timestamp == "20260723123144")
    with pytest.raises(NotAPolicy) as flagged:
        extract(stub.body, url=stub.url)
    assert flagged.value.kind == "bot-wall"


def test_the_policy_in_the_same_chrome_is_not_flagged() -> None:
    # the shop page has a "Sign in" link, a cookie banner, a "Cart (0)" and a copyright line
    extraction = extract(samples.page().encode(), url=samples.URL)
    assert extraction.title == "Privacy Policy" and extraction.language == "en"
    for clutter in ("Sign in", "cookies", "Cart", "Back to top", "Share on X", "©", "About us"):
        assert clutter not in extraction.markdown
