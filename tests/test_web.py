"""What a person sees in a browser: `policy-history serve` driven in headless Chromium.

Debian's ``chromium`` through playwright (``apt-get install chromium``; playwright's own browser
download is not used). Screenshots land in ``tests/artifacts/`` (git-ignored).
"""
from __future__ import annotations

import re
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from helpers import policy_history, serving
from playwright.sync_api import Browser, Page, expect, sync_playwright

from crawler.localarchive import ArchivedCapture, LocalArchive

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
# Without the background-networking flags Chromium's own connections are refused on a closed
# network and slow every page down.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LEX = "lex-privacy-policy"
LEX_URL = "https://help.thisislex.app/article/51-privacy-policy"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.fail("these tests drive Debian's chromium: apt-get install chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh page that fails the test on any dialog (an ``alert()`` that ran)."""
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.set_default_timeout(10_000)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    yield page
    page.close()
    assert not dialogs, f"script from an archived page ran: {dialogs}"


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png")


def test_a_person_follows_a_policy_search_and_a_change(page: Page, history: Path, archive: LocalArchive) -> None:
    with serving(history) as site:
        page.goto(f"{site}/policies/policies")
        page.get_by_role("link", name=LEX, exact=True).click()
        expect(page.locator("h1")).to_have_text(LEX)
        expect(page.locator("table.timeline tbody tr")).to_have_count(4)

        page.select_option("select[name=from]", "2")
        page.select_option("select[name=to]", "3")
        page.get_by_role("button", name="Compare").click()
        expect(page).to_have_url(re.compile(r"from=2&to=3"))
        expect(page.locator("h2", has_text="Revision 2 → 3")).to_be_visible()
        expect(page.locator("td.old del", has_text="April 2,")).to_have_text("April 2,")
        expect(page.locator("td.new ins", has_text="December 3,")).to_have_text("December 3,")
        expect(page.locator("td.old del", has_text="Algolia").first).to_be_visible()  # a removed row
        screenshot(page, "policy-page")

        page.locator("details.nav-menu summary").click()  # the menu, top right
        page.get_by_role("link", name="Search clauses").click()
        page.fill("input[name=q]", "Instagram handle")
        page.get_by_role("button", name="Run SQL").click()
        hit = page.locator("tr", has_text="mobile phone number or your Instagram handle").filter(has_text=LEX)
        expect(hit.locator("mark").first).to_have_text("Instagram")
        screenshot(page, "search")

        hit.get_by_role("link", name=re.compile(r"^change \d+$")).click()
        expect(page.locator("h1")).to_have_text(f"{LEX}: modified clause")
        expect(page.locator("p.word-diff del")).to_have_text("number or your Instagram handle.")
        expect(page.locator("p.word-diff ins")).to_have_text("number.")
        old_capture = page.get_by_role("link", name="last capture of the old text")
        new_capture = page.get_by_role("link", name="first capture of the new text")
        expect(old_capture).to_have_attribute("href", f"{archive.url}/web/20241203123406/{LEX_URL}")
        expect(new_capture).to_have_attribute("href", f"{archive.url}/web/20241204003304/{LEX_URL}")
        assert requests.get(str(new_capture.get_attribute("href")), timeout=30).status_code == 200
        screenshot(page, "change")

        page.get_by_role("link", name="2 → 3").click()
        page.locator("#revision-3").get_by_role("link", name="text").click()
        expect(page.locator(".policy-text h1")).to_have_text("Privacy Policy")  # Markdown rendered
        screenshot(page, "version")


HOSTILE_URL = "https://hostile.example/privacy"
_POLICY = (
    "<h1>Privacy Policy</h1><p>Last updated: January 1, 2024.</p>"
    "<p>We collect your name, email address and device identifiers when you create an account,"
    " and we keep them while your account is open.</p>"
    "<p>We share them with the service providers who host our servers and with nobody else.</p>"
)
_ATTACK = (
    "<h2>Contact</h2><p>Write to &lt;script&gt;alert('script')&lt;/script&gt; or"
    " &lt;img src=x onerror=alert('onerror')&gt; with any question.</p>"
    "<p><a href=\"javascript:alert('link')\">Opt out of sharing</a> at any time.</p>"
    "<img src=x onerror=\"alert('img')\">"
)


def _hostile_page(extra: str) -> bytes:
    return (f"<html><head><title>Privacy</title><script>alert('head')</script></head>"
            f"<body><main>{_POLICY}{extra}</main></body></html>").encode()


def test_an_archived_script_shows_as_text_and_runs_nothing(
    page: Page, empty_archive: LocalArchive, tmp_path: Path
) -> None:
    empty_archive.add([ArchivedCapture(HOSTILE_URL, "20240101000000", _hostile_page("")),
                       ArchivedCapture(HOSTILE_URL, "20240201000000", _hostile_page(_ATTACK))], "hostile")
    db = tmp_path / "policies.db"
    policy_history("add", "hostile", HOSTILE_URL, "--db", str(db))
    policy_history("crawl", "--db", str(db), "--archive", empty_archive.url)
    with sqlite3.connect(db) as conn:
        (change_id,) = conn.execute("select id from changes where new_text like '%onerror%'").fetchone()
        (version_id,) = conn.execute("select id from versions where markdown like '%<script>%'").fetchone()
    with serving(db) as site:
        for path in ["/-/policy/hostile", f"/-/change/{change_id}", f"/policies/versions/{version_id}",
                     "/policies/changes", "/policies/clauses?_search=alert",
                     "/policies/search_clauses?q=alert", "/policies/changes_on_topic?topic=contact",
                     "/policies/text_in_force?policy=hostile&date=2030-01-01"]:
            page.goto(site + path)
            expect(page.locator("body")).to_contain_text("alert('script')")  # shown as text
            expect(page.locator("body")).to_contain_text("onerror=alert('onerror')")
            assert page.locator("[onerror], a[href^='javascript:']").count() == 0, path
            assert page.evaluate("[...document.scripts].filter(s => s.text.includes('alert(')).length") == 0
        screenshot(page, "hostile-text")
        page.goto(f"{site}/-/change/{change_id}")
        screenshot(page, "hostile-change")
