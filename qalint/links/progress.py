"""Progress of the online check on stderr: a bar on a terminal, a line now and then in logs.

On a terminal a person watches, a one-line bar is redrawn in place. Elsewhere (a CI log, a
file), a bar would fill the log with redraws, so a plain line is printed every
``LOG_INTERVAL`` seconds instead, and only on runs long enough to need one.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from typing import TextIO

LOG_INTERVAL = 5.0


class Progress:
    """``Checking links [#####.....] 120/300, 2 failing``, or ``Checking links: 120/300
    done, 2 failing (15 s)`` every few seconds off a terminal; silent unless enabled."""

    def __init__(
        self,
        total: int,
        enabled: bool,
        stream: TextIO | None = None,
        interval: float = LOG_INTERVAL,
    ) -> None:
        self.stream = stream or sys.stderr
        active = enabled and total > 0
        self.enabled = active and _interactive(self.stream)  # the bar
        self.total = total
        self.done = 0
        self.failing = 0
        self._lock = threading.Lock()
        self._last = 0.0
        self._started = time.monotonic()
        self._stopped = threading.Event()
        self._ticker: threading.Thread | None = None
        if active and not self.enabled:
            self._ticker = threading.Thread(
                target=self._tick, args=(interval,), name="qalint-progress", daemon=True
            )
            self._ticker.start()

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

    def _tick(self, interval: float) -> None:
        """Off a terminal: one plain line every ``interval`` seconds until ``finish``."""
        while not self._stopped.wait(interval):
            with self._lock:
                elapsed = time.monotonic() - self._started
                line = (
                    f"Checking links: {self.done}/{self.total} done, {self.failing} failing "
                    f"({elapsed:.0f} s)\n"
                )
            try:
                self.stream.write(line)
                self.stream.flush()
            except (OSError, ValueError):
                return

    def finish(self) -> None:
        """Erase the bar so the results start on a clean line; stop the log lines."""
        if self._ticker is not None:
            self._stopped.set()
            self._ticker.join()
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
