"""The ``policy-history`` command: one click group, one command per step of the flow."""
from __future__ import annotations

import json
import logging
import re
import sqlite3
import sys
import tempfile
from collections.abc import Sequence
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import click

from crawler.archive import WAYBACK, Archive
from db.store import Document, Store, iso_utc
from tracker import declarations, report
from tracker import export as export_format
from tracker.errors import PolicyHistoryError, UnknownPolicy
from tracker.history import compare, update
from tracker.revisions import Revision, iso

if TYPE_CHECKING:
    from tracker.runs import RunOptions

log = logging.getLogger("policy_history")
DEMO_PORT = 8798  # where `demo` serves its bundled captures, unless the port is taken

db_option = click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False),
    default="policies.db",
    show_default=True,
    envvar="POLICY_HISTORY_DB",
    help="SQLite file holding the history (crawl, add and demo create it)",
)


class Group(click.Group):
    """Turns our own errors into one line on stderr and exit code 1: no tracebacks."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except PolicyHistoryError as err:
            error = click.ClickException(str(err))
            error.exit_code = getattr(err, "exit_code", 1)
            raise error from err
        except sqlite3.OperationalError as err:  # e.g. locked by another process for too long
            raise click.ClickException(
                f"the database is busy or unusable ({err}); is another crawl writing to it? "
                "Try again when it has finished"
            ) from err


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


_LIBRARIES = ("scrapy", "twisted", "trafilatura", "htmldate", "charset_normalizer", "py.warnings",
              "apscheduler", "waybackpy")


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
    try:
        known: Document | None = store.document(slug)
    except UnknownPolicy:
        known = None
    document = store.add_document(slug, checked, name=name)
    new = len(document.urls) - (len(known.urls) if known else 0)
    what = "new policy" if known is None else f"{new} URL(s) added" if new else "already tracked"
    click.echo(f"{document.slug}: {what}, tracking {len(document.urls)} URL(s) in {db_path}")


@cli.command()
@db_option
@click.option("--archive", default=WAYBACK, show_default=True, help="Wayback-compatible base URL (web.archive.org, a pywb)")
@click.option("--declarations", "declarations_path", type=click.Path(dir_okay=False),
              help="YAML file of policies to track (format: `policies: {slug: {name, urls}}`, "
              "see the README); default: the five bundled ones when the database tracks none yet")
@click.option("--policy", "slugs", multiple=True, help="Crawl only this policy (repeatable)")
@click.option("--cdx-per-minute", type=click.FloatRange(min=0),
              help="CDX request budget, 0 for no limit (default: 24 for web.archive.org, none on localhost)")
@click.option("--replays-per-minute", type=click.FloatRange(min=0),
              help="Replay budget, 0 for no limit (default: 480 for web.archive.org, none on localhost)")
@click.option("--retry-wait", type=click.FloatRange(min=0),
              help="Seconds to wait before retrying what the archive refused (429, 5xx, refused "
              "connection), doubled at each of 5 retries (default: 10; 1 on localhost)")
def crawl(db_path: str, archive: str, declarations_path: str | None, slugs: tuple[str, ...],
          cdx_per_minute: float | None, replays_per_minute: float | None, retry_wait: float | None) -> None:
    """Fetch new captures of tracked policies and update their history

    \b
        policy-history crawl
        policy-history crawl --archive http://127.0.0.1:8080 --policy soompi-privacy
    """
    target = Archive.parse(archive, cdx_per_minute=cdx_per_minute, replays_per_minute=replays_per_minute,
                           retry_wait=retry_wait)
    store = Store(db_path)
    documents = _documents(store, declarations_path, slugs)
    _crawl(store, target, documents)
    _summary(store, documents)


@cli.command("list")
@db_option
def list_(db_path: str) -> None:
    """List tracked policies: URLs, captures, revisions, last seen"""
    store = Store(db_path, readonly=True)
    documents = store.documents()
    if not documents:
        click.echo(f"{db_path} tracks no policy yet; `policy-history add SLUG URL` or `crawl`", err=True)
        return
    _summary(store, documents)
    for document in documents:
        click.echo(f"\n{document.slug}" + (f" ({document.name})" if document.name else ""))
        for url in document.urls:
            click.echo(f"  {url}")


@cli.command("log")
@click.argument("slug")
@db_option
@click.option("--json", "as_json", is_flag=True, help="One JSON object per revision")
def log_(slug: str, db_path: str, as_json: bool) -> None:
    """List a policy's revisions: when seen, size, hash, what changed, stated date

    \b
    changes: +added −removed ~modified ↔moved clauses against the revision before;
    SILENT: the text changed but the policy's stated date did not.
    """
    store = Store(db_path, readonly=True)
    document = store.document(slug)
    revisions = store.revisions(document.id)
    if as_json:
        for revision in revisions:
            click.echo(json.dumps(report.revision_json(revision)))
        return
    if not revisions:
        click.echo(f"{slug}: no revision yet; run `policy-history crawl --policy {slug}`", err=True)
        return
    click.echo(f"{'rev':>3}  {'first seen':<20}  {'last seen':<20}  {'caps':>4}  {'words':>6}  "
               f"{'hash':<10}  {'stated':<10}  {'changes':<16}  topics")
    for r in revisions:
        changes = report.summary(r) if r["seq"] > 1 else "first seen"
        flags = " SILENT" if r["silent_change"] else " date only" if r["date_only_change"] else ""
        click.echo(f"{r['seq']:>3}  {r['first_seen']:<20}  {r['last_seen']:<20}  {r['captures']:>4}  "
                   f"{r['words']:>6}  {r['text_sha256'][:10]}  {r['stated_date'] or '-':<10}  "
                   f"{changes:<16}  {', '.join(json.loads(r['topics'] or '[]'))}{flags}")


@cli.command()
@click.argument("slug")
@click.argument("before", required=False)
@click.argument("after", required=False)
@db_option
@click.option("--format", "output", type=click.Choice(["text", "json", "markdown"]), default="text",
              show_default=True)
@click.option("--all", "show_all", is_flag=True, help="Include cosmetic changes (case, quotes, spacing, years)")
def diff(slug: str, before: str | None, after: str | None, db_path: str, output: str, show_all: bool) -> None:
    """Which clauses changed between two revisions, and how

    BEFORE and AFTER are revision numbers (see `log`) or dates (the revision in force then).
    With neither: the latest change. With BEFORE only: from it to the latest revision.

    \b
        policy-history diff soompi-privacy
        policy-history diff soompi-privacy 1 3 --format markdown
        policy-history diff soompi-privacy 2018-01-01 2019-01-01
    """
    store = Store(db_path, readonly=True)
    document = store.document(slug)
    rows = store.revisions(document.id)
    if len(rows) < 2:
        raise click.ClickException(f"{slug}: {len(rows)} revision(s); a change needs two")
    old = _pick(slug, rows, before) if before else rows[-2]
    new = _pick(slug, rows, after) if after else rows[-1]
    if old["seq"] == new["seq"]:
        raise click.ClickException(f"{slug}: {before} and {after or 'the latest'} are both revision {old['seq']}")
    first, second = sorted([Revision.from_row(old), Revision.from_row(new)], key=lambda r: r.seq)
    summarised, changes = compare(store, document.id, first, second)
    hidden = [c for c in changes if c.cosmetic and not show_all]
    shown = [c for c in changes if c not in hidden]
    if output == "json":
        click.echo(json.dumps({"policy": slug, "from": report.revision_json(first.as_row()),
                               "to": report.revision_json(summarised.as_row()),
                               "changes": report.as_json(shown)}, indent=2))
        return
    lines = report.header(slug, first, summarised)
    lines += report.as_markdown(shown) if output == "markdown" else report.as_text(shown)
    if hidden:
        lines.append(f"({len(hidden)} cosmetic change(s) hidden; --all shows them)")
    click.echo("\n".join(lines))


def _pick(slug: str, rows: list[dict[str, Any]], which: str) -> dict[str, Any]:
    """A revision by number, or the one in force at a date."""
    if which.isdigit():
        matches = [r for r in rows if r["seq"] == int(which)]
        if not matches:
            raise click.ClickException(f"{slug}: no revision {which}; it has 1 to {len(rows)}")
        return matches[0]
    return _in_force(slug, rows, _parse_when(which), which)


def _in_force(slug: str, rows: list[dict[str, Any]], when: str, asked: str) -> dict[str, Any]:
    earlier = [r for r in rows if r["first_seen"] <= when]
    if not earlier:
        raise click.ClickException(f"{slug}: nothing known at {asked}; its first revision was seen {rows[0]['first_seen']}")
    return earlier[-1]


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
    if at is not None and revision is not None:
        raise click.UsageError("give --at or --revision, not both")
    when = _parse_when(at) if at is not None else None
    store = Store(db_path, readonly=True)
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
        chosen = _in_force(slug, revisions, when, str(at))
    click.echo(f"<!-- {slug} revision {chosen['seq']}: seen {chosen['first_seen']} to {chosen['last_seen']} -->", err=True)
    click.echo(store.version_text(chosen["version_id"]))


@cli.command()
@click.argument("slugs", nargs=-1)
@db_option
@click.option("--out", type=click.Path(file_okay=False),
              help="Write one text file per revision under OUT/SLUG/ (default: JSON lines on stdout)")
def export(slugs: tuple[str, ...], db_path: str, out: str | None) -> None:
    """Export revisions: text files in the seeds' format, or JSON lines

    With no SLUG, every tracked policy.

    \b
        policy-history export soompi-privacy --out history/
        policy-history export > history.jsonl
    """
    store = Store(db_path, readonly=True)
    documents = [store.document(slug) for slug in slugs] or store.documents()
    written = 0
    for document in documents:
        for revision in store.exported_revisions(document.id):
            if out is None:
                click.echo(json.dumps({"policy": document.slug, **vars(revision)}))
                continue
            folder = Path(out) / document.slug
            folder.mkdir(parents=True, exist_ok=True)
            (folder / export_format.file_name(revision)).write_text(export_format.as_text(revision), "utf-8")
            written += 1
    if out is not None:
        click.echo(f"wrote {written} revision file(s) of {len(documents)} policies under {out}", err=True)


@cli.command()
@db_option
def rebuild(db_path: str) -> None:
    """Re-extract every stored capture and recompute versions and revisions (no network)"""
    store = Store(db_path, create=False)
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
@click.option("--json", "as_json", is_flag=True,
              help="One JSON object: title, stated date, language, warnings, words, markdown")
def extract_(file: Any, url: str, content_type: str | None, select: tuple[str, ...],
             remove: tuple[str, ...], as_json: bool) -> None:
    """Print the policy text of one saved page (HTML or PDF; - reads stdin) as Markdown

    \b
        policy-history extract page.html --url https://www.soompi.com/privacy
        policy-history extract page.html --url https://a.test/privacy --select main --json
    """
    from tracker.dates import stated_date
    from tracker.extract import extract
    from tracker.overrides import Overrides

    overrides = Overrides.from_options({"select": list(select), "remove": list(remove)})
    result = extract(file.read(), url=declarations.validate_url(url, slug="--url"),
                     content_type=content_type, overrides=overrides)
    if as_json:
        stated = stated_date(result.markdown)
        click.echo(json.dumps({"title": result.title, "stated_date": stated.isoformat() if stated else None,
                               "language": result.language, "words": result.words,
                               "warnings": list(result.warnings), "markdown": result.markdown},
                              ensure_ascii=False))
    else:
        click.echo(result.markdown)


@cli.command()
@db_option
@click.option("--every", help="Run at this interval: 90s, 30m, 6h, 1d "
              "[default: the declarations' schedule, else the stored one, else 6h]")
@click.option("--cron", help='Run at the times of a crontab expression, in UTC, e.g. "0 3 * * *" '
              "(days of the week by name: mon-fri)")
@click.option("--jitter", help="Delay each run by a random 0 to this long, e.g. 10m "
              "[default: a tenth of the interval, at most 10m; none for --cron]")
@click.option("--once", is_flag=True, help="Make one run now and exit (for cron; the service makes each run so)")
@click.option("--archive", default=WAYBACK, show_default=True, help="Wayback-compatible base URL")
@click.option("--declarations", "declarations_path", type=click.Path(dir_okay=False),
              help="YAML file of policies to track, and optionally their 'schedule:'")
@click.option("--policy", "slugs", multiple=True, help="Run only this policy (repeatable)")
@click.option("--live", is_flag=True, help="Also fetch each policy's live page; when its text differs from the "
              "latest revision, record it (archive 'live') and ask the archive to save the page")
@click.option("--feeds", type=click.Path(file_okay=False), help="Directory to keep Atom feeds of new revisions in "
              "(all.atom, SLUG.atom)")
@click.option("--webhook", help="URL to POST each new revision to, as JSON (retried on the next run when it fails)")
@click.option("--cdx-per-minute", type=float, help="CDX request budget (see `crawl --help`)")
@click.option("--replays-per-minute", type=float, help="Replay budget (see `crawl --help`)")
@click.pass_context
def schedule(ctx: click.Context, db_path: str, every: str | None, cron: str | None, jitter: str | None,
             once: bool, archive: str, declarations_path: str | None, slugs: tuple[str, ...], live: bool,
             feeds: str | None, webhook: str | None, cdx_per_minute: float | None,
             replays_per_minute: float | None) -> None:
    """Keep the history current: run in the foreground, crawling on a schedule, until stopped

    Each run lists only the captures after those already stored, fetches the new ones,
    extracts and revises, announces new revisions (--feeds, --webhook) and is recorded
    (`policy-history runs`). The schedule persists in the database: a restart keeps it.
    SIGINT/SIGTERM end the run in progress at a safe point, then the service.

    \b
        policy-history schedule --every 6h --feeds feeds/
        policy-history schedule --cron "0 3 * * *" --live --webhook https://example.org/hook
        policy-history -q schedule --once          # from cron
    """
    target = Archive.parse(archive, cdx_per_minute=cdx_per_minute, replays_per_minute=replays_per_minute)
    timing = declarations.timing(every=every, cron=cron, jitter=jitter, names=("--every", "--cron", "--jitter"))
    if once and timing is not None:
        raise click.UsageError("--once makes one run now: drop --every, --cron and --jitter")
    if timing is None and declarations_path is not None:
        timing = declarations.load_timing(declarations_path)
    if webhook is not None and (urlsplit(webhook).scheme not in ("http", "https") or not urlsplit(webhook).hostname):
        raise click.BadParameter(f"{webhook!r} is not an http(s) URL to POST to", param_hint="--webhook")
    store = Store(db_path)
    documents = _documents(store, declarations_path, slugs)
    if once:
        from tracker.runs import RunOptions

        options = RunOptions(incremental=True, live=live, feeds=feeds, webhook=webhook)
        _crawl(store, target, documents, kind="scheduled", options=options)
        return
    store.close()
    import scheduler

    root = ctx.find_root().params
    argv = ["-q"] if root["quiet"] else ["-v"] * root["verbose"]
    argv += ["schedule", "--once", "--db", db_path, "--archive", archive]
    argv += [arg for slug in slugs for arg in ("--policy", slug)]
    for flag, value in (("--feeds", feeds), ("--webhook", webhook), ("--cdx-per-minute", cdx_per_minute),
                        ("--replays-per-minute", replays_per_minute)):
        if value is not None:
            argv += [flag, str(value)]
    if live:
        argv.append("--live")
    scheduler.serve(db_path, timing=timing, argv=argv, policies=slugs or None)


@cli.command()
@db_option
@click.option("--limit", default=20, show_default=True, help="How many of the latest runs")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per run")
def runs(db_path: str, limit: int, as_json: bool) -> None:
    """List the latest runs: when, how they ended, what they found

    \b
        policy-history runs --limit 5
    """
    store = Store(db_path, create=False)
    store.reconcile_runs()
    rows = store.runs(limit)
    if as_json:
        for row in rows:
            click.echo(json.dumps(row))
        return
    if not rows:
        click.echo("no run yet; start one with `policy-history crawl` or `policy-history schedule`", err=True)
        return
    click.echo(f"{'run':>4}  {'kind':<9}  {'status':<11}  {'started':<20}  {'finished':<20}  "
               f"{'listed':>6}  {'fetched':>7}  {'skipped':>7}  {'new':>4}  {'errors':>6}")
    for r in rows:
        c = r["counts"]
        click.echo(f"{r['id']:>4}  {r['kind']:<9}  {r['status']:<11}  {r['started_at']:<20}  "
                   f"{r['finished_at'] or '-':<20}  {c.get('listed', 0):>6}  {c.get('fetched', 0):>7}  "
                   f"{c.get('already_stored', 0):>7}  {c.get('new_revisions', 0):>4}  {c.get('errors', 0):>6}")
        if r["error"]:
            click.echo(f"      {r['error']}")


@cli.command()
@db_option
@click.option("--json", "as_json", is_flag=True, help="One JSON object per policy")
def status(db_path: str, as_json: bool) -> None:
    """Show each policy's last capture, last revision, last run and next scheduled run"""
    import scheduler

    store = Store(db_path, create=False)
    store.reconcile_runs()
    plans = scheduler.planned(db_path)
    rows = []
    for row in store.policy_status():
        nexts = [p.next_run for p in plans if p.next_run and (p.policies is None or row["slug"] in p.policies)]
        rows.append({**row, "capture": iso(row["capture"]) if row["capture"] else None,
                     "next_run": iso_utc(min(nexts)) if nexts else None})
    if as_json:
        for row in rows:
            click.echo(json.dumps(row))
        return
    width = max([len("policy")] + [len(r["slug"]) for r in rows])
    click.echo(f"{'policy':<{width}}  {'last capture':<20}  {'last revision':<26}  "
               f"{'last run':<30}  next run")
    for r in rows:
        revision = f"{r['revision']} ({r['revision_first_seen']})" if r["revision"] else "-"
        last_run = f"#{r['run_id']} {r['run_started']} {r['run_status']}" if r["run_id"] else "-"
        click.echo(f"{r['slug']:<{width}}  {r['capture'] or '-':<20}  {revision:<26}  {last_run:<30}  "
                   f"{r['next_run'] or '-'}")
    holder = scheduler.service_holder(db_path)
    click.echo(f"scheduler: {'running, ' + holder if holder else 'not running'}"
               f"{'; ' + ', '.join(p.timing for p in plans) if plans else ''}", err=True)


