"""The EventFeed as Qt signals on the GUI thread, for every screen that shows live data.

Kept in ``kiosk`` (the public UI, lowest UI layer); the staff UI imports it from here.
"""

from __future__ import annotations

import logging
import time
from typing import Protocol

from PySide6.QtCore import QObject, QThread, Signal

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
