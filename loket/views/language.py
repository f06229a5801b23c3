"""The localisation model for the UIs (``kiosk``, ``counter``): see ``loket.language``."""

from __future__ import annotations

from loket.language import (
    N_,
    SOURCE,
    Language,
    format_day,
    format_time,
    language,
    ltr,
    pick,
    say,
    shipped,
    translate,
)

__all__ = [
    "SOURCE",
    "Language",
    "N_",
    "format_day",
    "format_time",
    "language",
    "ltr",
    "pick",
    "say",
    "shipped",
    "translate",
]
