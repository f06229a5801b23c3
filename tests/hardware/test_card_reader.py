"""A real pcscd with the vpcd virtual reader and a virtual card on it."""

from __future__ import annotations

import queue
import time

import pytest

from hardware.card_reader import (
    CardInserted,
    CardRemoved,
    PcscCardMonitor,
    ReadersChanged,
    ServiceState,
    list_readers,
)


class Events:
    def __init__(self) -> None:
        self.q: queue.Queue[object] = queue.Queue()
        self.all: list[object] = []

    def __call__(self, event: object) -> None:
        self.all.append(event)
        self.q.put(event)

    def wait_for(self, kind: type, timeout: float = 5.0) -> object:
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no {kind.__name__} in {timeout} s; got {self.all}")
            try:
                event = self.q.get(timeout=left)
            except queue.Empty:
                continue
            if isinstance(event, kind):
                return event


@pytest.fixture
def monitor():
    events = Events()
    mon = PcscCardMonitor(events, poll_ms=100, retry_seconds=0.2)
    yield mon, events
    mon.stop()


def test_card_in_gives_uid_and_atr_card_out_gives_event(monitor, virtual_card, pcscd_running):
    mon, events = monitor
    mon.start()
    readers = events.wait_for(ReadersChanged)
    assert readers.readers == pcscd_running.reader_names

    virtual_card.insert()
    inserted = events.wait_for(CardInserted)
    assert inserted.uid == "04A1B2C3D4E580"
    assert inserted.atr == "3B8F8001804F0CA000000306030001000000006A"
    assert inserted.reader == "Virtual PCD 00 00"
    assert bytes.fromhex("FFCA000000") in virtual_card.apdus

    virtual_card.remove()
    assert events.wait_for(CardRemoved).reader == "Virtual PCD 00 00"


def test_pcscd_restart_logs_out_and_recovers(monitor, virtual_card, pcscd_running):
    mon, events = monitor
    mon.start()
    virtual_card.insert()
    events.wait_for(CardInserted)

    pcscd_running.stop()  # like the reader (or its service) going away
    assert events.wait_for(CardRemoved).reader == "Virtual PCD 00 00"
    lost = events.wait_for(ServiceState)
    assert not lost.available and "pcscd" in lost.message_nl

    pcscd_running.start()  # the card is still on the reader and reconnects by itself
    assert events.wait_for(ServiceState, timeout=10).available
    assert events.wait_for(CardInserted, timeout=10).uid == "04A1B2C3D4E580"


def test_no_pcscd_is_a_message_and_retries_not_a_crash(monitor, pcscd_rig):
    pcscd_rig.stop()
    try:
        readers, problem = list_readers()
        assert readers == [] and problem is not None and "pcscd" in problem
        mon, events = monitor
        mon.start()
        down = events.wait_for(ServiceState)
        assert not down.available
        pcscd_rig.start()
        assert events.wait_for(ServiceState, timeout=10).available
        assert events.wait_for(ReadersChanged).readers == pcscd_rig.reader_names
    finally:
        if pcscd_rig.proc is None:
            pcscd_rig.start()
