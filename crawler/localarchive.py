"""A real Wayback-style archive on this machine: WARCs written with warcio, served by pywb.

The tests and ``policy-history demo`` crawl it exactly as production crawls web.archive.org:
CDX at ``/cdx/search/cdx``, replays at ``/web/<14 digits>id_/<url>``, fuzzy matching off.

pywb runs from its own virtualenv (see :func:`ensure_pywb`): it pulls ``brotlipy``, whose
``brotli`` module breaks Scrapy's decoder when both share one environment.
"""
from __future__ import annotations

import fcntl
import io
import logging
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from http.client import responses
from pathlib import Path
from types import TracebackType

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from tracker.errors import ArchiveError

log = logging.getLogger(__name__)

PYWB_VERSION = "2.10.0"  # the version DESIGN.md's recipe was verified with
COLLECTION = "web"
CONFIG_YAML = """\
collections:
  web: {index_paths: ./collections/web/indexes/, archive_paths: ./collections/web/archive/}
  cdx: {index_paths: ./collections/web/indexes/, archive_paths: ./collections/web/archive/}
cdx_api_endpoint: /search/cdx     # CDX at /cdx/search/cdx, as on web.archive.org
framed_replay: false
redirect_to_exact: true
rules_file: ./nofuzzy.yaml
"""
NOFUZZY_YAML = "default_filters: {not_exts: [], mimes: [], url_normalize: []}\nrules: []\n"
READY_PATH = "/cdx/search/cdx?url=example.com"
SYNC_PATH = "/policy-history-sync/"  # marker request that requests() waits for in the log
# pywb's front end reaches its own WarcServer over HTTP; those calls share the access log
_INTERNAL = re.compile(r"/(web|cdx)/(resource/postreq|index)\?|" + re.escape(SYNC_PATH))
# gevent's access log: 127.0.0.1 - - [2026-11-30 08:10:11] "GET /path HTTP/1.1" 200 1234 0.001
_LOG_LINE = re.compile(r'"(?P<method>[A-Z]+) (?P<path>\S+) HTTP/[\d.]+" (?P<status>\d{3}) ')


@dataclass(frozen=True)
class ArchivedCapture:
    """One page as an archive holds it.

    ``timestamp`` is 14 digits in UTC (``YYYYMMDDhhmmss``); it becomes the WARC-Date, hence
    the CDX timestamp. A 3xx capture has an empty ``body`` and its target in ``location``.
    """

    url: str
    timestamp: str
    body: bytes
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    location: str | None = None


