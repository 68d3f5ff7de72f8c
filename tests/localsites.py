"""A small real web server on 127.0.0.1 for tests: a policy's live site, a webhook endpoint, a
stand-in for an archive's Save Page Now. It answers each path (query string aside) from a table
the test sets, 404 otherwise, and records every request it gets.
"""
from __future__ import annotations

import http.server
import threading
from dataclasses import dataclass, field
from types import TracebackType
from urllib.parse import urlsplit


@dataclass
class Answer:
    """What a path answers: status, body and headers."""

    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html; charset=utf-8"})


@dataclass(frozen=True)
class Received:
    """One request: method, path (with its query string), body."""

    method: str
    path: str
    body: bytes


class LocalSite:
    """``with LocalSite() as site: site.answers["/privacy"] = Answer(b"...")`` then request
    ``site.url + "/privacy"``; ``site.received`` lists what came, oldest first."""

    def __init__(self) -> None:
        self.answers: dict[str, Answer] = {}
        self.received: list[Received] = []
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self._answer(b"")

            def do_POST(self) -> None:
                self._answer(self.rfile.read(int(self.headers.get("Content-Length", 0))))

            def _answer(self, body: bytes) -> None:
                site.received.append(Received(self.command, self.path, body))
                answer = site.answers.get(urlsplit(self.path).path, Answer(b"not here", 404))
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                self.wfile.write(answer.body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> LocalSite:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.server.shutdown()
        self.server.server_close()
