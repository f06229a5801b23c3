"""Smart-card readers over PC/SC (pyscard): card in -> UID + ATR, card out -> event.

The monitor runs in its own thread and survives what happens at a counter: pcscd not
running or restarted, readers unplugged and plugged back. It reports those as events with a
plain Dutch message instead of raising.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

log = logging.getLogger(__name__)

GET_UID_APDU = [0xFF, 0xCA, 0x00, 0x00, 0x00]
_PNP = "\\\\?PnP?\\Notification"


@dataclass(frozen=True)
class CardInserted:
    reader: str
    uid: str  # upper-case hex, e.g. "04A1B2C3"; "" when the card gave no UID
    atr: str


@dataclass(frozen=True)
class CardRemoved:
    reader: str


@dataclass(frozen=True)
class ReadersChanged:
    readers: tuple[str, ...]


@dataclass(frozen=True)
class ServiceState:
    """PC/SC available or not; `message_nl` is for staff when it is not."""

    available: bool
    message_nl: str = ""


CardEvent = CardInserted | CardRemoved | ReadersChanged | ServiceState
CardEventCallback = Callable[[CardEvent], None]

NO_SERVICE_NL = (
    "De pasjeslezer-service (pcscd) draait niet. Start de service met "
    "'sudo systemctl start pcscd'. Loket probeert het zelf elke paar seconden opnieuw."
)
NO_READER_NL = "Er is geen pasjeslezer aangesloten. Sluit de lezer aan op een USB-poort."


class CardReader(Protocol):
    def start(self) -> None: ...

    def stop(self) -> None: ...


def _hex(data: list[int] | bytes) -> str:
    return bytes(data).hex().upper()


class PcscCardMonitor:
    """Watches every PC/SC reader; `on_event` is called from the monitor thread."""

    def __init__(
        self,
        on_event: CardEventCallback,
        *,
        poll_ms: int = 500,
        retry_seconds: float = 2.0,
    ) -> None:
        self.on_event = on_event
        self.poll_ms = poll_ms
        self.retry_seconds = retry_seconds
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._context: int | None = None
        self._lock = threading.Lock()
        self._present: dict[str, bool] = {}

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="pcsc-monitor", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        from smartcard import scard

        self._stop.set()
        with self._lock:
            if self._context is not None:
                scard.SCardCancel(self._context)
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def _emit(self, event: CardEvent) -> None:
        try:
            self.on_event(event)
        except Exception:  # a faulty listener must not stop card detection
            log.exception("card event listener failed")

    def _run(self) -> None:
        from smartcard import scard

        service_up: bool | None = None
        while not self._stop.is_set():
            rv, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
            if rv != scard.SCARD_S_SUCCESS:
                if service_up is not False:
                    log.warning("PC/SC unavailable: %s", scard.SCardGetErrorMessage(rv))
                    self._emit(ServiceState(False, NO_SERVICE_NL))
                    service_up = False
                self._stop.wait(self.retry_seconds)
                continue
            with self._lock:
                self._context = context
            if service_up is not True:
                self._emit(ServiceState(True))
                service_up = True
            try:
                lost = self._watch(context)
            finally:
                with self._lock:
                    self._context = None
                scard.SCardReleaseContext(context)
            if lost:
                # Without pcscd nobody can tell whether the card is still there: log out.
                for reader, had_card in sorted(self._present.items()):
                    if had_card:
                        self._emit(CardRemoved(reader))
                self._present.clear()
                self._emit(ReadersChanged(()))
                self._emit(ServiceState(False, NO_SERVICE_NL))
                service_up = False
                self._stop.wait(self.retry_seconds)

    def _watch(self, context: int) -> bool:
        """Runs until stopped (False) or until the PC/SC service goes away (True)."""
        from smartcard import scard

        lost_codes = {
            scard.SCARD_E_NO_SERVICE,
            scard.SCARD_E_SERVICE_STOPPED,
            scard.SCARD_E_INVALID_HANDLE,
            scard.SCARD_F_COMM_ERROR,
        }
        readers: tuple[str, ...] | None = None
        states: dict[str, int] = {}
        present = self._present
        pnp_state = scard.SCARD_STATE_UNAWARE
        while not self._stop.is_set():
            rv, found = scard.SCardListReaders(context, [])
            if rv in lost_codes:
                return True
            current = tuple(found) if rv == scard.SCARD_S_SUCCESS else ()
            if current != readers:
                for gone in set(present) - set(current):
                    if present.pop(gone):
                        self._emit(CardRemoved(gone))
                    states.pop(gone, None)
                readers = current
                self._emit(ReadersChanged(current))
            watch = [(r, states.get(r, scard.SCARD_STATE_UNAWARE)) for r in current]
            watch.append((_PNP, pnp_state))
            rv, changed = scard.SCardGetStatusChange(context, self.poll_ms, watch)
            if rv in lost_codes:
                return True
            if rv == scard.SCARD_E_CANCELLED:
                return False
            if rv == scard.SCARD_E_UNKNOWN_READER:
                continue  # a reader vanished between listing and waiting: list again
            if rv not in (scard.SCARD_S_SUCCESS, scard.SCARD_E_TIMEOUT):
                log.warning("SCardGetStatusChange: %s", scard.SCardGetErrorMessage(rv))
                self._stop.wait(self.retry_seconds)
                continue
            if rv == scard.SCARD_E_TIMEOUT:
                continue
            for reader, event_state, atr in changed:
                if reader == _PNP:
                    pnp_state = event_state & ~scard.SCARD_STATE_CHANGED
                    continue
                states[reader] = event_state & ~scard.SCARD_STATE_CHANGED
                has_card = bool(event_state & scard.SCARD_STATE_PRESENT) and not (
                    event_state & scard.SCARD_STATE_MUTE
                )
                was = present.get(reader, False)
                if has_card and not was:
                    present[reader] = True
                    self._emit(CardInserted(reader, self._read_uid(context, reader), _hex(atr)))
                elif not has_card and was:
                    present[reader] = False
                    self._emit(CardRemoved(reader))
                elif reader not in present:
                    present[reader] = False
        return False

    @staticmethod
    def _read_uid(context: int, reader: str) -> str:
        from smartcard import scard

        rv, card, protocol = scard.SCardConnect(
            context,
            reader,
            scard.SCARD_SHARE_SHARED,
            scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1,
        )
        if rv != scard.SCARD_S_SUCCESS:
            log.info("cannot connect to card in %s: %s", reader, scard.SCardGetErrorMessage(rv))
            return ""
        try:
            rv, response = scard.SCardTransmit(card, protocol, GET_UID_APDU)
            if rv != scard.SCARD_S_SUCCESS or len(response) < 2 or response[-2:] != [0x90, 0x00]:
                return ""
            return _hex(response[:-2])
        finally:
            scard.SCardDisconnect(card, scard.SCARD_LEAVE_CARD)


class FakeCardReader:
    """For the demo and UI tests: `insert(uid)` / `remove()` deliver the same events."""

    def __init__(self, on_event: CardEventCallback, reader: str = "Fake reader 0") -> None:
        self.on_event = on_event
        self.reader = reader
        self.running = False

    def start(self) -> None:
        self.running = True
        self.on_event(ServiceState(True))
        self.on_event(ReadersChanged((self.reader,)))

    def stop(self) -> None:
        self.running = False

    def insert(self, uid: str, atr: str = "3B8F8001804F0CA000000306030001000000006A") -> None:
        self.on_event(CardInserted(self.reader, uid.upper(), atr))

    def remove(self) -> None:
        self.on_event(CardRemoved(self.reader))


def list_readers() -> tuple[list[str], str | None]:
    """Readers now connected, plus a Dutch message when PC/SC is not usable (for the check)."""
    from smartcard import scard

    rv, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if rv != scard.SCARD_S_SUCCESS:
        return [], NO_SERVICE_NL
    try:
        rv, readers = scard.SCardListReaders(context, [])
        if rv == scard.SCARD_E_NO_READERS_AVAILABLE or (rv == 0 and not readers):
            return [], NO_READER_NL
        if rv != scard.SCARD_S_SUCCESS:
            return [], NO_SERVICE_NL
        return list(readers), None
    finally:
        scard.SCardReleaseContext(context)
