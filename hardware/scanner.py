"""Code scanners: the interface, the serial (USB-COM) adapter and a fake.

Serial first: a scanner in USB-COM mode cannot type into the wrong window. Each scan is one
line ending in CR, LF or CR LF.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Protocol

log = logging.getLogger(__name__)

ScanCallback = Callable[[str], None]
StatusCallback = Callable[[bool, str], None]  # connected, Dutch message when not

NOT_CONNECTED_NL = (
    "De codescanner is niet gevonden op {port}. Zit de USB-kabel goed vast? "
    "Staat de scanner in de USB-COM-stand?"
)
NO_PERMISSION_NL = (
    "Deze computer mag de codescanner op {port} niet gebruiken. "
    "Zet de gebruiker in de groep 'dialout' en log opnieuw in."
)


class CodeScanner(Protocol):
    def start(self) -> None: ...

    def stop(self) -> None: ...


def split_scans(buffer: bytes) -> tuple[list[str], bytes]:
    """Complete codes in `buffer` and the unfinished rest; CR, LF and CR LF all end a code."""
    codes: list[str] = []
    start = 0
    for i, b in enumerate(buffer):
        if b in (0x0D, 0x0A):
            raw = buffer[start:i]
            start = i + 1
            text = raw.decode("utf-8", errors="replace").strip()
            if text:
                codes.append(text)
    return codes, buffer[start:]


class SerialScanner:
    """Reads scans in a thread; reconnects when the scanner is unplugged and plugged back."""

    def __init__(
        self,
        port: str,
        on_scan: ScanCallback,
        *,
        baudrate: int = 9600,
        on_status: StatusCallback | None = None,
        retry_seconds: float = 2.0,
    ) -> None:
        self.port = port
        self.baudrate = baudrate
        self.on_scan = on_scan
        self.on_status = on_status
        self.retry_seconds = retry_seconds
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.connected = threading.Event()

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="serial-scanner", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=3)
            self._thread = None

    def _status(self, ok: bool, message: str = "") -> None:
        if self.on_status:
            self.on_status(ok, message)

    def _run(self) -> None:
        import serial

        reported = False
        while not self._stop.is_set():
            try:
                port = serial.serial_for_url(self.port, baudrate=self.baudrate, timeout=0.2)
            except (serial.SerialException, OSError) as exc:
                if not reported:
                    denied = "permission" in str(exc).lower()
                    hint = NO_PERMISSION_NL if denied else NOT_CONNECTED_NL
                    log.warning("scanner %s: %s", self.port, exc)
                    self._status(False, hint.format(port=self.port))
                    reported = True
                self._stop.wait(self.retry_seconds)
                continue
            reported = False
            self.connected.set()
            self._status(True)
            try:
                self._read(port)
            except (serial.SerialException, OSError) as exc:
                log.warning("scanner %s lost: %s", self.port, exc)
                self._status(False, NOT_CONNECTED_NL.format(port=self.port))
                reported = True
            finally:
                self.connected.clear()
                port.close()

    def _read(self, port: object) -> None:
        buffer = b""
        while not self._stop.is_set():
            chunk = port.read(256)  # type: ignore[attr-defined]
            if not chunk:
                continue
            codes, buffer = split_scans(buffer + chunk)
            for code in codes:
                try:
                    self.on_scan(code)
                except Exception:  # a faulty listener must not stop the scanner
                    log.exception("scan listener failed")


class FakeScanner:
    def __init__(self, on_scan: ScanCallback) -> None:
        self.on_scan = on_scan
        self.running = False

    def start(self) -> None:
        self.running = True

    def stop(self) -> None:
        self.running = False

    def scan(self, code: str) -> None:
        self.on_scan(code)
