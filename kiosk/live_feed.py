"""The event log as Qt signals on the GUI thread: the one event source of every screen
that shows live data.

Two sources with the same signal ``events(list[EventRecord])``: ``LiveFeed`` follows the
database's feed in a thread (LISTEN on PostgreSQL), ``PolledFeed`` asks for new events on
a timer (the demo, which runs every window in one process with no thread to stop at
exit). A window takes whichever it is given and never polls the log itself.

Kept in ``kiosk`` (the public UI, lowest UI layer); the staff UI imports it from here.
"""

from __future__ import annotations

import logging
import time
from typing import Protocol

from PySide6.QtCore import QObject, QThread, QTimer, Signal

from loket.errors import Unavailable
from loket.services import Loket
from loket.views import EventRecord

log = logging.getLogger(__name__)


class EventFeed(Protocol):  # loket.feed.EventFeed, as far as the screens use it
    last_id: int

    def wait(self, timeout: float) -> list[EventRecord]: ...

    def close(self) -> None: ...


class _Worker(QThread):
    arrived = Signal(list)
    connection = Signal(bool)

    def __init__(self, loket: Loket, last_id: int) -> None:
        super().__init__()
        self.loket = loket
        self.last_id = last_id
        self.healthy = True
        self._running = True

    def _open(self) -> EventFeed | None:
        try:
            return self.loket.open_feed(self.last_id)
        except Exception as exc:  # the database is away: say so and try again
            log.warning("event feed cannot connect: %s", type(exc).__name__)
            self._report(False)
            return None

    def _report(self, healthy: bool) -> None:
        if healthy != self.healthy:
            self.healthy = healthy
            self.connection.emit(healthy)

    def run(self) -> None:
        # The feed is opened in this thread: an SQLite connection may only be used by
        # the thread that made it.
        feed: EventFeed | None = None
        try:
            while self._running:
                if feed is None:
                    feed = self._open()
                    if feed is None:
                        time.sleep(0.5)
                        continue
                records = feed.wait(0.25)
                self.last_id = feed.last_id
                self._report(bool(getattr(feed, "healthy", True)))
                if records and self._running:
                    self.arrived.emit(records)
        finally:
            if feed is not None:
                feed.close()

    def stop(self) -> None:
        self._running = False


class LiveFeed(QObject):
    """Emits ``events(list[dict])`` on the GUI thread, in id order, each event once, and
    ``connection(bool)`` when the feed loses or regains the database."""

    events = Signal(list)
    connection = Signal(bool)

    def __init__(
        self, loket: Loket, last_id: int | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        if last_id is None:
            # "From now on" is fixed here, before the thread starts, so nothing that
            # happens in between is missed.
            try:
                probe = loket.open_feed(None)
            except Exception as exc:
                raise Unavailable("De gegevens zijn nu niet bereikbaar.") from exc
            last_id = probe.last_id
            probe.close()
        self._worker = _Worker(loket, last_id)
        # A signal from another thread to this QObject is queued onto its (GUI) thread.
        self._worker.arrived.connect(self._deliver)
        self._worker.connection.connect(self.connection.emit)
        self._worker.start()

    @property
    def last_id(self) -> int:
        return self._worker.last_id

    @property
    def healthy(self) -> bool:
        return self._worker.healthy

    def _deliver(self, records: list[EventRecord]) -> None:
        self.events.emit(records)

    def stop(self) -> None:
        self._worker.stop()
        self._worker.wait(2000)


class PolledFeed(QObject):
    """Emits ``events(list[dict])`` like ``LiveFeed``, from a poll every ``interval_ms``;
    ``unavailable(str)`` says why a poll failed (the next tick tries again)."""

    events = Signal(list)
    unavailable = Signal(str)
    connection = Signal(bool)

    def __init__(
        self,
        loket: Loket,
        interval_ms: int = 1000,
        last_id: int | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.loket = loket
        self._last_id = last_id
        self.healthy = True
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.poll)
        if interval_ms > 0:
            self._timer.start(interval_ms)

    @property
    def last_id(self) -> int:
        return self._last_id or 0

    def poll(self) -> None:
        try:
            if self._last_id is None:
                self._last_id = self.loket.last_event_id()
                return
            records = self.loket.events_after(self._last_id)
        except Unavailable as exc:
            self.unavailable.emit(exc.message)
            self._report(False)
            return
        self._report(True)
        if records:
            self._last_id = records[-1]["id"]
            self.events.emit(records)

    def _report(self, healthy: bool) -> None:
        if healthy != self.healthy:
            self.healthy = healthy
            self.connection.emit(healthy)

    def stop(self) -> None:
        self._timer.stop()


# What a window follows: either source, with the same ``events`` signal.
EventSource = LiveFeed | PolledFeed
