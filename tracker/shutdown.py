"""Stopping a run cleanly: SIGINT and SIGTERM become a request to stop at the next safe point.

A run must never be cut mid-step: every write is a transaction of its own, but the steps that
follow one another (crawl, extract, revise, announce) should end on a boundary. While a
``Shutdown`` is installed, the first signal only sets ``requested`` and calls the callbacks
registered with ``on_request`` (the crawl registers one that asks Scrapy to stop gracefully:
in-flight replays finish and are stored, nothing new starts). Later signals are ignored, so a
terminal's Ctrl-C that reaches both the scheduler and its child, or systemd signalling the
whole control group, cannot turn a graceful stop into an abrupt one. ``kill -9`` still can:
each write stays whole, and the next run marks that run ``interrupted``.
"""
from __future__ import annotations

import signal
from collections.abc import Callable
from types import FrameType, TracebackType
from typing import Any

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Shutdown:
    """``with Shutdown() as shutdown:`` (main thread only) catches SIGINT and SIGTERM until the
    block ends, then restores the previous handlers.

    ``signal`` names the first signal received (``"SIGTERM"``), or is ``None``.
    """

    def __init__(self) -> None:
        self.signal: str | None = None
        self._callbacks: list[Callable[[], None]] = []
        self._previous: dict[int, Any] = {}

    @property
    def requested(self) -> bool:
        """Whether a stop was asked for."""
        return self.signal is not None

    def on_request(self, callback: Callable[[], None]) -> None:
        """Call ``callback()`` (from the signal handler: keep it tiny, no logging) when a stop
        is asked for; at once if it already was."""
        self._callbacks.append(callback)
        if self.requested:
            callback()

    def forget(self, callback: Callable[[], None]) -> None:
        """Stop calling ``callback`` (e.g. once the crawl it stops has ended)."""
        self._callbacks.remove(callback)

    def _handle(self, signum: int, _frame: FrameType | None) -> None:
        if self.signal is not None:
            return
        self.signal = signal.Signals(signum).name
        for callback in list(self._callbacks):
            callback()

    def __enter__(self) -> Shutdown:
        for signum in SIGNALS:
            self._previous[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)
        self._previous.clear()
