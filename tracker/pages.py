"""Is a capture the policy at all? Pages that stand where a policy should be, and are not.

An archive keeps whatever the policy's URL answered: a "page not found" served with status
200 (a soft-404), a bot check or captcha, a login wall, a "this page has moved" notice, the
site's home page, or an empty shell that needs JavaScript to show anything. None of them may
become a version of the policy. Each is recognised by what the page says (its title, its
first lines) and by its markup (captcha scripts, a password field, a refresh, a canonical
link to the home page), and only when the text found on it is short: a real policy that
mentions "404" or "log in" is long. Phrases cover English, German, French, Spanish, Italian,
Portuguese, Dutch, Chinese and Japanese.

The kinds (``NotAPolicy.kind``): see :data:`KINDS`. A page in another language than the
policy's usual one is judged over the whole history (``tracker.history``), not here.
"""
from __future__ import annotations

import re
from copy import deepcopy
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from lxml import etree
from lxml.html import HtmlElement

from tracker.errors import NotAPolicy

KINDS = {
    "bot-wall": "a bot check or captcha page",
    "login-wall": "a login page",
    "soft-404": "a 'page not found' page",
    "moved": "a 'page moved' notice",
    "homepage": "the site's home page",
    "js-shell": "an empty page that needs JavaScript",
    "language": "a page in another language than the policy's",
}
SHORT = 1500  # characters of text found: a policy is longer than a notice or an error page
TINY = 200  # characters: less than this is an empty page
HEAD = 500  # characters of the text's start where a notice says what it is


def _phrases(*words: str) -> re.Pattern[str]:
    return re.compile("|".join(rf"(?<!\w){re.escape(w)}(?!\w)" for w in words), re.I)


CHALLENGE = _phrases(
    "just a moment", "attention required", "verify you are human", "verifying you are human",
    "are you a robot", "are you human", "checking your browser", "checking if the site connection is secure",
    "unusual traffic", "access denied", "pardon our interruption", "request unsuccessful",
    "security check", "captcha", "human verification", "ddos protection", "bot detection",
    "one more step", "请输入验证码", "安全验证", "人机验证", "ロボットではありません",
)
LOGIN = _phrases(
    "sign in", "log in", "login", "sign-in", "log-in", "signin", "anmelden", "einloggen", "connexion",
    "se connecter", "iniciar sesión", "accedi", "entrar", "inloggen", "登录", "ログイン",
)
NOT_FOUND = _phrases(
    "404", "page not found", "not found", "page cannot be found", "page could not be found",
    "doesn't exist", "does not exist", "no longer exists", "no longer available",
    "page you requested", "page you are looking for", "page you were looking for",
    "seite nicht gefunden", "nicht gefunden", "page introuvable", "n'existe pas", "n'existe plus",
    "página no encontrada", "pagina non trovata", "página não encontrada", "pagina niet gevonden",
    "页面不存在", "找不到页面", "ページが見つかりません",
)
MOVED = _phrases(
    "has moved", "have moved", "has been moved", "page moved", "we've moved", "we have moved",
    "moved permanently", "you are being redirected", "redirecting", "has been relocated",
    "wurde verschoben", "a été déplacée", "se ha movido", "è stata spostata", "页面已迁移",
)
NEEDS_SCRIPT = _phrases(
    "enable javascript", "javascript is required", "javascript is disabled", "requires javascript",
    "need javascript", "needs javascript", "turn on javascript", "javascript enabled",
    "activate javascript", "javascript aktivieren", "activer javascript", "habilita javascript",
    "启用javascript", "启用 javascript",
)
_CAPTCHA_MARKUP = re.compile(
    r"captcha|challenge-platform|cf-turnstile|cf-chl|cf-browser-verification|px-captcha|"
    r"geetest|sgcaptcha|_incapsula_|distil_r", re.I)
_REFRESH = re.compile(r"^\s*\d*\s*;?\s*(?:url\s*=\s*)?['\"]?(?P<target>[^'\"]*)", re.I)
_MARKUP_ATTRS = ("src", "class", "id", "action", "href", "data-sitekey")


