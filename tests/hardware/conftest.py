"""Real test rigs for the device adapters: printer emulator on loopback, a private pcscd
with the vpcd virtual reader and a virtual card, a socat pty pair for the serial scanner."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from hardware.emulator.escpos_server import EscposEmulator
from hardware.emulator.virtual_card import VirtualCard
from hardware.ticket import TicketPrint
from tests.rigs.pcscd import PcscdRig, socket_path
from tests.rigs.pcscd import unavailable_reason as pcscd_unavailable
from tests.rigs.socat_pty import PtyPair

# libpcsclite reads PCSCLITE_CSOCK_NAME once, at the first PC/SC call of the process: it has
# to point at this worker's private pcscd before any test touches PC/SC.
_PCSC_BASE = Path(tempfile.mkdtemp(prefix="loket-pcscd-"))
os.environ["PCSCLITE_CSOCK_NAME"] = str(socket_path(_PCSC_BASE))


@pytest.fixture
def ticket() -> TicketPrint:
    return TicketPrint(
        municipality="Gemeente Súdwest-Fryslân",
        number="A 12",
        service="Paspoort en ID-kaart",
        issued_at=datetime(2026, 11, 24, 9, 5),
        expected_wait_minutes=15,
        wait_area="Wachtruimte B",
        qr_payload="LKT-A12-20261124",
        sentence="Neem uw oude paspoort mee. Kosten: € 5,- (geëist, geïnd, café).",
        language="nl",
    )


@pytest.fixture
def printer_emulator() -> Iterator[EscposEmulator]:
    with EscposEmulator() as emulator:
        yield emulator


@pytest.fixture(scope="session")
def pcscd_rig() -> Iterator[PcscdRig]:
    reason = pcscd_unavailable()
    if reason:
        pytest.skip(reason)
    rig = PcscdRig(_PCSC_BASE)
    rig.start()
    yield rig
    rig.stop()


@pytest.fixture
def pcscd_running(pcscd_rig: PcscdRig) -> PcscdRig:
    """The rig, started again if an earlier test stopped it."""
    if pcscd_rig.proc is None:
        pcscd_rig.start()
    return pcscd_rig


@pytest.fixture
def virtual_card(pcscd_running: PcscdRig) -> Iterator[VirtualCard]:
    card = VirtualCard("04A1B2C3D4E580", port=pcscd_running.port)
    yield card
    card.remove()


@pytest.fixture
def serial_pty(tmp_path: Path) -> Iterator[PtyPair]:
    reason = PtyPair.unavailable_reason()
    if reason:
        pytest.skip(reason)
    pair = PtyPair(tmp_path).start()
    yield pair
    pair.stop()
