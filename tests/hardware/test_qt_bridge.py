"""Card events reach Qt slots on the GUI thread, through the real pcscd rig."""

import threading

from PySide6.QtCore import QObject, QThread, Slot

from hardware.card_reader import PcscCardMonitor
from hardware.qt_bridge import CardEventBridge, ScanBridge


class Receiver(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.cards: list[tuple[str, bool]] = []
        self.removed: list[str] = []

    @Slot(str, str, str)
    def on_card(self, uid: str, atr: str, reader: str) -> None:
        self.cards.append((uid, QThread.currentThread() is self.thread()))

    @Slot(str)
    def on_removed(self, reader: str) -> None:
        self.removed.append(reader)


def test_card_signals_arrive_on_the_gui_thread(qtbot, virtual_card):
    bridge = CardEventBridge()
    receiver = Receiver()
    bridge.card_inserted.connect(receiver.on_card)
    bridge.card_removed.connect(receiver.on_removed)
    monitor = PcscCardMonitor(bridge.deliver, poll_ms=100)
    monitor.start()
    try:
        with qtbot.waitSignal(bridge.card_inserted, timeout=5000):
            virtual_card.insert()
        qtbot.waitUntil(lambda: bool(receiver.cards), timeout=2000)
        assert receiver.cards == [("04A1B2C3D4E580", True)]
        with qtbot.waitSignal(bridge.card_removed, timeout=5000):
            virtual_card.remove()
        qtbot.waitUntil(lambda: receiver.removed == ["Virtual PCD 00 00"], timeout=2000)
    finally:
        monitor.stop()


def test_scan_bridge_from_a_worker_thread(qtbot):
    bridge = ScanBridge()
    seen: list[tuple[str, bool]] = []

    class ScanReceiver(QObject):
        @Slot(str)
        def on_scan(self, code: str) -> None:
            seen.append((code, QThread.currentThread() is self.thread()))

    receiver = ScanReceiver()
    bridge.scanned.connect(receiver.on_scan)
    worker = threading.Thread(target=bridge.deliver, args=("LKT-A12",))
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: bool(seen), timeout=2000)
    assert seen == [("LKT-A12", True)]
