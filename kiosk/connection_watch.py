"""A screen that waits for people notices a lost database without waiting for them.

``ConnectionWatch`` asks a cheap question of the database every second while the screen
is idle (``active()``); when every answer has failed for ``after_seconds`` it emits
``lost`` once. The kiosk then shows its calm "Even geduld" screen between visitors
instead of letting the next visitor find out, and its own retry brings the start screen
back when the database answers again (docs/architecture.md, "Scale").
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from loket.errors import Unavailable

log = logging.getLogger(__name__)
PROBE_MS = 1000
LOST_AFTER_SECONDS = 3.0  # as the display's marker: a blip shows nothing


class ConnectionWatch(QObject):
    lost = Signal()

    def __init__(
        self,
        probe: Callable[[], object],
        active: Callable[[], bool],
        *,
        interval_ms: int = PROBE_MS,
        after_seconds: float = LOST_AFTER_SECONDS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.probe = probe
        self.active = active
        self.after_seconds = after_seconds
        self.failing_since: float | None = None
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.check)
        self.timer.start(interval_ms)

    def check(self) -> None:
        if not self.active():
            self.failing_since = None
            return
        try:
            self.probe()
        except (Unavailable, OSError) as exc:
            now = time.monotonic()
            if self.failing_since is None:
                log.warning("database did not answer: %s", type(exc).__name__)
                self.failing_since = now
            if now - self.failing_since >= self.after_seconds:
                self.failing_since = None
                self.lost.emit()
            return
        self.failing_since = None

    def stop(self) -> None:
        self.timer.stop()