@cli.command()
@click.argument("db_file", required=False, type=click.Path(dir_okay=False))
@db_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to listen on (0.0.0.0 shares the history with your network)")
@click.option("-p", "--port", default=8001, show_default=True, type=click.IntRange(1, 65535),
              help="Port (8001: datasette's default)")
def serve(db_file: str | None, db_path: str, host: str, port: int) -> None:
    """Browse the history in datasette, read-only: policy pages, changes, search, feeds

    DB_FILE is the database (the same as --db). Then open http://127.0.0.1:8001/ and pick a
    policy; /-/changes.atom is a feed of recent changes.

    \b
        policy-history serve policies.db
    """
    from tracker.serve import serve as run_server

    run_server(Path(db_file or db_path), host=host, port=port)


@cli.command()
@db_option
def demo(db_path: str) -> None:
    """Crawl the bundled captures from a local archive into a database, and summarise

    Starts a real Wayback-style archive (pywb, set up in its own virtualenv on first use) on
    127.0.0.1 with captures bundled in the package, and crawls the bundled policies from it
    through the same code path as a crawl of web.archive.org.
    """
    from crawler.demo import demo_captures
    from crawler.localarchive import LocalArchive, port_is_free

    store = Store(db_path)
    documents = _track(store, declarations.load()
                       + declarations.load(resources.files("crawler.demo") / "policies.yaml"))
    with tempfile.TemporaryDirectory(prefix="policy-history-demo-") as root:
        click.echo("starting a local archive (the first time sets up pywb: 10 to 30 s)...", err=True)
        # A stable address, when free: the captures a second demo lists are those it stored.
        with LocalArchive(Path(root), port=DEMO_PORT if port_is_free(DEMO_PORT) else None) as archive:
            archive.add(demo_captures(), "demo")
            click.echo(f"archive ready at {archive.url}; crawling {len(documents)} policies", err=True)
            _crawl(store, Archive.parse(archive.url), documents)
    _summary(store, documents)
    click.echo(f"\nThe history is in {db_path}: try `policy-history log bumble-privacy` "
               f"or `policy-history serve {db_path}`")