def _warc_date(timestamp: str) -> str:
    """``20250226003348`` -> ``2025-02-26T00:33:48Z``; ValueError unless 14 digits."""
    if not re.fullmatch(r"\d{14}", timestamp):
        raise ValueError(f"capture timestamp must be 14 digits (YYYYMMDDhhmmss), got {timestamp!r}")
    moment = datetime.strptime(timestamp, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def write_warc(path: Path, captures: Iterable[ArchivedCapture]) -> Path:
    """Write one gzipped WARC ``response`` record per capture to ``path``; return ``path``."""
    path = Path(path)
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for cap in captures:
            reason = responses.get(cap.status, "-")
            headers = [("Content-Type", cap.content_type), ("Content-Length", str(len(cap.body)))]
            if cap.location is not None:
                headers.append(("Location", cap.location))
            http = StatusAndHeaders(f"{cap.status} {reason}", headers, protocol="HTTP/1.1")
            record = writer.create_warc_record(
                cap.url, "response", payload=io.BytesIO(cap.body), http_headers=http,
                warc_headers_dict={"WARC-Date": _warc_date(cap.timestamp)},
            )
            writer.write_record(record)
    return path


def default_pywb_venv() -> Path:
    """$POLICY_HISTORY_PYWB_VENV, else ${XDG_CACHE_HOME:-~/.cache}/policy-history/pywb-2.10.0"""
    if os.environ.get("POLICY_HISTORY_PYWB_VENV"):
        return Path(os.environ["POLICY_HISTORY_PYWB_VENV"]).expanduser()
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "policy-history" / f"pywb-{PYWB_VERSION}"


def ensure_pywb(venv: Path | None = None) -> Path:
    """Return the ``bin/`` directory of a virtualenv holding pywb, creating it on first use.

    Creation (``python -m venv`` + ``pip install pywb==2.10.0``, about 20 s, needs PyPI) runs
    under an exclusive file lock beside the venv, and a ``.complete`` marker is written last, so
    concurrent callers wait for one build and a half-made venv is rebuilt.
    """
    venv = Path(venv) if venv is not None else default_pywb_venv()
    bin_dir = venv / "bin"
    marker = venv / ".complete"
    if marker.exists() and (bin_dir / "wayback").exists():
        return bin_dir
    venv.parent.mkdir(parents=True, exist_ok=True)
    with open(venv.with_name(venv.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if marker.exists() and (bin_dir / "wayback").exists():
            return bin_dir
        if venv.exists():
            log.warning("rebuilding incomplete pywb virtualenv %s", venv)
            shutil.rmtree(venv)
        log.info("creating pywb %s virtualenv in %s (about 20 s, needs PyPI)", PYWB_VERSION, venv)
        steps = [
            [sys.executable, "-m", "venv", str(venv)],
            [str(bin_dir / "python"), "-m", "pip", "install", "--quiet",
             "--disable-pip-version-check", f"pywb=={PYWB_VERSION}"],
        ]
        for cmd in steps:
            done = subprocess.run(cmd, capture_output=True, text=True)
            if done.returncode != 0 or not (cmd is steps[0] or (bin_dir / "wayback").exists()):
                shutil.rmtree(venv, ignore_errors=True)
                tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
                raise ArchiveError(
                    f"could not install pywb {PYWB_VERSION} into {venv} ({' | '.join(tail)}); "
                    "check access to PyPI, or set POLICY_HISTORY_PYWB_VENV to a virtualenv "
                    f"that has pywb=={PYWB_VERSION}"
                )
        tmp = marker.with_suffix(".tmp")
        tmp.write_text(f"pywb=={PYWB_VERSION}\n")
        tmp.rename(marker)
    return bin_dir


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_is_free(port: int) -> bool:
    """Whether nothing listens on ``port`` of 127.0.0.1 now (it may be taken a moment later)."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as servers bind: past TIME_WAIT
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


class LocalArchive:
    """A pywb archive on 127.0.0.1 with web.archive.org-shaped routes, fuzzy matching off.

    ``root`` holds ``config.yaml``, the ``web`` collection, the WARCs given to :meth:`add`
    and ``wayback.log`` (the server's stdout and stderr, one access-log line per request).
    pywb comes from :func:`ensure_pywb` unless ``pywb_bin`` names a ``bin/`` directory.
    """

    def __init__(self, root: Path, *, port: int | None = None, pywb_bin: Path | None = None):
        self.root = Path(root)
        self.port = port
        self._bin = Path(pywb_bin) if pywb_bin is not None else None
        self._proc: subprocess.Popen[bytes] | None = None
        self._add_lock = threading.Lock()
        self._syncs = 0
        self.log_path = self.root / "wayback.log"

    @property
    def url(self) -> str:
        """Base URL, ``http://127.0.0.1:PORT``; the port is chosen by :meth:`start` if not given."""
        if self.port is None:
            raise ArchiveError("the local archive has no port yet; call start() first")
        return f"http://127.0.0.1:{self.port}"

    @property
    def pywb_bin(self) -> Path:
        """``bin/`` of the pywb virtualenv, from :func:`ensure_pywb` unless given."""
        if self._bin is None:
            self._bin = ensure_pywb()
        return self._bin

    def _wb_manager(self, *args: str) -> None:
        done = subprocess.run([str(self.pywb_bin / "wb-manager"), *args], cwd=self.root,
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise ArchiveError(f"wb-manager {' '.join(args)} failed in {self.root}: "
                               f"{done.stderr.strip()[-500:]}")

    def _init_root(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        (self.root / "config.yaml").write_text(CONFIG_YAML)
        (self.root / "nofuzzy.yaml").write_text(NOFUZZY_YAML)
        if not (self.root / "collections" / COLLECTION).exists():
            self._wb_manager("init", COLLECTION)
        # pywb caches the index directory's file list until the directory's stat changes, in
        # whole seconds: a first index file created in the same second as a listing would stay
        # unseen. With index.cdxj present from the start, adds only replace it (same name).
        (self.root / "collections" / COLLECTION / "indexes" / "index.cdxj").touch()

    def add(self, captures: Iterable[ArchivedCapture], name: str) -> Path:
        """Write ``root/NAME.warc.gz`` and index it into the collection; return its path.

        Works while the server runs: pywb reads the index on every request. Takes about
        0.3 s plus 1 s per 20 MB of bodies (``wb-manager add`` copies and indexes the WARC).
        """
        with self._add_lock:
            self._init_root()
            warc = write_warc(self.root / f"{name}.warc.gz", captures)
            self._wb_manager("add", COLLECTION, str(warc))
            log.info("added %s to the local archive in %s", warc.name, self.root)
            return warc

    def start(self, timeout: float = 60) -> None:
        """Start pywb (on a free port unless one was given) and wait until its CDX endpoint
        answers, about 0.5 s; ArchiveError if it exits or stays silent for ``timeout`` s."""
        if self._proc is not None:
            return
        self._init_root()
        pick_port = self.port is None
        for _ in range(3):  # a free port can be taken before pywb binds it
            if pick_port:
                self.port = _free_port()
            if self._launch(timeout) or not pick_port:
                break
        if self._proc is None:
            tail = self.log_path.read_text(errors="replace")[-800:]
            raise ArchiveError(f"pywb exited while starting on port {self.port}: {tail}")
        log.info("local archive serving %s at %s", self.root, self.url)

    def _launch(self, timeout: float) -> bool:
        """Run ``wayback`` on ``self.port``; True once it answers, False if it exited."""
        env = dict(os.environ, NO_PROXY="localhost,127.0.0.1", no_proxy="localhost,127.0.0.1",
                   PYTHONUNBUFFERED="1")
        with open(self.log_path, "ab") as out:
            self._proc = subprocess.Popen(
                [str(self.pywb_bin / "wayback"), "-b", "127.0.0.1", "-p", str(self.port)],
                cwd=self.root, env=env, stdout=out, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while self._get(READY_PATH) != 200:
            if self._proc.poll() is not None:
                self._proc = None
                return False
            if time.monotonic() > deadline:
                self.stop()
                raise ArchiveError(f"pywb did not answer on {self.url} within {timeout} s; "
                                   f"see {self.log_path}")
            time.sleep(0.1)
        return True

    def _get(self, path: str) -> int | None:
        """Status of GET ``path`` on the archive, bypassing any proxy; None if unreachable."""
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            with opener.open(self.url + path, timeout=5) as resp:
                return int(resp.status)
        except urllib.error.HTTPError as err:
            return int(err.code)
        except OSError:
            return None

    def stop(self) -> None:
        """Terminate the server, killing it after 5 s; safe to call twice."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.info("local archive at %s stopped", self.root)

    def __enter__(self) -> LocalArchive:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def requests(self) -> list[str]:
        """Requests served so far (all runs logged under ``root``), oldest first, as
        ``"GET /web/20250226003348id_/https://example.com/ 200"``: the path as sent and the
        status. The readiness probes of :meth:`start` are included; pywb's calls to itself are not.

        gevent logs a request just after sending its response, so this first sends a marker
        request and waits for its log line: every response a caller already has is then logged.
        """
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        if self._proc is not None:
            self._syncs += 1
            marker = f"{SYNC_PATH}{self._syncs} "
            deadline = time.monotonic() + 5
            if self._get(marker.strip()) is not None:
                while marker not in text and time.monotonic() < deadline:
                    time.sleep(0.01)
                    text = self.log_path.read_text(errors="replace")
        return [f"{m['method']} {m['path']} {m['status']}" for m in _LOG_LINE.finditer(text)
                if not _INTERNAL.match(m["path"])]
