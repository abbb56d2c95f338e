"""A one-line progress bar on stderr, drawn only when stderr is a terminal outside CI."""

from __future__ import annotations

import os
import sys
import threading
import time
from typing import TextIO


class Progress:
    """``Checking links [#####.....] 120/300, 2 failing``; silent unless enabled on a TTY."""

    def __init__(self, total: int, enabled: bool, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = enabled and total > 0 and _interactive(self.stream)
        self.total = total
        self.done = 0
        self.failing = 0
        self._lock = threading.Lock()
        self._last = 0.0

    def advance(self, failed: bool) -> None:
        """Count one finished URL and redraw (at most ten times a second)."""
        with self._lock:
            self.done += 1
            self.failing += int(failed)
            now = time.monotonic()
            if self.enabled and (now - self._last >= 0.1 or self.done == self.total):
                self._last = now
                self._draw()

    def _draw(self) -> None:
        width = 30
        filled = width * self.done // max(1, self.total)
        bar = "#" * filled + "." * (width - filled)
        self.stream.write(
            f"\rChecking links [{bar}] {self.done}/{self.total}, {self.failing} failing"
        )
        self.stream.flush()

    def finish(self) -> None:
        """Erase the bar so the results start on a clean line."""
        if self.enabled:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


def _interactive(stream: TextIO) -> bool:
    """A terminal a person watches: a TTY, and not a CI log (``CI`` set) or a dumb terminal.

    Some CI runners attach a pseudo-terminal, so a TTY alone would fill their logs with
    redrawn bars.
    """
    if os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}:
        return False
    if os.environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError, OSError):
        return False