def _track(store: Store, declared: Sequence[declarations.Declaration]) -> list[Document]:
    """Track every declared policy (idempotent); returns their documents."""
    return [store.add_document(d.slug, d.urls, name=d.name, options=d.options) for d in declared]


def _documents(store: Store, path: str | None, slugs: Sequence[str]) -> list[Document]:
    if path is not None or not store.documents():
        if path is None:
            click.echo("tracking the five bundled policies (see `policy-history crawl --help`)", err=True)
        _track(store, declarations.load(path))
    if slugs:
        return [store.document(slug) for slug in slugs]
    return store.documents()


def _crawl(store: Store, archive: Archive, documents: Sequence[Document], *, kind: str = "crawl",
           options: RunOptions | None = None) -> None:
    from tracker.runs import RunOptions, crawl_and_update

    def progress(done: int, total: int) -> None:
        if done == total or done % 25 == 0:
            log.info("extracted %d/%d captures", done, total)

    crawl_and_update(store, archive, documents, kind=kind, options=options or RunOptions(), progress=progress)


def _summary(store: Store, documents: Sequence[Document]) -> None:
    width = max([len("policy")] + [len(d.slug) for d in documents])
    click.echo(f"{'policy':<{width}}  {'captures':>8}  {'revisions':>9}  {'first seen':<20}  last seen")
    for document in documents:
        revisions = store.revisions(document.id)
        captures = sum(r["captures"] for r in revisions)
        first = revisions[0]["first_seen"] if revisions else "-"
        last = revisions[-1]["last_seen"] if revisions else "-"
        click.echo(f"{document.slug:<{width}}  {captures:>8}  {len(revisions):>9}  {first:<20}  {last}")


def _parse_when(text: str) -> str:
    """A date (``2019-01-01``: the end of that day), a time (``2019-01-01T10:00``, with an
    optional offset) or a 14-digit Wayback timestamp, as ISO UTC (``2019-01-01T23:59:59Z``)."""
    value = text.strip()
    try:
        if re.fullmatch(r"\d{14}", value):
            moment = datetime.strptime(value, "%Y%m%d%H%M%S").replace(tzinfo=timezone.utc)
        elif re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            moment = datetime.fromisoformat(value).replace(hour=23, minute=59, second=59, tzinfo=timezone.utc)
        else:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
            moment = moment.replace(tzinfo=moment.tzinfo or timezone.utc)
    except ValueError:
        raise click.BadParameter(
            f"{text!r} is not a date like 2019-01-01, a time like 2019-01-01T10:00 or a "
            "14-digit timestamp") from None
    return iso_utc(moment)
