"""A screen that waits for people notices a lost database without waiting for them.

``ConnectionWatch`` asks a cheap question of the database every second while the screen
is idle (``active()``); when every answer has failed for ``after_seconds`` it emits
``lost`` once. The kiosk then shows its calm "Even geduld" screen between visitors
instead of letting the next visitor find out. While that screen shows (``waiting()``)
the watch goes on asking and emits ``back`` at the first answer: the kiosk then reads
its start screen again (docs/architecture.md, "Scale").

The question is asked in a thread of its own, as ``kiosk.live_feed`` follows the feed:
a database host that has gone silent holds a connect for up to its timeout (3 s,
``loket.db``), and on the GUI thread that froze the touch screen. One probe at a time;
its answer comes back to the GUI thread as a queued signal, where ``active()`` and
``lost`` live.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QObject, Qt, QThread, QTimer, Signal

from loket.errors import Unavailable

log = logging.getLogger(__name__)
PROBE_MS = 1000
LOST_AFTER_SECONDS = 3.0  # as the display's marker: a blip shows nothing
STOP_WAIT_MS = 5000  # a probe under way ends by the connect timeout (3 s) at the latest
# Threads whose probe still ran when their watch stopped: kept here until they end, so a
# running QThread is never destroyed (Qt aborts the program when it is).
_ENDING: set[_Prober] = set()


class _Prober(QThread):
    """Runs ``probe`` each time it is asked to, one at a time, and emits ``answered``
    with when the probe started and the failure's type name (``""``: it answered)."""

    answered = Signal(float, str)

    def __init__(self, probe: Callable[[], object]) -> None:
        super().__init__()
        self.probe = probe
        self._running = True
        self._wanted = threading.Event()
        self.idle = threading.Event()  # no probe under way
        self.idle.set()

    def ask(self) -> None:
        self.idle.clear()
        self._wanted.set()

    def run(self) -> None:
        while True:
            self._wanted.wait()
            self._wanted.clear()
            if not self._running:
                return
            started = time.monotonic()
            failure = ""
            try:
                self.probe()
            except (Unavailable, OSError) as exc:
                failure = type(exc).__name__
            except Exception:  # not about the connection: log it, keep watching
                log.exception("connection probe failed")
            finally:
                self.idle.set()
            if self._running:
                self.answered.emit(started, failure)

    def stop(self) -> None:
        self._running = False
        self._wanted.set()
        for ended in [t for t in _ENDING if t.isFinished()]:
            _ENDING.discard(ended)
        if not self.wait(STOP_WAIT_MS):
            # A probe still hangs on the database: let it end on its own time.
            _ENDING.add(self)


class ConnectionWatch(QObject):
    lost = Signal()
    back = Signal()

    def __init__(
        self,
        probe: Callable[[], object],
        active: Callable[[], bool],
        *,
        waiting: Callable[[], bool] = lambda: False,
        interval_ms: int = PROBE_MS,
        after_seconds: float = LOST_AFTER_SECONDS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.active = active
        self.waiting = waiting
        self.after_seconds = after_seconds
        self.failing_since: float | None = None
        self.probing = False  # a probe was asked for and its answer has not come back
        self.prober = _Prober(probe)
        # Emitted in the prober's thread, run here on the GUI thread.
        self.prober.answered.connect(self._answered, Qt.ConnectionType.QueuedConnection)
        # A window closed without closeEvent (deleted with its parent) still ends the thread.
        self.destroyed.connect(self.prober.stop)
        self.prober.start()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.check)
        self.timer.start(interval_ms)

    def check(self) -> None:
        """Ask the database (in the prober's thread) unless a probe is still under way."""
        if not self.active():
            self.failing_since = None
            if not self.waiting():
                return
        if self.probing or not self.prober.isRunning():
            return
        self.probing = True
        self.prober.ask()

    def _answered(self, started: float, failure: str) -> None:
        self.probing = False
        if self.waiting():
            if not failure:
                self.back.emit()
            return
        if not self.active():  # a visitor came meanwhile: their screen decides
            self.failing_since = None
            return
        if not failure:
            self.failing_since = None
            return
        if self.failing_since is None:
            log.warning("database did not answer: %s", failure)
            # From when the failing probe began: one that hung 3 s counts as 3 s.
            self.failing_since = started
        if time.monotonic() - self.failing_since >= self.after_seconds:
            self.failing_since = None
            self.lost.emit()

    def settle(self, timeout: float = 0.5) -> None:
        """Wait up to ``timeout`` s for a probe under way (the GUI thread is about to use
        the database: taking turns keeps the PC at one pooled connection; a probe that
        hangs longer is not waited for, the database is in trouble anyway)."""
        self.prober.idle.wait(timeout)

    def stop(self) -> None:
        # Also called at exit (roles/demo_public.py), when Qt may have deleted the
        # window and with it the timer and the thread already.
        if shiboken6.isValid(self.timer):
            self.timer.stop()
        if shiboken6.isValid(self.prober):
            self.prober.stop()
