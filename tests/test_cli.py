"""Bad input gets one clear line, a non-zero exit and no traceback; nothing half-written."""
from __future__ import annotations

import http.server
import json
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import policy_history

from crawler.localarchive import LocalArchive
from tracker.cli import cli


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = str(tmp_path / "p.db")
    assert run("add", "soompi-privacy", "https://www.soompi.com/privacy", "--db", path)[0] == 0
    return path


class Homepage(http.server.BaseHTTPRequestHandler):
    """A web site's home page at every path, as a mistyped --archive would give."""

    def do_GET(self) -> None:
        body = b"<html><body><h1>Welcome</h1></body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def not_an_archive() -> Iterator[str]:
    """A real web server on 127.0.0.1 that is not a Wayback archive."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Homepage)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_add_is_idempotent_and_extends_urls(db: str) -> None:
    assert run("add", "soompi-privacy", "https://www.soompi.com/privacy", "--db", db) == (
        0, f"soompi-privacy: already tracked, tracking 1 URL(s) in {db}\n")
    # Another spelling of the same page (the archives' URL key) is the same URL.
    assert run("add", "soompi-privacy", "http://soompi.com/privacy#top", "--db", db)[1].startswith(
        "soompi-privacy: already tracked")
    code, out = run("add", "soompi-privacy", "https://www.soompi.com/legal/privacy", "--db", db)
    assert (code, out) == (0, f"soompi-privacy: 1 URL(s) added, tracking 2 URL(s) in {db}\n")


def test_reading_commands_never_create_a_database(tmp_path: Path) -> None:
    for command in (["log", "x"], ["show", "x"], ["diff", "x"], ["export"], ["list"], ["runs"], ["status"],
                    ["rebuild"]):
        code, out = run(*command, "--db", str(tmp_path / "typo.db"))
        assert code == 1 and "typo.db does not exist; check --db" in out
    assert not (tmp_path / "typo.db").exists()


def test_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("my notes")
    code, out = run("log", "x", "--db", str(path))
    assert code == 1 and "cannot use" in out and "as a policy-history database: file is not a database" in out
    assert path.read_text() == "my notes"


@pytest.mark.parametrize("args, message", [
    (["log", "nope"], "unknown policy 'nope' (`policy-history list` shows the tracked ones); to track it: policy-history add nope URL"),
    (["log", "soompi"], "unknown policy 'soompi' (did you mean soompi-privacy?)"),
    (["add", "x-privacy", "http://[::1"], "x-privacy: 'http://[::1' is not a valid URL (Invalid IPv6 URL)"),
    (["add", "x-privacy", "https://web.archive.org/web/2019/https://x.test/p"],
     "is an archive's replay of a page; give the page's own address (https://x.test/p)"),
    (["crawl", "--replays-per-minute", "-5"], "-5.0 is not in the range x>=0"),
    (["crawl", "--replays-per-minute", "nan"], "a request budget or wait must be 0 or more, not nan"),
    (["show", "soompi-privacy", "--at", "2015-02-30"], "'2015-02-30' is not a date like 2019-01-01"),
    (["show", "soompi-privacy", "--at", "2015-06-01", "--revision", "2"], "give --at or --revision, not both"),
    (["show", "nope"], "unknown policy 'nope'"),
    (["crawl", "--policy", "nope"], "unknown policy 'nope'"),
    (["add", "x-privacy", "www.x.test/privacy"], "x-privacy: 'www.x.test/privacy' is not an absolute http(s) URL"),
    (["add", "X Privacy", "https://x.test/"], "policy slug 'X Privacy' must be lowercase"),
    (["crawl", "--archive", "web.archive.org"], "archive 'web.archive.org' is not an http(s) URL"),
    (["crawl", "--archive", "http://127.0.0.1:9"], "archive http://127.0.0.1:9 is not reachable"),
    (["show", "soompi-privacy"], "soompi-privacy: no revision yet; run `policy-history crawl --policy soompi-privacy`"),
    (["show", "soompi-privacy", "--at", "last week"], "'last week' is not a date like 2019-01-01"),
])
def test_bad_input_is_one_clear_line(db: str, args: list[str], message: str) -> None:
    code, out = run(*args, "--db", db)
    assert code != 0
    assert message in out
    assert "Traceback" not in out


def test_an_archive_that_is_not_wayback(db: str, not_an_archive: str) -> None:
    code, out = run("crawl", "--archive", not_an_archive, "--db", db)
    assert code == 1
    assert f"{not_an_archive} did not answer as a Wayback CDX server" in out
    assert "it must serve /cdx/search/cdx" in out
    with sqlite3.connect(db) as conn:
        assert conn.execute("select status, error is not null from runs").fetchall() == [("failed", 1)]
        assert conn.execute("select count(*) from captures").fetchone() == (0,)


def test_a_policy_never_archived(archive: LocalArchive, tmp_path: Path) -> None:
    db = str(tmp_path / "n.db")
    run("add", "never-privacy", "https://never.test/privacy", "--db", db)
    result = policy_history("crawl", "--archive", archive.url, "--db", db, check=False)
    assert result.returncode == 1
    assert f"never-privacy: {archive.url} has no capture of https://never.test/privacy" in result.stderr
    assert "Traceback" not in result.stderr


def test_extract_prints_a_saved_pages_policy(tmp_path: Path) -> None:
    import samples

    saved = tmp_path / "page.html"
    saved.write_bytes(samples.page().encode())
    code, out = run("extract", str(saved), "--url", samples.URL)
    assert code == 0 and out.startswith("# Privacy Policy\n\nLast updated: 1 March 2020\n")
    result = CliRunner().invoke(cli, ["extract", "-", "--url", samples.URL, "--json", "--remove", "h1"],
                                input=samples.page().encode())
    data = json.loads(result.output)
    assert (data["title"], data["language"], data["warnings"]) == ("Privacy", "en", [])
    assert data["stated_date"] == "2020-03-01"
    assert data["markdown"].startswith("Last updated")


@pytest.mark.parametrize("args, stdin, message", [
    (["--select", "div["], b"<p>x</p>", "bad CSS selector 'div[' in 'select'"),
    (["--select", "#policy"], b"<p>x</p>", "the declared 'select' (#policy) matches nothing"),
    ([], b"<html><head><title>Page not found</title></head><body><h1>404</h1></body></html>",
     "not the policy: a 'page not found' page"),
])
def test_extract_says_why_there_is_no_text(args: list[str], stdin: bytes, message: str) -> None:
    result = CliRunner().invoke(cli, ["extract", "-", "--url", "https://a.test/privacy", *args], input=stdin)
    assert result.exit_code == 1 and message in result.output and "Traceback" not in result.output
