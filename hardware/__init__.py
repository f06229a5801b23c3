"""Device adapters for Loket: ticket printer, card reader, code scanner, announcer.

Every device has an interface, a real adapter and a fake; nothing here imports the rest of
the project. Qt is used only where the device API is Qt (speech, sound, the GUI bridges),
and those modules are imported on demand: ``from hardware.announcer import ...``.
"""

from hardware.card_reader import (
    CardEvent,
    CardInserted,
    CardReader,
    CardRemoved,
    FakeCardReader,
    PcscCardMonitor,
    ReadersChanged,
    ServiceState,
)
from hardware.config import HardwareConfig
from hardware.errors import (
    HardwareError,
    PaperOut,
    PrinterError,
    PrinterNoPermission,
    PrinterNotResponding,
    PrinterOffline,
    PrinterUnreachable,
    PrintFailed,
    SpeechUnavailable,
)
from hardware.printer import (
    FakeTicketPrinter,
    Paper,
    PrinterStatus,
    PrinterWarning,
    PrintResult,
    TicketPrinter,
    open_printer,
)
from hardware.scanner import CodeScanner, FakeScanner, SerialScanner
from hardware.ticket import TicketPrint
from hardware.ticket_png import render_ticket_png

__all__ = [
    "CardEvent",
    "CardInserted",
    "CardReader",
    "CardRemoved",
    "CodeScanner",
    "FakeCardReader",
    "FakeScanner",
    "FakeTicketPrinter",
    "HardwareConfig",
    "HardwareError",
    "Paper",
    "PaperOut",
    "PcscCardMonitor",
    "PrintFailed",
    "PrintResult",
    "PrinterError",
    "PrinterNoPermission",
    "PrinterNotResponding",
    "PrinterOffline",
    "PrinterStatus",
    "PrinterUnreachable",
    "PrinterWarning",
    "ReadersChanged",
    "SerialScanner",
    "ServiceState",
    "SpeechUnavailable",
    "TicketPrint",
    "TicketPrinter",
    "open_printer",
    "render_ticket_png",
]
