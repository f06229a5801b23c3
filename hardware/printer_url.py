"""Printer addresses as one string per PC, e.g. ``network://10.0.0.5:9100``.

Each scheme is one entry in ``SCHEMES``: how its address is read and written. How a
scheme connects is the matching entry in ``hardware.printer.CONNECTIONS``. A new printer
connection is one ``register_scheme`` here and one ``register_connection`` there.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote

# The schemes shipped with Loket; ``SCHEMES`` is the authority (others may be added).
PrinterKind = str


@dataclass(frozen=True)
class PrinterAddress:
    kind: PrinterKind
    host: str = ""
    port: int = 9100
    vendor_id: int = 0
    product_id: int = 0
    path: str = ""
    baudrate: int = 9600
    name: str = ""

    def __str__(self) -> str:
        scheme = SCHEMES.get(self.kind)
        return scheme.format(self) if scheme else f"{self.kind}://"


@dataclass(frozen=True)
class PrinterScheme:
    """``parse(rest, params, url)``: the address after ``scheme://`` (``params`` from the
    query string); raises ValueError naming the problem. ``format``: back to a string.
    ``reads_status``: the printer answers status queries (paper, online)."""

    name: str
    parse: Callable[[str, Mapping[str, str], str], PrinterAddress]
    format: Callable[[PrinterAddress], str]
    reads_status: bool = False


SCHEMES: dict[str, PrinterScheme] = {}


def register_scheme(scheme: PrinterScheme) -> PrinterScheme:
    SCHEMES[scheme.name] = scheme
    return scheme


def _network(rest: str, params: Mapping[str, str], url: str) -> PrinterAddress:
    host, _, port = rest.rstrip("/").rpartition(":")
    if not host:
        host, port = rest.rstrip("/"), "9100"
    if not host:
        raise ValueError(f"network printer needs a host: {url!r}")
    return PrinterAddress("network", host=host.strip("[]"), port=int(port))


def _usb(rest: str, params: Mapping[str, str], url: str) -> PrinterAddress:
    vendor, _, product = rest.rstrip("/").partition(":")
    if not product:
        raise ValueError(f"USB printer needs vendor:product ids, e.g. usb://0x04b8:0x0e15: {url!r}")
    return PrinterAddress("usb", vendor_id=int(vendor, 16), product_id=int(product, 16))


def _serial(rest: str, params: Mapping[str, str], url: str) -> PrinterAddress:
    if not rest:
        raise ValueError(f"serial printer needs a device path: {url!r}")
    return PrinterAddress("serial", path=unquote(rest), baudrate=int(params.get("baudrate", 9600)))


def _file(rest: str, params: Mapping[str, str], url: str) -> PrinterAddress:
    if not rest:
        raise ValueError(f"file printer needs a path: {url!r}")
    return PrinterAddress("file", path=unquote(rest))


register_scheme(PrinterScheme("network", _network, lambda a: f"network://{a.host}:{a.port}", True))
register_scheme(
    PrinterScheme(
        "usb", _usb, lambda a: f"usb://{a.vendor_id:#06x}:{a.product_id:#06x}", reads_status=True
    )
)
register_scheme(
    PrinterScheme(
        "serial", _serial, lambda a: f"serial://{a.path}?baudrate={a.baudrate}", reads_status=True
    )
)
register_scheme(PrinterScheme("file", _file, lambda a: f"file://{a.path}"))
register_scheme(
    PrinterScheme(
        "win32raw",
        lambda rest, params, url: PrinterAddress("win32raw", name=unquote(rest.rstrip("/"))),
        lambda a: f"win32raw://{a.name}",
    )
)


def _bare(kind: str) -> PrinterScheme:
    """A scheme without an address: ``fake://`` (in memory) and ``none://``."""

    def parse(rest: str, params: Mapping[str, str], url: str) -> PrinterAddress:
        return PrinterAddress(kind)

    return PrinterScheme(kind, parse, lambda a: f"{a.kind}://")


register_scheme(_bare("fake"))
register_scheme(_bare("none"))


def parse_printer_url(url: str) -> PrinterAddress:
    scheme_name, sep, rest = url.strip().partition("://")
    if not sep:
        raise ValueError(f"printer address needs a scheme such as network://, got {url!r}")
    scheme = SCHEMES.get(scheme_name.lower())
    if scheme is None:
        raise ValueError(f"unknown printer scheme {scheme_name.lower()!r} in {url!r}")
    rest, _, query = rest.partition("?")
    params = {k: v[-1] for k, v in parse_qs(query).items()}
    return scheme.parse(rest, params, url)
