"""Small realistic pages for the hard cases the shared corpora do not hold.

A shop's privacy policy in a page with the usual chrome (menu, cookie banner, footer), and the
pages that stand at a policy's URL without being it: a soft-404, a Cloudflare challenge, a
login wall, a JavaScript shell, a "moved" notice, the home page. Also the policy as a PDF, in
German, in cp1252 and as mojibake (UTF-8 read as cp1252 and saved again as UTF-8).
"""
from __future__ import annotations

URL = "https://shop.example/privacy"

POLICY = [
    ("h1", "Privacy Policy"),
    ("p", "Last updated: 1 March 2020"),
    ("p", "Café Example Ltd (“we”, “us”) runs the Example shop. This policy explains which "
          "personal data we collect when you visit our website or buy from us, why we collect it, "
          "how long we keep it and which rights you have."),
    ("h2", "1. Data we collect"),
    ("p", "When you create an account or place an order we collect your name, your postal address, "
          "your email address and the details of your payment. Orders above €500 also need a "
          "telephone number, so that the courier can reach you."),
    ("h2", "2. Why we use it"),
    ("p", "We use your data to deliver your orders, to answer your questions and, if you agree, to "
          "send you our newsletter. We never sell your personal data to anyone."),
    ("h2", "3. How long we keep it"),
    ("p", "We keep order data for six years because tax law requires it. Account data is deleted "
          "two years after your last visit, unless you ask us to delete it earlier."),
    ("h2", "4. Your rights"),
    ("p", "You may ask for a copy of your data, its correction or its deletion, and you may object "
          "to its use for marketing at any time. Write to privacy@shop.example and we will answer "
          "within one month."),
]
POLICY_V2_CHANGE = ("We keep order data for six years", "We keep order data for ten years")

GERMAN = [
    ("h1", "Datenschutzerklärung"),
    ("p", "Die Café Example Ltd betreibt den Example-Shop. Diese Erklärung beschreibt, welche "
          "personenbezogenen Daten wir erheben, wenn Sie unsere Website besuchen oder bei uns "
          "einkaufen, warum wir sie erheben, wie lange wir sie speichern und welche Rechte Sie haben."),
    ("h2", "1. Welche Daten wir erheben"),
    ("p", "Wenn Sie ein Konto anlegen oder bestellen, erheben wir Ihren Namen, Ihre Anschrift, Ihre "
          "E-Mail-Adresse und die Angaben zu Ihrer Zahlung. Wir verkaufen Ihre Daten niemals."),
]


def page(blocks: list[tuple[str, str]] = POLICY, *, charset: str = "utf-8", lang: str = "en") -> str:
    """A full shop page around ``blocks``: menu, cookie banner, sidebar, footer."""
    body = "\n".join(f"<{tag}>{text}</{tag}>" for tag, text in blocks)
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="{charset}"><title>Privacy | Example Shop</title></head>
<body>
<div id="cookie-banner" class="cookie-consent">We use cookies. <a href="/cookies">Learn more</a>
  <button>Accept all</button></div>
<header><a href="/"><img src="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=" alt="Example"></a>
  <nav><ul><li><a href="/">Home</a></li><li><a href="/shop">Shop</a></li>
  <li><a href="/cart">Cart (0)</a></li><li><a href="/login">Sign in</a></li></ul></nav></header>
<main><article>
{body}
<p><a href="/terms">Terms of sale</a> · <a href="#top">Back to top</a></p>
</article></main>
<aside class="share-buttons"><a href="https://twitter.example/share">Share on X</a></aside>
<footer><ul><li><a href="/about">About us</a></li><li><a href="/contact">Contact</a></li></ul>
<p>© 2020 Café Example Ltd. All rights reserved.</p></footer>
</body></html>"""


def changed(blocks: list[tuple[str, str]] = POLICY) -> list[tuple[str, str]]:
    """The policy's second version: one clause changed."""
    old, new = POLICY_V2_CHANGE
    return [(tag, text.replace(old, new)) for tag, text in blocks]


