"""Card events onto the GUI thread.

The bridge lives in the GUI thread; the monitor thread calls `deliver`, which emits Qt
signals. Qt queues a signal emitted from another thread to receivers in the GUI thread
(AutoConnection), so slots never run on the monitor thread.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from hardware.card_reader import (
    CardEvent,
    CardInserted,
    CardRemoved,
    ReadersChanged,
    ServiceState,
)


class CardEventBridge(QObject):
    card_inserted = Signal(str, str, str)  # uid, atr, reader
    card_removed = Signal(str)  # reader
    readers_changed = Signal(list)  # reader names
    service_changed = Signal(bool, str)  # available, Dutch message for staff

    def deliver(self, event: CardEvent) -> None:
        if isinstance(event, CardInserted):
            self.card_inserted.emit(event.uid, event.atr, event.reader)
        elif isinstance(event, CardRemoved):
            self.card_removed.emit(event.reader)
        elif isinstance(event, ReadersChanged):
            self.readers_changed.emit(list(event.readers))
        elif isinstance(event, ServiceState):
            self.service_changed.emit(event.available, event.message_nl)


class ScanBridge(QObject):
    """Serial-scanner codes onto the GUI thread, like CardEventBridge."""

    scanned = Signal(str)
    status_changed = Signal(bool, str)  # connected, Dutch message when not

    def deliver(self, code: str) -> None:
        self.scanned.emit(code)

    def deliver_status(self, connected: bool, message_nl: str) -> None:
        self.status_changed.emit(connected, message_nl)
