"""The one localisation model: languages, their catalogues, dates and localised text.

Every text a visitor reads is written in plain Dutch in the code (Dutch is the source
language) and looked up in ``assets/translations/<code>.json`` for another language:

    {"name": "Deutsch", "direction": "ltr", "speech": "de",
     "messages": {"<Dutch text>": "<translation>", ...}}

The kiosk and display use it through their Qt ``tr()`` calls (``kiosk.i18n`` installs a
translator that reads these catalogues); the core (ticket words, letter, e-mail, .ics,
refusals) through :func:`say`. A file in that folder *is* a shipped language: adding one
is a new JSON file plus the code in ``[municipality] languages`` (docs/architecture.md).

Texts from the municipality file (service names, what to bring, the ticker) are a
mapping language -> text; :func:`pick` falls back to Dutch. Dates are worded by Babel
(CLDR) per language; times stay 24-hour digits ("09:30") in every language.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import cache
from pathlib import Path

CATALOGUES = Path(__file__).resolve().parents[1] / "assets" / "translations"
SOURCE = "nl"
"""Dutch: the language of the texts in the code, always offered."""


@dataclass(frozen=True)
class Language:
    code: str
    name: str  # in its own words: "Deutsch", "Türkçe", "العربية"
    rtl: bool
    speech: str  # the espeak-ng voice for the spoken call ("" = no speech)
    locale: str  # Babel's locale for dates ("en_GB": "Tuesday, 8 December")


def _read(code: str) -> dict[str, object]:
    data = json.loads((CATALOGUES / f"{code}.json").read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{code}.json: no table")
    return data


@cache
def shipped() -> tuple[str, ...]:
    """Every language with a catalogue, Dutch first."""
    codes = sorted(p.stem for p in CATALOGUES.glob("*.json"))
    return (SOURCE, *(c for c in codes if c != SOURCE))


@cache
def language(code: str) -> Language:
    data = _read(code)
    return Language(
        code=code,
        name=str(data["name"]),
        rtl=data.get("direction") == "rtl",
        speech=str(data.get("speech", "")),
        locale=str(data.get("locale", code)),
    )


@cache
def catalogue(code: str) -> Mapping[str, str]:
    if code == SOURCE or code not in shipped():
        return {}
    messages = _read(code).get("messages", {})
    assert isinstance(messages, dict)
    return {str(k): str(v) for k, v in messages.items() if v}


def N_(source: str) -> str:  # noqa: N802 (the gettext convention)
    """Marks a Dutch text for translation where it is defined; worded later by :func:`say`."""
    return source


def translate(code: str, source: str) -> str:
    """``source`` (Dutch) in language ``code``; the Dutch text when it has no translation."""
    return catalogue(code).get(source, source)


def say(code: str, source: str, /, **params: object) -> str:
    """``source`` translated, with ``{name}`` filled in; dates and times worded for ``code``."""
    text = translate(code, source)
    if not params:
        return text
    return text.format(**{k: word(v, code) for k, v in params.items()})


def word(value: object, code: str) -> str:
    """One parameter of a message in language ``code``."""
    if isinstance(value, datetime):
        return format_time(value)
    if isinstance(value, date):
        return format_day(value, code)
    if isinstance(value, time):
        return format_time(value)
    return str(value)


@cache
def _day_pattern(locale: str) -> str:
    """CLDR's full date pattern of ``locale`` without the year ("EEEE d MMMM")."""
    from babel import Locale

    full = Locale.parse(locale).date_formats["full"].pattern
    return re.sub(r"[\s,\u060c]*\by+\b(\s*'[^']*'\.?)?", "", full).strip(" ,\u060c")


def format_day(day: date, code: str, today: date | None = None, *, year: bool = False) -> str:
    """'dinsdag 8 december', 'Dienstag, 8. Dezember', 'Tuesday, 8 December' (Babel, CLDR);
    'vandaag' for today. With ``year`` (or in another year than ``today``) the year too."""
    from babel.dates import format_date

    if today is not None and day == today:
        return say(code, "vandaag")
    locale = language(code).locale if code in shipped() else SOURCE
    if year or (today is not None and today.year != day.year):
        return str(format_date(day, "full", locale=locale))
    return str(format_date(day, _day_pattern(locale), locale=locale))


def format_time(moment: time | datetime) -> str:
    """24-hour digits in every language: the clock on the wall and the screens."""
    return f"{moment:%H:%M}"


def pick(texts: Mapping[str, str] | None, code: str) -> str:
    """A configured text in language ``code``, or the Dutch one when it has none."""
    if not texts:
        return ""
    return texts.get(code) or texts.get(SOURCE) or ""


def ltr(text: str) -> str:
    """A ticket code, time or number kept left to right inside right-to-left text."""
    return f"\u2066{text}\u2069"


def visual(text: str) -> str:
    """Right-to-left text shaped and in visual order, for output that draws characters
    left to right as given (a PDF line, a printer): arabic-reshaper + python-bidi."""
    import arabic_reshaper
    from bidi import get_display

    return str(get_display(arabic_reshaper.reshape(text), base_dir="R"))
