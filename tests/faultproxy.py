"""A real HTTP proxy on 127.0.0.1 in front of the test archive, injecting faults on demand.

Each rule matches request paths by regular expression and answers the next ``times`` matching
requests with a fault instead of forwarding them: ``429`` (no Retry-After, as web.archive.org),
``503``, ``503-memento`` (a 503 carrying Memento-Datetime: an archived error, a fact),
``reset`` (the connection closed without an answer) or ``stall`` (no answer for ``seconds``).
Everything else is forwarded to the archive unchanged. ``log`` lists what happened.
"""
from __future__ import annotations

import http.client
import http.server
import re
import socket
import struct
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit

_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade"}


@dataclass
class Rule:
    pattern: str
    fault: str
    times: int = 1
    seconds: float = 0.0


class FaultProxy:
    """Forwards to ``upstream`` (``http://127.0.0.1:PORT``) except where a rule says otherwise."""

    def __init__(self, upstream: str):
        self.upstream = urlsplit(upstream)
        self.rules: list[Rule] = []
        self.log: list[tuple[str, str]] = []  # (path, "forwarded" or the fault)
        self._lock = threading.Lock()
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 - the http.server API
                proxy._handle(self)

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def add(self, pattern: str, fault: str, *, times: int = 1, seconds: float = 0.0) -> None:
        with self._lock:
            self.rules.append(Rule(pattern, fault, times, seconds))

    def faults(self, fault: str) -> int:
        return sum(1 for _, what in self.log if what == fault)

    def _take(self, path: str) -> Rule | None:
        with self._lock:
            for rule in self.rules:
                if rule.times > 0 and re.search(rule.pattern, path):
                    rule.times -= 1
                    return rule
        return None

    def _handle(self, handler: http.server.BaseHTTPRequestHandler) -> None:
        rule = self._take(handler.path)
        self.log.append((handler.path, rule.fault if rule else "forwarded"))
        if rule is None:
            self._forward(handler)
        elif rule.fault in ("429", "503", "503-memento"):
            body = b"slow down" if rule.fault == "429" else b"unavailable"
            handler.send_response(int(rule.fault[:3]))
            if rule.fault == "503-memento":
                handler.send_header("Memento-Datetime", "Tue, 02 Jan 2024 12:32:03 GMT")
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body)
        elif rule.fault == "reset":
            handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            handler.close_connection = True
        elif rule.fault == "stall":
            time.sleep(rule.seconds)
            handler.close_connection = True

    def _forward(self, handler: http.server.BaseHTTPRequestHandler) -> None:
        upstream = http.client.HTTPConnection(self.upstream.hostname, self.upstream.port, timeout=60)
        try:
            upstream.request("GET", handler.path, headers={"User-Agent": handler.headers.get("User-Agent", "")})
            response = upstream.getresponse()
            body = response.read()
        finally:
            upstream.close()
        handler.send_response(response.status)
        for name, value in response.getheaders():
            if name.lower() not in _HOP_BY_HOP and name.lower() != "content-length":
                handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)


@contextmanager
def fault_proxy(upstream: str) -> Iterator[FaultProxy]:
    """A running ``FaultProxy`` in front of ``upstream``, shut down afterwards."""
    proxy = FaultProxy(upstream)
    thread = threading.Thread(target=proxy.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield proxy
    finally:
        proxy.server.shutdown()
        proxy.server.server_close()
