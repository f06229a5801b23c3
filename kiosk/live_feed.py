"""The EventFeed as Qt signals on the GUI thread, for every screen that shows live data.

Kept in ``kiosk`` (the public UI, lowest UI layer); the staff UI imports it from here.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QThread, Signal

from loket.services import Loket
from loket.views import EventRecord


class _Worker(QThread):
    arrived = Signal(list)

    def __init__(self, loket: Loket, last_id: int) -> None:
        super().__init__()
        self.loket = loket
        self.last_id = last_id
        self._running = True

    def run(self) -> None:
        # The feed is opened in this thread: an SQLite connection may only be used by
        # the thread that made it.
        feed = self.loket.open_feed(self.last_id)
        try:
            while self._running:
                records = feed.wait(0.25)
                self.last_id = feed.last_id
                if records and self._running:
                    self.arrived.emit(records)
        finally:
            feed.close()

    def stop(self) -> None:
        self._running = False


class LiveFeed(QObject):
    """Emits ``events(list[dict])`` on the GUI thread, in id order, each event once."""

    events = Signal(list)

    def __init__(
        self, loket: Loket, last_id: int | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        if last_id is None:
            # "From now on" is fixed here, before the thread starts, so nothing that
            # happens in between is missed.
            probe = loket.open_feed(None)
            last_id = probe.last_id
            probe.close()
        self._worker = _Worker(loket, last_id)
        # A signal from another thread to this QObject is queued onto its (GUI) thread.
        self._worker.arrived.connect(self._deliver)
        self._worker.start()

    @property
    def last_id(self) -> int:
        return self._worker.last_id

    def _deliver(self, records: list[EventRecord]) -> None:
        self.events.emit(records)

    def stop(self) -> None:
        self._worker.stop()
        self._worker.wait(2000)