def mojibake(html: str) -> bytes:
    """UTF-8 text that was once decoded as cp1252 and saved again as UTF-8 (``Ã©`` for ``é``).

    Bytes cp1252 leaves undefined become C1 control characters, as browsers decode them.
    """
    misread = "".join(chr(b) if b in (0x81, 0x8D, 0x8F, 0x90, 0x9D) else bytes([b]).decode("cp1252")
                      for b in html.encode("utf-8"))
    return misread.encode("utf-8")


SOFT_404 = """<!DOCTYPE html><html><head><title>Page not found | Example Shop</title></head><body>
<header><nav><a href="/">Home</a> <a href="/shop">Shop</a> <a href="/cart">Cart (0)</a></nav></header>
<main><h1>Oops! We can't find that page.</h1>
<p>The page you are looking for doesn't exist or has been moved. Try the search, or go back to
our <a href="/">home page</a> to find our latest offers.</p></main>
<footer><p>© 2020 Café Example Ltd</p></footer></body></html>"""

CAPTCHA = """<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title>
<meta http-equiv="refresh" content="390"></head><body>
<div class="main-wrapper" role="main"><div class="main-content">
<h1 class="zone-name-title h1">shop.example</h1>
<h2 class="h2" id="challenge-running">Checking if the site connection is secure</h2>
<div id="challenge-stage"></div>
<div class="core-msg spacer">shop.example needs to review the security of your connection before proceeding.</div>
</div></div>
<script src="/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1?ray=7d1c2b"></script>
<div class="footer" role="contentinfo">Ray ID: 7d1c2b3a4e5f6789 · Performance &amp; security by Cloudflare</div>
</body></html>"""

JS_SHELL = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Example Shop</title><link rel="stylesheet" href="/static/css/main.4c1f.css"></head>
<body><noscript>You need to enable JavaScript to run this app.</noscript><div id="root"></div>
<script src="/static/js/main.8a2b.js"></script></body></html>"""

LOGIN_WALL = """<!DOCTYPE html><html><head><title>Sign in | Example Shop</title></head><body>
<main><h1>Sign in to continue</h1><form action="/session" method="post">
<label>Email <input type="email" name="email"></label>
<label>Password <input type="password" name="password"></label>
<button type="submit">Log in</button></form>
<p>New here? <a href="/register">Create an account</a></p></main></body></html>"""

MOVED = """<!DOCTYPE html><html><head><title>Example Shop</title>
<meta http-equiv="refresh" content="5; url=https://shop.example/legal/privacy"></head><body>
<p>This page has moved. You are being redirected to
<a href="https://shop.example/legal/privacy">our new privacy page</a>.</p></body></html>"""

HOMEPAGE = """<!DOCTYPE html><html><head><title>Example Shop - Coffee, tea and more</title>
<link rel="canonical" href="https://shop.example/"></head><body>
<header><nav><a href="/shop">Shop</a> <a href="/cart">Cart (0)</a></nav></header>
<main><h1>Fresh coffee, delivered.</h1><p>Discover our new spring blends, roasted in small
batches every week and delivered to your door within two days.</p>
<p><a href="/shop">Shop now</a></p></main></body></html>"""


def pdf(lines: list[str]) -> bytes:
    """A one-page PDF (Helvetica) showing ``lines``, with a real text layer and xref table."""
    escaped = [line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") for line in lines]
    content = "BT /F1 11 Tf 72 760 Td 14 TL " + " ".join(f"({line}) '" for line in escaped) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        " /Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(content.encode('latin-1'))} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def pdf_lines() -> list[str]:
    """The policy laid out as a PDF would be: short lines, a hyphenated word, headings."""
    return [
        "Privacy Policy",
        "We collect your name, your postal address and your email",
        "address when you place an order, and we use them only to deli-",
        "ver your order and to answer your questions.",
        "Your rights",
        "You may ask for a copy of your data, its correction or its",
        "deletion at any time by writing to privacy@shop.example.",
    ]
