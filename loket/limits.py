"""One set of limits for both databases, checked in the domain before any SQL.

PostgreSQL refuses a 10 kB name with an error (``VARCHAR(120)``) while SQLite stores it
without complaint; an integer past 2**31 overflows on one and not the other. Every
value a person or a file can send is checked here first, with a plain-Dutch refusal
that names the field but never repeats the value (it may be personal data, and a
refusal can end up in a log).

The lengths follow the columns in ``loket/models.py``; a test checks they agree.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta

from loket.errors import Refused

NAME = 120  # appointment.name, staff.name, service and branch names
EMAIL = 200  # appointment.email
PHONE = 40  # appointment.phone
NOTES = 2000  # appointment.notes (TEXT: the limit is ours)
TICKET_NOTE = 500  # ticket.transfer_note (TEXT)
REASON = 200  # day_exception.reason
CODE = 40  # branch, service and staff codes
# PostgreSQL INTEGER; SQLite would take larger ones, so both stop here.
MAX_INT = 2**31 - 1
# Appointment codes carry the day as days since 2024-01-01 in 16 bits (loket/codes.py):
# a booking must stay far inside that, and a year ahead is what a town hall plans.
FIRST_DAY = date(2024, 1, 1)
BOOK_AHEAD = timedelta(days=366)

_EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+")  # fmt: skip
_PHONE = re.compile(r"\+?[0-9 ()./-]{6,40}")


def _refuse(message: str) -> Refused:
    return Refused(message, code="limit")


def text(value: object, what: str, limit: int, *, required: bool = False,
         lines: bool = False) -> str | None:  # fmt: skip
    """The stripped text, or None when empty and not required; refused when too long,
    not text, or holding control characters (a NUL byte breaks PostgreSQL)."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise _refuse(f"{what} moet tekst zijn.")
    cleaned = value.strip()
    if not cleaned:
        if required:
            raise _refuse(f"Vul {what.lower()} in.")
        return None
    if len(cleaned) > limit:
        raise _refuse(f"{what} is te lang: hoogstens {limit} tekens, nu {len(cleaned)}.")
    allowed = {"\n", "\t"} if lines else set()
    if any(unicodedata.category(c) in ("Cc", "Cs") and c not in allowed for c in cleaned):
        raise _refuse(f"{what} bevat tekens die niet kunnen (bijvoorbeeld een tab of NUL).")
    return cleaned


def email(value: object) -> str | None:
    cleaned = text(value, "Het e-mailadres", EMAIL)
    if cleaned is not None and not _EMAIL.fullmatch(cleaned):
        raise _refuse("Het e-mailadres klopt niet. Een adres ziet eruit als naam@voorbeeld.nl.")
    return cleaned


def phone(value: object) -> str | None:
    cleaned = text(value, "Het telefoonnummer", PHONE)
    if cleaned is not None and not (
        _PHONE.fullmatch(cleaned) and sum(c.isdigit() for c in cleaned) >= 6
    ):
        raise _refuse(
            "Het telefoonnummer klopt niet: gebruik cijfers, spaties, - en eventueel + vooraan."
        )
    return cleaned


def integer(value: object, what: str, low: int = 0, high: int = MAX_INT) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _refuse(f"{what} moet een geheel getal zijn.")
    if not low <= value <= high:
        raise _refuse(f"{what} moet tussen {low} en {high} liggen.")
    return value


def appointment_start(start: object, now: datetime) -> datetime:
    """A start a person can book: a real moment, not past the booking horizon."""
    if not isinstance(start, datetime):
        raise _refuse("Het tijdstip van de afspraak ontbreekt of klopt niet.")
    if start.date() < FIRST_DAY:
        raise _refuse("Dit tijdstip is al voorbij. Kies een tijd in de toekomst.")
    if start > now + BOOK_AHEAD:
        raise _refuse(
            f"Zo ver vooruit kunt u geen afspraak maken: hoogstens {BOOK_AHEAD.days} dagen, "
            f"dus tot en met {(now + BOOK_AHEAD):%d-%m-%Y}."
        )
    return start


def day(value: date, now: datetime, what: str = "De datum", years: int = 2) -> date:
    """A day within a few years of today (plans, closures, reports)."""
    if not abs(value.year - now.year) <= years:
        raise _refuse(f"{what} ligt te ver weg: kies een dag binnen {years} jaar van vandaag.")
    return value