@dataclass(frozen=True)
class PageFacts:
    """What a raw page says about itself, read before it is cleaned.

    ``visible_text`` is the body's text without scripts and styles, whitespace folded;
    ``refresh`` the target of a ``<meta http-equiv=refresh>``; ``canonical`` its canonical
    or ``og:url`` link, as written.
    """

    title: str
    visible_text: str
    noscript: str
    scripts: int
    refresh: str | None
    canonical: str | None
    password_field: bool
    captcha_markup: bool


def facts(root: HtmlElement) -> PageFacts:
    """Read a parsed, uncleaned page's :class:`PageFacts` (``root`` is left unchanged)."""
    body = root.find("body")
    visible = ""
    if body is not None:
        copy = deepcopy(body)
        etree.strip_elements(copy, "script", "style", "noscript", "template", etree.Comment, with_tail=False)
        visible = " ".join(copy.text_content().split())
    refresh = next((m.get("content") for m in root.iter("meta")
                    if (m.get("http-equiv") or "").lower() == "refresh"), None)
    canonical = next((link.get("href") for link in root.iter("link")
                      if "canonical" in (link.get("rel") or "").lower().split()), None)
    canonical = canonical or next((m.get("content") for m in root.iter("meta")
                                   if m.get("property") == "og:url"), None)
    match = _REFRESH.match(refresh) if refresh else None
    return PageFacts(
        title=" ".join((root.findtext(".//title") or "").split()),
        visible_text=visible,
        noscript=" ".join(" ".join(n.text_content().split()) for n in root.iter("noscript")),
        scripts=sum(1 for _ in root.iter("script")),
        refresh=match["target"].strip() or None if match else None,
        canonical=canonical.strip() if canonical else None,
        password_field=any((i.get("type") or "").lower() == "password" for i in root.iter("input")),
        captcha_markup=any(_CAPTCHA_MARKUP.search(element.get(attr) or "")
                           for element in root.iter() if isinstance(element.tag, str)
                           for attr in _MARKUP_ATTRS) or bool(match and _CAPTCHA_MARKUP.search(match["target"])),
    )


def check(page: PageFacts, markdown: str, *, url: str) -> None:
    """Raise ``NotAPolicy`` if the page is not the policy; ``markdown`` is the text found on it
    (empty when none was). Returns quietly for a page that may be the policy."""
    kind = classify(page, markdown, url=url)
    if kind is not None:
        raise NotAPolicy(url, kind, KINDS[kind])


def classify(page: PageFacts, markdown: str, *, url: str) -> str | None:
    """The kind of non-policy page this is (a key of :data:`KINDS`), or ``None``."""
    size = len(markdown)
    if size >= SHORT:
        return None
    head = f"{page.title}\n{markdown[:HEAD] or page.visible_text[:HEAD]}"
    headline = f"{page.title}\n{markdown.split(chr(10), 1)[0] if markdown else page.visible_text[:100]}"
    if page.captcha_markup or CHALLENGE.search(head):
        return "bot-wall"
    if page.password_field and LOGIN.search(head):
        return "login-wall"
    if NOT_FOUND.search(headline) or (size < SHORT // 3 and NOT_FOUND.search(head)):
        return "soft-404"
    if MOVED.search(head) or (page.refresh and _elsewhere(page.refresh, url) and size < TINY):
        return "moved"
    if page.canonical and _is_home(urljoin(url, page.canonical)) and not _is_home(url):
        return "homepage"
    if size < TINY and (NEEDS_SCRIPT.search(page.noscript + " " + page.visible_text[:HEAD])
                        or (page.scripts and len(page.visible_text) < TINY)):
        return "js-shell"
    return None


def _elsewhere(target: str, url: str) -> bool:
    return urljoin(url, target).split("#")[0].rstrip("/") != url.split("#")[0].rstrip("/")


def _is_home(url: str) -> bool:
    """``https://a.test/``, ``https://a.test/en/`` or ``https://a.test/index.html``."""
    path = urlsplit(url).path.strip("/")
    return path == "" or bool(re.fullmatch(r"[a-z]{2}(?:[-_][a-zA-Z]{2})?|index\.\w+|home", path))
