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
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import QObject, QThread, QTimer, Signal

from loket.errors import Unavailable
from loket.services import Loket
from loket.views import EventRecord

log = logging.getLogger(__name__)


class EventFeed(Protocol):  # loket.feed.EventFeed, as far as the screens use it
    last_id: int
    engine: Any

    def wait(self, timeout: float) -> list[EventRecord]: ...

    def close(self) -> None: ...


# What a screen reads through the feed's own connection (``LiveFeed.read_through``), and
# which events make it read again.
Reader = Callable[[Loket], object]
Wants = Callable[[list[EventRecord]], bool]
MIN_READ_SECONDS = 0.25  # at most four reads a second, however many events come


class _Worker(QThread):
    arrived = Signal(list)
    connection = Signal(bool)
    read_done = Signal(object)
    read_failed = Signal(str)

    def __init__(self, loket: Loket, last_id: int) -> None:
        super().__init__()
        self.loket = loket
        self.last_id = last_id
        self.healthy = True
        self._running = True
        self._reader: Reader | None = None
        self._wants: Wants = bool
        self._read_wanted = threading.Event()
        self._last_read = 0.0

    def set_reader(self, reader: Reader, wants: Wants) -> None:
        self._reader, self._wants = reader, wants
        self._read_wanted.set()

    def want_read(self) -> None:
        self._read_wanted.set()

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

    def _timeout(self) -> float:
        if self._reader is not None and self._read_wanted.is_set():
            return max(0.0, min(0.25, self._last_read + MIN_READ_SECONDS - time.monotonic()))
        return 0.25

    def _read(self, feed: EventFeed) -> None:
        reader = self._reader
        if reader is None or time.monotonic() < self._last_read + MIN_READ_SECONDS:
            return
        self._read_wanted.clear()
        self._last_read = time.monotonic()
        try:
            result = reader(self.loket.reading_through(feed))  # type: ignore[arg-type]
        except Exception as exc:  # Unavailable, or the connection broke under the read
            log.warning("reading through the feed failed: %s", type(exc).__name__)
            self.read_failed.emit(getattr(exc, "message", "") or type(exc).__name__)
            return
        if self._running:
            self.read_done.emit(result)

    def run(self) -> None:
        # The feed is opened in this thread: an SQLite connection may only be used by
        # the thread that made it. A screen's reads through it run here too.
        feed: EventFeed | None = None
        try:
            while self._running:
                if feed is None:
                    feed = self._open()
                    if feed is None:
                        time.sleep(0.5)
                        continue
                records = feed.wait(self._timeout())
                self.last_id = feed.last_id
                self._report(bool(getattr(feed, "healthy", True)))
                if records and self._running:
                    self.arrived.emit(records)
                    if self._wants(records):
                        self._read_wanted.set()
                if self._read_wanted.is_set() and self._running:
                    self._read(feed)
        finally:
            if feed is not None:
                feed.close()

    def stop(self) -> None:
        self._running = False


class LiveFeed(QObject):
    """Emits ``events(list[dict])`` on the GUI thread, in id order, each event once, and
    ``connection(bool)`` when the feed loses or regains the database.

    ``read_through(reader, wants)``: the feed's thread runs ``reader`` on services bound
    to the feed's own connection after events ``wants`` (at most four times a second)
    and on ``request_read()``, and emits ``read_done(result)`` or ``read_failed(text)``:
    the display reads its queue that way and holds one connection in all.
    """

    events = Signal(list)
    connection = Signal(bool)
    read_done = Signal(object)
    read_failed = Signal(str)

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
        self._worker.read_done.connect(self.read_done.emit)
        self._worker.read_failed.connect(self.read_failed.emit)
        self._worker.start()

    def read_through(self, reader: Reader, wants: Wants = bool) -> None:
        """Read with ``reader`` in the feed's thread over its connection (see class)."""
        self._worker.set_reader(reader, wants)

    def request_read(self) -> None:
        self._worker.want_read()

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
