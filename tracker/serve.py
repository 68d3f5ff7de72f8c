"""``policy-history serve``: datasette on a history file, read-only, with our metadata and plugin.

Datasette is pinned to the stable 0.65.x line: canned queries live in metadata there (the 1.0
alphas move them to ``datasette.yaml`` and change plugin APIs under us).

Read-only to the web, by four locks: datasette 0.65 has no write API; it opens the file
``mode=ro``; our plugin sets ``PRAGMA query_only`` on every connection to it (even the write
connection a writable canned query would use, and we define none); and SQL typed in the browser
must be a single SELECT. The file is opened mutable, not ``immutable``: an immutable file is
read without its WAL, so pages would miss or tear what a running crawl writes. In WAL mode each
page reads one consistent snapshot while a crawl or the scheduler writes: a revision list
swapped by ``Store.replace_history`` is seen whole, old or new.
"""
from __future__ import annotations

import logging
import socket
from importlib import resources
from pathlib import Path
from typing import Any

import uvicorn
import yaml
from datasette.app import Datasette
from datasette.plugins import pm

from db.store import Store
from tracker import web
from tracker.errors import ServeError

log = logging.getLogger(__name__)

METADATA_DATABASE = "policies"  # the key metadata.yml describes the database under
SETTINGS = {
    "sql_time_limit_ms": 3000,  # full-text search over every clause of every version
    "default_page_size": 50,
    "allow_download": False,  # the file holds every raw capture; share it by other means
}


def metadata(database: str) -> dict[str, Any]:
    """The packaged metadata (``tracker/web/metadata.yml``) for a database named ``database``."""
    data: dict[str, Any] = yaml.safe_load((resources.files(web) / "metadata.yml").read_text())
    data["databases"] = {database: data["databases"][METADATA_DATABASE]}
    return data


def datasette_for(db_path: Path) -> Datasette:
    """A Datasette over ``db_path`` (migrated first: search needs its FTS tables), with our
    metadata, settings and plugin."""
    if not db_path.is_file():
        raise ServeError(
            f"no database at {db_path}; fill one with `policy-history crawl --db {db_path}` "
            "or try `policy-history demo`"
        )
    Store(db_path).close()
    if not pm.is_registered(web):
        pm.register(web, name=web.NAME)
    # datasette names a database after its file's stem
    return Datasette([str(db_path)], metadata=metadata(db_path.stem), settings=SETTINGS)


def serve(db_path: Path, *, host: str, port: int) -> None:
    """Serve the history on ``host:port`` until interrupted (the CLI binds 127.0.0.1:8001)."""
    datasette = datasette_for(db_path)
    _check_free(host, port)
    log.info("serving %s read-only at http://%s:%d/ (Ctrl-C stops)", db_path, host, port)
    uvicorn.run(datasette.app(), host=host, port=port, log_level="warning", lifespan="on")


def _check_free(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        try:
            sock.bind((host, port))
        except OSError as err:
            raise ServeError(f"cannot listen on {host}:{port} ({err.strerror}); pick another with --port") from err
