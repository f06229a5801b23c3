"""The EventFeed as Qt signals on the GUI thread, for every screen that shows live data.

Kept in ``kiosk`` (the public UI, lowest UI layer); the staff UI imports it from here.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QThread, Signal

from loket.feed import EventFeed, open_feed


class _Worker(QThread):
    arrived = Signal(list)

    def __init__(self, feed: EventFeed) -> None:
        super().__init__()
        self.feed = feed
        self._running = True

    def run(self) -> None:
        while self._running:
            records = self.feed.wait(0.25)
            if records and self._running:
                self.arrived.emit(records)

    def stop(self) -> None:
        self._running = False


class LiveFeed(QObject):
    """Emits ``events(list[dict])`` on the GUI thread, in id order, each event once."""

    events = Signal(list)

    def __init__(self, url: str | None = None, last_id: int | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._feed = open_feed(url, last_id)
        self._worker = _Worker(self._feed)
        # A signal from another thread to this QObject is queued onto its (GUI) thread.
        self._worker.arrived.connect(self._deliver)
        self._worker.start()

    @property
    def last_id(self) -> int:
        return self._feed.last_id

    def _deliver(self, records: list[dict[str, Any]]) -> None:
        self.events.emit(records)

    def stop(self) -> None:
        self._worker.stop()
        self._worker.wait(2000)
        self._feed.close()
