"""Ticket printers: the interface the kiosk uses, the python-escpos adapter and a fake.

A fresh connection is opened for every ticket: network printers drop idle sockets and
USB printers get re-plugged, and a kiosk runs for weeks.
"""

from __future__ import annotations

import enum
import errno
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from escpos.constants import RT_STATUS_ONLINE, RT_STATUS_PAPER
from escpos.escpos import Escpos

from hardware.errors import (
    PaperOut,
    PrinterError,
    PrinterNoPermission,
    PrinterNotResponding,
    PrinterOffline,
    PrinterUnreachable,
    PrintFailed,
)
from hardware.escpos_ticket import write_ticket
from hardware.printer_url import SCHEMES, PrinterAddress, parse_printer_url
from hardware.ticket import TicketPrint

log = logging.getLogger(__name__)

DEFAULT_PROFILE = "TM-T20II"
DEFAULT_TIMEOUT = 3.0


class Paper(enum.Enum):
    OK = "ok"
    NEAR_END = "near_end"
    OUT = "out"
    UNKNOWN = "unknown"


class PrinterWarning(enum.Enum):
    PAPER_NEAR_END = "paper_near_end"

    @property
    def hint_nl(self) -> str:
        return "Het papier in de printer is bijna op. Leg binnenkort een nieuwe rol klaar."


@dataclass(frozen=True)
class PrinterStatus:
    online: bool | None  # None: this connection type cannot report status (file, Windows raw)
    paper: Paper


@dataclass(frozen=True)
class PrintResult:
    status: PrinterStatus
    warnings: list[PrinterWarning] = field(default_factory=list)

    @property
    def paper_near_end(self) -> bool:
        return PrinterWarning.PAPER_NEAR_END in self.warnings


WarningCallback = Callable[[PrinterWarning], None]


class TicketPrinter(Protocol):
    description: str

    def status(self) -> PrinterStatus:
        """Raises a PrinterError subclass when the printer cannot print."""
        ...

    def print_ticket(self, ticket: TicketPrint) -> PrintResult:
        """Checks status, prints and cuts; raises a PrinterError subclass on failure."""
        ...


def _is_permission_problem(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, PermissionError):
            return True
        if getattr(seen, "errno", None) in (errno.EACCES, errno.EPERM):
            return True
        text = str(seen).lower()
        if (
            "permission denied" in text
            or "access denied" in text
            or "insufficient permissions" in text
        ):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _decode_online(reply: bytes) -> bool:
    # DLE EOT 1: bit 3 set = offline; bits 1 and 4 are fixed 1, bit 0 and 7 fixed 0.
    return not reply[0] & 0x08


def _decode_paper(reply: bytes) -> Paper:
    # DLE EOT 4: bits 5+6 = roll paper end, bits 2+3 = near end.
    if reply[0] & 0x60:
        return Paper.OUT
    if reply[0] & 0x0C:
        return Paper.NEAR_END
    return Paper.OK


class EscposTicketPrinter:
    """Any python-escpos connection; `connect` builds a new, unopened printer object."""

    def __init__(
        self,
        connect: Callable[[], Escpos],
        *,
        description: str,
        reads_status: bool = True,
        on_warning: WarningCallback | None = None,
        native_qr: bool | None = None,
    ) -> None:
        self._connect = connect
        self.description = description
        self.reads_status = reads_status
        self.on_warning = on_warning
        self.native_qr = native_qr

    def _open(self) -> Escpos:
        try:
            printer = self._connect()
            printer.open()
        except PrinterError:
            raise
        except Exception as exc:
            if _is_permission_problem(exc):
                raise PrinterNoPermission(f"{self.description}: {exc}") from exc
            raise PrinterUnreachable(f"{self.description}: {exc}") from exc
        return printer

    def _query(self, printer: Escpos, request: bytes) -> bytes:
        try:
            reply = printer.query_status(request)
        except TimeoutError as exc:  # socket.timeout is TimeoutError since 3.10
            raise PrinterNotResponding(f"{self.description}: no status reply") from exc
        except NotImplementedError:
            raise
        except Exception as exc:
            if type(exc).__name__ == "USBTimeoutError":
                raise PrinterNotResponding(f"{self.description}: no status reply") from exc
            raise PrinterUnreachable(f"{self.description}: {exc}") from exc
        if not reply:
            raise PrinterNotResponding(f"{self.description}: no status reply")
        return reply

    def _check(self, printer: Escpos) -> PrinterStatus:
        if not self.reads_status:
            return PrinterStatus(online=None, paper=Paper.UNKNOWN)
        try:
            online = _decode_online(self._query(printer, RT_STATUS_ONLINE))
            paper = _decode_paper(self._query(printer, RT_STATUS_PAPER))
        except NotImplementedError:
            return PrinterStatus(online=None, paper=Paper.UNKNOWN)
        # A real Epson also reports "offline" when the paper runs out; paper is the useful cause.
        if paper is Paper.OUT:
            raise PaperOut(f"{self.description}: paper out")
        if not online:
            raise PrinterOffline(f"{self.description}: offline")
        return PrinterStatus(online=True, paper=paper)

    @staticmethod
    def _close(printer: Escpos) -> None:
        try:
            printer.close()
        except Exception:  # closing a broken connection must not hide the real error
            log.debug("closing printer failed", exc_info=True)

    def status(self) -> PrinterStatus:
        printer = self._open()
        try:
            return self._check(printer)
        finally:
            self._close(printer)

    def print_ticket(self, ticket: TicketPrint) -> PrintResult:
        printer = self._open()
        try:
            status = self._check(printer)
            try:
                write_ticket(printer, ticket, native_qr=self.native_qr)
            except OSError as exc:
                raise PrintFailed(f"{self.description}: {exc}") from exc
        finally:
            self._close(printer)
        warnings = [PrinterWarning.PAPER_NEAR_END] if status.paper is Paper.NEAR_END else []
        for warning in warnings:
            log.warning("printer %s: %s", self.description, warning.value)
            if self.on_warning:
                self.on_warning(warning)
        return PrintResult(status=status, warnings=warnings)


