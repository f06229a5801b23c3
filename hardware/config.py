"""Which devices this PC has: the ``[hardware]`` table of the PC's TOML settings file.

[hardware]
printer = "network://192.168.10.20:9100"   # usb://0x04b8:0x0e15, serial:///dev/ttyUSB0?baudrate=38400,
                                           # file:///dev/usb/lp0,
                                               # win32raw://EPSON TM-T20II, fake://, none://
printer_profile = "TM-T20II"
card_reader = "pcsc"                       # pcsc | fake | none
scanner = "serial:///dev/ttyACM0"          # serial://...?baudrate=9600 | wedge | camera | none
wedge_prefix = ""                          # character the wedge scanner sends first, if set up
announcer = "qt"                           # qt | espeak | fake
volume = 0.8
language = "nl"
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from hardware.printer_url import parse_printer_url
from hardware.ticket import Language

CARD_READERS = ("pcsc", "fake", "none")
ANNOUNCERS = ("qt", "espeak", "fake")
SCANNER_KINDS = ("wedge", "camera", "none", "fake")


@dataclass(frozen=True)
class HardwareConfig:
    printer: str = "none://"
    printer_profile: str = "TM-T20II"
    card_reader: str = "none"
    scanner: str = "none"
    wedge_prefix: str = ""
    announcer: str = "qt"
    volume: float = 0.8
    language: Language = "nl"

    def __post_init__(self) -> None:
        if self.printer in ("none", ""):
            object.__setattr__(self, "printer", "none://")
        if self.printer == "fake":
            object.__setattr__(self, "printer", "fake://")
        parse_printer_url(self.printer)
        if self.card_reader not in CARD_READERS:
            raise ValueError(f"card_reader must be one of {CARD_READERS}, not {self.card_reader!r}")
        if self.announcer not in ANNOUNCERS:
            raise ValueError(f"announcer must be one of {ANNOUNCERS}, not {self.announcer!r}")
        if not (self.scanner in SCANNER_KINDS or self.scanner.startswith("serial://")):
            raise ValueError(f"scanner must be serial://PORT or one of {SCANNER_KINDS}")
        if not 0.0 <= self.volume <= 1.0:
            raise ValueError(f"volume must be between 0.0 and 1.0, not {self.volume}")
        if self.language not in ("nl", "en"):
            raise ValueError(f"language must be 'nl' or 'en', not {self.language!r}")

    @property
    def scanner_kind(self) -> str:
        return "serial" if self.scanner.startswith("serial://") else self.scanner

    @property
    def scanner_port(self) -> str:
        return self.scanner.removeprefix("serial://").partition("?")[0]

    @property
    def scanner_baudrate(self) -> int:
        query = self.scanner.partition("?")[2]
        return int(parse_qs(query).get("baudrate", ["9600"])[-1])

    @classmethod
    def from_table(cls, table: dict[str, Any]) -> HardwareConfig:
        known = {f.name for f in fields(cls)}
        unknown = set(table) - known
        if unknown:
            raise ValueError(f"unknown [hardware] settings: {', '.join(sorted(unknown))}")
        values = dict(table)
        if "volume" in values:
            values["volume"] = float(values["volume"])
        return cls(**values)

    @classmethod
    def from_toml(cls, text: str) -> HardwareConfig:
        return cls.from_table(tomllib.loads(text).get("hardware", {}))

    @classmethod
    def load(cls, path: str | Path) -> HardwareConfig:
        return cls.from_toml(Path(path).read_text(encoding="utf-8"))
