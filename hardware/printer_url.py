"""Printer addresses as one string per PC, e.g. ``network://10.0.0.5:9100``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from urllib.parse import parse_qs, unquote

PrinterKind = Literal["network", "usb", "serial", "file", "win32raw", "fake", "none"]


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
        if self.kind == "network":
            return f"network://{self.host}:{self.port}"
        if self.kind == "usb":
            return f"usb://{self.vendor_id:#06x}:{self.product_id:#06x}"
        if self.kind == "serial":
            return f"serial://{self.path}?baudrate={self.baudrate}"
        if self.kind == "file":
            return f"file://{self.path}"
        if self.kind == "win32raw":
            return f"win32raw://{self.name}"
        return f"{self.kind}://"


def parse_printer_url(url: str) -> PrinterAddress:
    scheme, sep, rest = url.strip().partition("://")
    if not sep:
        raise ValueError(f"printer address needs a scheme such as network://, got {url!r}")
    scheme = scheme.lower()
    rest, _, query = rest.partition("?")
    params = {k: v[-1] for k, v in parse_qs(query).items()}
    if scheme == "network":
        host, _, port = rest.rstrip("/").rpartition(":")
        if not host:
            host, port = rest.rstrip("/"), "9100"
        if not host:
            raise ValueError(f"network printer needs a host: {url!r}")
        return PrinterAddress("network", host=host.strip("[]"), port=int(port))
    if scheme == "usb":
        vendor, _, product = rest.rstrip("/").partition(":")
        if not product:
            raise ValueError(
                f"USB printer needs vendor:product ids, e.g. usb://0x04b8:0x0e15: {url!r}"
            )
        return PrinterAddress("usb", vendor_id=int(vendor, 16), product_id=int(product, 16))
    if scheme == "serial":
        if not rest:
            raise ValueError(f"serial printer needs a device path: {url!r}")
        return PrinterAddress(
            "serial", path=unquote(rest), baudrate=int(params.get("baudrate", 9600))
        )
    if scheme == "file":
        if not rest:
            raise ValueError(f"file printer needs a path: {url!r}")
        return PrinterAddress("file", path=unquote(rest))
    if scheme == "win32raw":
        return PrinterAddress("win32raw", name=unquote(rest.rstrip("/")))
    if scheme in ("fake", "none"):
        return PrinterAddress(scheme)  # type: ignore[arg-type]
    raise ValueError(f"unknown printer scheme {scheme!r} in {url!r}")
