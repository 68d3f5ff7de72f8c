"""The ``policy-history`` command: one click group, one command per step of the flow."""
from __future__ import annotations

import json
import logging
import re
import sys
import tempfile
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import click

from crawler.archive import WAYBACK, Archive
from db.store import Document, Store
from tracker import declarations
from tracker.errors import PolicyHistoryError
from tracker.history import update

log = logging.getLogger("policy_history")

db_option = click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False),
    default="policies.db",
    show_default=True,
    envvar="POLICY_HISTORY_DB",
    help="SQLite file holding the history (created if missing)",
)


class Group(click.Group):
    """Turns our own errors into one line on stderr and exit code 1: no tracebacks."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except PolicyHistoryError as err:
            raise click.ClickException(str(err)) from err


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="policy-history")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug)")
@click.option("-q", "--quiet", is_flag=True, help="Only warnings and errors on stderr")
def cli(verbose: int, quiet: bool) -> None:
    """Follow how privacy policies change over time, from Wayback Machine captures

    \b
        policy-history demo                      # try it on bundled captures
        policy-history crawl                     # the default policies, from web.archive.org
        policy-history log soompi-privacy        # its revisions
    """
    level = logging.WARNING if quiet else logging.DEBUG if verbose > 1 else logging.INFO
    logging.basicConfig(level=level, format="%(message)s", stream=sys.stderr, force=True)
    if verbose < 2:
        # Scrapy resets its loggers to DEBUG when a crawl starts: filter at the handler.
        for handler in logging.getLogger().handlers:
            handler.addFilter(_quiet_libraries)


_LIBRARIES = ("scrapy", "twisted", "trafilatura", "htmldate", "charset_normalizer", "py.warnings")


def _quiet_libraries(record: logging.LogRecord) -> bool:
    """Let libraries' records through only from ERROR up (ours from the chosen level)."""
    return record.levelno >= logging.ERROR or not record.name.startswith(_LIBRARIES)


@cli.command()
@click.argument("slug")
@click.argument("urls", nargs=-1, required=True)
@click.option("--name", help="Human-readable name, e.g. 'Soompi Privacy Policy'")
@db_option
def add(slug: str, urls: tuple[str, ...], name: str | None, db_path: str) -> None:
    """Track a policy at one or more URLs (every URL it has lived at)

    \b
        policy-history add soompi-privacy https://www.soompi.com/privacy
    """
    declarations.validate_slug(slug)
    checked = [declarations.validate_url(url, slug=slug) for url in urls]
    store = Store(db_path)
    document = store.add_document(slug, checked, name=name)
    click.echo(f"{document.slug}: tracking {len(document.urls)} URL(s) in {db_path}")


@cli.command()
@db_option
@click.option("--archive", default=WAYBACK, show_default=True, help="Wayback-compatible base URL (web.archive.org, a pywb)")
@click.option("--declarations", "declarations_path", type=click.Path(dir_okay=False),
              help="YAML file of policies to track (see tracker/policies.yaml); "
              "default: the bundled five when the database tracks none yet")
@click.option("--policy", "slugs", multiple=True, help="Crawl only this policy (repeatable)")
@click.option("--cdx-per-minute", type=float, help="CDX request budget (default: 24 for web.archive.org, unlimited on localhost)")
@click.option("--replays-per-minute", type=float, help="Replay budget (default: 480 for web.archive.org, unlimited on localhost)")
def crawl(db_path: str, archive: str, declarations_path: str | None, slugs: tuple[str, ...],
          cdx_per_minute: float | None, replays_per_minute: float | None) -> None:
    """Fetch new captures of tracked policies and update their history

    \b
        policy-history crawl
        policy-history crawl --archive http://127.0.0.1:8080 --policy soompi-privacy
    """
    target = Archive.parse(archive, cdx_per_minute=cdx_per_minute, replays_per_minute=replays_per_minute)
    store = Store(db_path)
    documents = _documents(store, declarations_path, slugs)
    _crawl(store, target, documents)
    _summary(store, documents)


