"""Declaration files: the bundled five, and errors that name the file and the policy."""
from __future__ import annotations

from pathlib import Path

import pytest

from tracker.declarations import load, validate_slug, validate_url
from tracker.errors import DeclarationError


def test_bundled_declarations_hold_the_five_policies_with_every_url() -> None:
    declared = {d.slug: d.urls for d in load()}
    assert set(declared) == {"buy-com-privacy", "milanoo-privacy", "viki-privacy",
                             "soompi-privacy", "alibaba-privacy"}
    assert declared["buy-com-privacy"] == (
        "http://www.buy.com/corp/privacy_policy_complete.asp",
        "https://www.rakuten.com/loc/privacy-policy/79085.html")
    assert len(declared["alibaba-privacy"]) == 3


@pytest.mark.parametrize("content, message", [
    ("policies: [", "is not valid YAML"),
    ("other: {}", "expected a 'policies:' mapping"),
    ("policies:\n  Bad Slug:\n    urls: [https://a.test]", "'Bad Slug' must be lowercase"),
    ("policies:\n  a-privacy:\n    name: A", "'a-privacy' needs a non-empty 'urls' list"),
    ("policies:\n  a-privacy:\n    urls: [www.a.test/privacy]", "a-privacy: 'www.a.test/privacy' is not"),
    ("policies:\n  a-privacy:\n    urls: [https://a.test]\n  a-privacy:\n    urls: [https://b.test]",
     "a-privacy given twice"),
    ("policies:\n  a-privacy:\n    urls: [https://a.test]\n    nmae: A", "unknown key\\(s\\) nmae; known: language, name, remove, select, urls"),
    ("policies:\n  a-privacy:\n    urls: [https://a.test]\n    name: [1, 2]", "'name' must be text"),
    ("policies:\n  a: [\n", "is not valid YAML: .* \\(line 3\\)"),
    ("policies:\n  a-privacy:\n    urls: [https://a.test]\n    select: 'div['",
     "policy 'a-privacy': bad CSS selector 'div\\[' in 'select'"),
    ("policies:\n  a-privacy:\n    urls: [https://a.test]\n    remove: [.ok, 'p >> a']",
     "policy 'a-privacy': bad CSS selector 'p >> a' in 'remove'"),
    ("policies:\n  a-privacy:\n    urls: [https://a.test]\n    select: {startBefore: '#a'}",
     "policy 'a-privacy': 'select' must be a CSS selector or a list of them"),
    ("policies:\n  a-privacy:\n    urls: [https://a.test]\n    language: English",
     "policy 'a-privacy': language 'English' is not an ISO 639-1 code"),
])
def test_bad_files_name_the_file_and_the_policy(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(content)
    with pytest.raises(DeclarationError, match=message) as err:
        load(path)
    assert "mine.yaml" in str(err.value)


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("policies:\n  café: {}".encode("latin-1"))
    with pytest.raises(DeclarationError, match="latin1.yaml is not UTF-8 text"):
        load(path)


def test_missing_file() -> None:
    with pytest.raises(DeclarationError, match="cannot read declarations file nope.yaml"):
        load("nope.yaml")


def test_slugs_and_urls() -> None:
    assert validate_slug("viki-privacy") == "viki-privacy"
    assert validate_url(" https://www.viki.com/privacy ", slug="v") == "https://www.viki.com/privacy"
    assert validate_url("https://a.test/p?x=1#part", slug="v") == "https://a.test/p?x=1"
    assert validate_url("https://a.test/web/2019/news", slug="v") == "https://a.test/web/2019/news"
    for bad in ("", "-x", "Viki", "viki_privacy"):
        with pytest.raises(DeclarationError):
            validate_slug(bad)
    for bad in ("viki.com/privacy", "mailto:a@b.c", "https://", "https://a.test/x y", "http://a.test:99999/",
                "http://[::1", "https://web.archive.org/web/20190101000000id_/https://a.test/p"):
        with pytest.raises(DeclarationError):
            validate_url(bad, slug="v")


def test_overrides_are_read_as_open_terms_archive_declares_them(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text("policies:\n  lex-privacy:\n    urls: [https://help.thisislex.app/article/51-privacy-policy]\n"
                    "    select: '#fullArticle'\n    remove: .printArticle\n    language: en\n")
    (declaration,) = load(path)
    assert declaration.options == {"select": ["#fullArticle"], "remove": [".printArticle"], "language": "en"}