class FakeTicketPrinter:
    """Keeps tickets in memory; set `paper`/`online`/`reachable` to rehearse failures."""

    def __init__(self, on_warning: WarningCallback | None = None) -> None:
        self.description = "fake://"
        self.printed: list[TicketPrint] = []
        self.paper = Paper.OK
        self.online = True
        self.reachable = True
        self.on_warning = on_warning

    def status(self) -> PrinterStatus:
        if not self.reachable:
            raise PrinterUnreachable("fake printer unreachable")
        if self.paper is Paper.OUT:
            raise PaperOut("fake printer out of paper")
        if not self.online:
            raise PrinterOffline("fake printer offline")
        return PrinterStatus(online=True, paper=self.paper)

    def print_ticket(self, ticket: TicketPrint) -> PrintResult:
        status = self.status()
        self.printed.append(ticket)
        warnings = [PrinterWarning.PAPER_NEAR_END] if status.paper is Paper.NEAR_END else []
        for warning in warnings:
            if self.on_warning:
                self.on_warning(warning)
        return PrintResult(status=status, warnings=warnings)


Connection = Callable[[PrinterAddress, str, float], Callable[[], Escpos]]
"""``(address, profile, timeout)`` -> a function opening one ESC/POS connection."""

CONNECTIONS: dict[str, Connection] = {}


def register_connection(kind: str) -> Callable[[Connection], Connection]:
    """Register how the printer scheme ``kind`` connects (see ``hardware.printer_url``)."""

    def register(connect: Connection) -> Connection:
        CONNECTIONS[kind] = connect
        return connect

    return register


# Printer classes are imported lazily: Win32Raw needs pywin32, Usb needs pyusb.


@register_connection("network")
def _network(address: PrinterAddress, profile: str, timeout: float) -> Callable[[], Escpos]:
    from escpos.printer import Network

    return lambda: Network(address.host, address.port, timeout=timeout, profile=profile)


@register_connection("usb")
def _usb(address: PrinterAddress, profile: str, timeout: float) -> Callable[[], Escpos]:
    from escpos.printer import Usb

    return lambda: Usb(
        address.vendor_id, address.product_id, timeout=int(timeout * 1000), profile=profile
    )


@register_connection("serial")
def _serial(address: PrinterAddress, profile: str, timeout: float) -> Callable[[], Escpos]:
    from escpos.printer import Serial

    return lambda: Serial(address.path, baudrate=address.baudrate, timeout=timeout, profile=profile)


@register_connection("file")
def _file(address: PrinterAddress, profile: str, timeout: float) -> Callable[[], Escpos]:
    from escpos.printer import File

    return lambda: File(address.path, profile=profile)


@register_connection("win32raw")
def _win32raw(address: PrinterAddress, profile: str, timeout: float) -> Callable[[], Escpos]:
    from escpos.printer import Win32Raw

    return lambda: Win32Raw(address.name, profile=profile)


def _escpos_factory(address: PrinterAddress, profile: str, timeout: float) -> Callable[[], Escpos]:
    connect = CONNECTIONS.get(address.kind)
    if connect is None:
        raise ValueError(f"no escpos connection for {address.kind}")
    return connect(address, profile, timeout)


def open_printer(
    address: str | PrinterAddress,
    profile: str = DEFAULT_PROFILE,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    on_warning: WarningCallback | None = None,
) -> TicketPrinter:
    """The printer for one PC's configuration, e.g. ``open_printer("network://10.1.2.3:9100")``.

    Nothing is contacted here; every `print_ticket` opens its own connection.
    """
    if isinstance(address, str):
        address = parse_printer_url(address)
    if address.kind == "fake":
        return FakeTicketPrinter(on_warning=on_warning)
    if address.kind == "none":
        raise ValueError("no printer configured")
    return EscposTicketPrinter(
        _escpos_factory(address, profile, timeout),
        description=str(address),
        reads_status=SCHEMES[address.kind].reads_status,
        on_warning=on_warning,
    )