@cli.command("log")
@click.argument("slug")
@db_option
@click.option("--json", "as_json", is_flag=True, help="One JSON object per revision")
def log_(slug: str, db_path: str, as_json: bool) -> None:
    """List a policy's revisions: first seen, last seen, captures, words, short hash"""
    store = Store(db_path)
    document = store.document(slug)
    revisions = store.revisions(document.id)
    if as_json:
        for revision in revisions:
            click.echo(json.dumps(revision))
        return
    if not revisions:
        click.echo(f"{slug}: no revision yet; run `policy-history crawl --policy {slug}`", err=True)
        return
    click.echo(f"{'rev':>3}  {'first seen':<20}  {'last seen':<20}  {'captures':>8}  {'words':>6}  hash")
    for r in revisions:
        click.echo(f"{r['seq']:>3}  {r['first_seen']:<20}  {r['last_seen']:<20}  "
                   f"{r['captures']:>8}  {r['words']:>6}  {r['text_sha256'][:10]}")


@cli.command()
@click.argument("slug")
@db_option
@click.option("--at", "at", help="Date or time (UTC), e.g. 2019-01-01: the text in force then")
@click.option("--revision", type=int, help="Revision number (see `log`)")
def show(slug: str, db_path: str, at: str | None, revision: int | None) -> None:
    """Print a policy's text as Markdown: the latest, or in force at a date

    \b
        policy-history show soompi-privacy --at 2019-01-01
    """
    when = _parse_when(at) if at is not None else None
    store = Store(db_path)
    revisions = store.revisions(store.document(slug).id)
    if not revisions:
        raise click.ClickException(f"{slug}: no revision yet; run `policy-history crawl --policy {slug}`")
    chosen = revisions[-1]
    if revision is not None:
        matches = [r for r in revisions if r["seq"] == revision]
        if not matches:
            raise click.ClickException(f"{slug}: no revision {revision}; it has 1 to {len(revisions)}")
        chosen = matches[0]
    elif when is not None:
        earlier = [r for r in revisions if r["first_seen"] <= when]
        if not earlier:
            raise click.ClickException(
                f"{slug}: nothing known at {at}; its first revision was seen {revisions[0]['first_seen']}")
        chosen = earlier[-1]
    click.echo(f"<!-- {slug} revision {chosen['seq']}: seen {chosen['first_seen']} to {chosen['last_seen']} -->", err=True)
    click.echo(store.version_text(chosen["version_id"]))


@cli.command()
@db_option
def rebuild(db_path: str) -> None:
    """Re-extract every stored capture and recompute versions and revisions (no network)"""
    store = Store(db_path)
    run_id = store.start_run("rebuild", None)
    store.clear_derived()
    report = update(store)
    store.finish_run(run_id, "ok", {"extracted": report.extracted, "no_text": report.no_text,
                                    "not_the_policy": report.flagged,
                                    "revisions": report.revisions})
    click.echo(f"rebuilt: {report.extracted} captures extracted, {report.no_text} without policy text "
               f"({report.flagged} flagged as not the policy), "
               f"{report.revisions} revisions over {report.documents} policies")


@cli.command("extract")
@click.argument("file", type=click.File("rb"))
@click.option("--url", required=True, help="The page's original address (links are resolved against it)")
@click.option("--content-type", help="Its Content-Type header, e.g. 'text/html; charset=windows-1252'")
@click.option("--select", multiple=True, help="CSS selector of the policy text (repeatable), as in a declaration")
@click.option("--remove", multiple=True, help="CSS selector of what to drop (repeatable), as in a declaration")
@click.option("--json", "as_json", is_flag=True, help="One JSON object: title, language, warnings, words, markdown")
def extract_(file: Any, url: str, content_type: str | None, select: tuple[str, ...],
             remove: tuple[str, ...], as_json: bool) -> None:
    """Print the policy text of one saved page (HTML or PDF; - reads stdin) as Markdown

    \b
        policy-history extract page.html --url https://www.soompi.com/privacy
        policy-history extract page.html --url https://a.test/privacy --select main --json
    """
    from tracker.extract import extract
    from tracker.overrides import Overrides

    overrides = Overrides.from_options({"select": list(select), "remove": list(remove)})
    result = extract(file.read(), url=declarations.validate_url(url, slug="--url"),
                     content_type=content_type, overrides=overrides)
    if as_json:
        click.echo(json.dumps({"title": result.title, "language": result.language, "words": result.words,
                               "warnings": list(result.warnings), "markdown": result.markdown},
                              ensure_ascii=False))
    else:
        click.echo(result.markdown)


