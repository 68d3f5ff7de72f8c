"""Rendering a cleaned page region as Markdown, and the cleaning before it."""
from __future__ import annotations

import lxml.html
import pytest

from tracker.cleanup import clean
from tracker.links import resolve_links
from tracker.markdown import normalise, render


def md(html: str, url: str = "https://a.test/privacy") -> str:
    root = lxml.html.document_fromstring(html)
    resolve_links(root, url)
    return render(clean(root), url=url)


def test_numbered_clauses_keep_their_numbers() -> None:
    html = """<ol start="3"><li>Third</li><li>Fourth<ol type="a"><li>first letter</li>
              <li value="4">fourth letter</li></ol></li></ol><ol type="i"><li>one</li><li>two</li></ol>"""
    assert md(html) == "3. Third\n4. Fourth\n    a. first letter\n    d. fourth letter\n\ni. one\nii. two"


def test_inline_formatting_links_and_breaks() -> None:
    html = ('<p><b>Bold </b>and <em>italic</em>, a <a href="/x">link</a>, a <a href="#s2">section</a>'
            '<br>next line</p><p>two<br><br>paragraphs</p>')
    assert md(html) == ("**Bold** and *italic*, a [link](https://a.test/x), a section\nnext line\n\n"
                        "two\n\nparagraphs")


def test_headings_are_plain_text() -> None:
    assert md('<h2><a href="/p"><strong>1. Data</strong></a> we collect</h2>') == "## 1. Data we collect"


def test_data_table_is_a_pipe_table_layout_table_is_text() -> None:
    data = ("<table><tr><th>Data</th><th>Why</th></tr><tr><td>Email</td><td><p>Login</p><p>News | offers</p>"
            "</td></tr></table>")
    assert md(data) == "| Data | Why |\n| --- | --- |\n| Email | Login<br>News \\| offers |"
    layout = ("<table><tr><td><a href='/'>Home</a></td><td><a href='/shop'>Shop</a></td></tr></table>"
              "<table><tr><td>Menu</td><td><h1>Privacy</h1><p>We keep your data safe.</p></td></tr></table>")
    assert md(layout) == "[Home](https://a.test/)\n\n[Shop](https://a.test/shop)\n\nMenu\n\n# Privacy\n\nWe keep your data safe."


def test_text_loose_in_a_list_is_kept() -> None:
    assert md("<ol>(a) answering your queries;</ol><ol>(b) verifying your identity;</ol>") == (
        "(a) answering your queries;\n\n(b) verifying your identity;")


@pytest.mark.parametrize("clutter", [
    '<img src="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=" alt="logo">',
    "<svg><text>icon</text></svg>",
    '<nav><a href="/">Home</a></nav>',
    '<div class="cookie-banner">We use cookies <button>OK</button></div>',
    '<div class="share-links"><a href="https://x.test/share">Share</a></div>',
    '<a href="#top">Back to top</a>',
    '<span aria-hidden="true">▶</span>',
    '<form><input type="email"> Subscribe to our newsletter</form>',
])
def test_clutter_is_dropped(clutter: str) -> None:
    text = "We keep your data safe. " * 5
    assert md(f"<p>{text}</p>{clutter}") == text.strip()


def test_a_large_hidden_block_is_a_collapsed_section_and_is_kept() -> None:
    section = "We share your data with our payment provider only. " * 10
    assert section.strip() in md(f'<h2>Sharing</h2><div style="display: none">{section}</div>')


def test_normalise_folds_rendering_noise_only() -> None:
    assert normalise("# T  \n\n\n\n-  Right to Object:\n    - nested  item") == (
        "# T\n\n- Right to Object:\n    - nested item")


def test_a_policy_section_named_like_a_banner_is_kept() -> None:
    html = ('<div id="gdpr" class="consent"><h2>Your rights under the GDPR</h2><p>You may withdraw your consent.</p>'
            '</div><div class="cookie-banner">We use cookies. <button>OK</button></div>')
    assert md(f"<p>{'We keep your data safe. ' * 5}</p>{html}").endswith(
        "## Your rights under the GDPR\n\nYou may withdraw your consent.")