@cli.command()
@db_option
@click.option("--every", default="6h", show_default=True, help="Interval between crawls: 90s, 30m, 6h, 1d")
@click.option("--archive", default=WAYBACK, show_default=True, help="Wayback-compatible base URL")
@click.option("--policy", "slugs", multiple=True, help="Crawl only this policy (repeatable)")
def schedule(db_path: str, every: str, archive: str, slugs: tuple[str, ...]) -> None:
    """Crawl now and then at every interval, in the foreground, until stopped

    \b
        policy-history schedule --every 6h
    """
    import scheduler

    Archive.parse(archive)
    crawl_args = ["--archive", archive, *[arg for slug in slugs for arg in ("--policy", slug)]]
    scheduler.run_forever(db_path, every_seconds=_parse_interval(every), crawl_args=crawl_args)


@cli.command()
@db_option
def demo(db_path: str) -> None:
    """Crawl the bundled captures from a local archive into a database, and summarise

    Starts a real Wayback-style archive (pywb, set up in its own virtualenv on first use) on
    127.0.0.1 with captures bundled in the package, and crawls the bundled policies from it
    through the same code path as a crawl of web.archive.org.
    """
    from crawler.demo import demo_captures
    from crawler.localarchive import LocalArchive

    store = Store(db_path)
    documents = [
        store.add_document(d.slug, d.urls, name=d.name, options=d.options)
        for d in declarations.load() + declarations.load(resources.files("crawler.demo") / "policies.yaml")
    ]
    with tempfile.TemporaryDirectory(prefix="policy-history-demo-") as root:
        click.echo("starting a local archive (the first time sets up pywb, about a minute)...", err=True)
        with LocalArchive(Path(root)) as archive:
            archive.add(demo_captures(), "demo")
            click.echo(f"archive ready at {archive.url}; crawling {len(documents)} policies", err=True)
            _crawl(store, Archive.parse(archive.url), documents)
    _summary(store, documents)
    click.echo(f"\nThe history is in {db_path}: try `policy-history log bumble-privacy` "
               f"or `datasette {db_path}`")


def _documents(store: Store, path: str | None, slugs: Sequence[str]) -> list[Document]:
    if path is not None or not store.documents():
        if path is None:
            click.echo("tracking the five bundled policies (see `policy-history crawl --help`)", err=True)
        for d in declarations.load(path):
            store.add_document(d.slug, d.urls, name=d.name, options=d.options)
    if slugs:
        return [store.document(slug) for slug in slugs]
    return store.documents()


def _crawl(store: Store, archive: Archive, documents: Sequence[Document]) -> None:
    from tracker.runs import crawl_and_update

    def progress(done: int, total: int) -> None:
        if done == total or done % 25 == 0:
            log.info("extracted %d/%d captures", done, total)

    crawl_and_update(store, archive, documents, progress=progress)


def _summary(store: Store, documents: Sequence[Document]) -> None:
    width = max([len("policy")] + [len(d.slug) for d in documents])
    click.echo(f"{'policy':<{width}}  {'captures':>8}  {'revisions':>9}  {'first seen':<20}  last seen")
    for document in documents:
        revisions = store.revisions(document.id)
        captures = sum(r["captures"] for r in revisions)
        first = revisions[0]["first_seen"] if revisions else "-"
        last = revisions[-1]["last_seen"] if revisions else "-"
        click.echo(f"{document.slug:<{width}}  {captures:>8}  {len(revisions):>9}  {first:<20}  {last}")


def _parse_interval(text: str) -> float:
    """``90s``, ``30m``, ``6h``, ``1d`` -> seconds."""
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([smhd])", text.strip())
    if not match:
        raise click.BadParameter(f"{text!r} is not an interval like 90s, 30m, 6h or 1d", param_hint="--every")
    return float(match[1]) * {"s": 1, "m": 60, "h": 3600, "d": 86400}[match[2]]


def _parse_when(text: str) -> str:
    """``2019-01-01`` -> end of that day; ``2019-01-01T10:00`` -> that minute; as ISO UTC."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return f"{text}T23:59:59Z"
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?Z?", text):
        text = text.replace(" ", "T").rstrip("Z")
        return text + (":00Z" if len(text) == 16 else "Z")
    raise click.BadParameter(f"{text!r} is not a date like 2019-01-01 or 2019-01-01T10:00", param_hint="--at")
