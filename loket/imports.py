"""Importing appointments booked in another system, from CSV or iCalendar.

Every row is booked by the same rules as a phone booking (opening hours, what the
branch offers, capacity) with channel "import", each in its own savepoint: a refused
row never stops the others. The report names each refused row and why, in plain Dutch,
so reception can phone the resident or fix the file. Importing the same file twice
books nothing twice (a row equal to an existing appointment is refused as a duplicate).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from loket import appointments, failures, limits
from loket.errors import DomainError, Refused
from loket.models import Appointment, AppointmentStatus, Branch, Service
from loket.tickets import Context

LOCAL = ZoneInfo("Europe/Amsterdam")
HEADERS = {
    "branch": {"vestiging", "branch", "locatie", "location"},
    "service": {"dienst", "product", "service"},
    "date": {"datum", "date", "dag"},
    "time": {"tijd", "time", "begintijd", "starttijd"},
    "name": {"naam", "name"},
    "email": {"email", "e-mail", "mail", "e-mailadres"},
    "phone": {"telefoon", "phone", "tel", "telefoonnummer"},
    "notes": {"opmerking", "opmerkingen", "notes", "notitie"},
}


@dataclass
class ImportRow:
    row: int  # line in the CSV (header is line 1) or event number in the ics
    branch: str = ""
    service: str = ""
    start: datetime | None = None
    name: str = ""
    email: str = ""
    phone: str = ""
    notes: str = ""
    problem: str | None = None  # found while reading the file

    @property
    def summary(self) -> str:
        when = f"{self.start:%d-%m-%Y %H:%M}" if self.start else "?"
        return f"{when} {self.service or '?'} {self.name or ''}".strip()


@dataclass(frozen=True)
class RefusedRow:
    row: int
    summary: str
    reason: str


@dataclass(frozen=True)
class BookedRow:
    row: int
    summary: str
    reference: str


@dataclass
class ImportReport:
    booked: list[BookedRow] = field(default_factory=list)
    refused: list[RefusedRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def text(self) -> str:
        lines = [f"{len(self.booked)} afspraken ingelezen, {len(self.refused)} geweigerd."]
        lines += [f"Regel {r.row}: {r.reason}" for r in self.refused]
        lines += self.warnings
        return "\n".join(lines)


def _parse_date(text: str) -> date | None:
    text = text.strip()
    for pattern in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _parse_time(text: str) -> time | None:
    match = re.fullmatch(r"(\d{1,2})[:.](\d{2})(?::\d{2})?", text.strip())
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        return None
    return time(int(match[1]), int(match[2]))


def decode(data: bytes | str) -> str:
    """The file's text: UTF-8 (with or without the byte-order mark Excel writes) or
    Windows-1252 (Excel's "CSV" on a Dutch Windows PC); anything else is refused."""
    if isinstance(data, str):
        return data.lstrip("\ufeff")
    if b"\x00" in data:
        raise Refused(
            "Dit bestand is geen tekstbestand (het bevat binaire gegevens). Kies een CSV- of "
            ".ics-bestand.",
            code="import_encoding",
        )
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise Refused(
        "De tekens in dit bestand kan ik niet lezen. Sla het op als 'CSV UTF-8' en "
        "probeer het opnieuw.",
        code="import_encoding",
    )


def read_csv(text: str) -> list[ImportRow]:
    """Rows of a CSV with a header line; ';' or ',' separated, Dutch or English headers.

    Row numbers are the file's line numbers (the header is line 1). A field that runs
    over several lines (a quote too many or too few) is refused with its line, never
    booked with the next resident's row inside its name; a line the reader cannot parse
    stops the file with its line number."""
    text = text.lstrip("\ufeff")  # Excel writes a byte-order mark
    first = text.splitlines()[0] if text.strip() else ""
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = next(reader, [])
    except csv.Error:
        return [ImportRow(row=1, problem="De kopregel (regel 1) kan ik niet lezen.")]
    columns: dict[str, int] = {}
    for i, title in enumerate(header):
        key = title.strip().lower()
        for field_name, names in HEADERS.items():
            if key in names:
                columns[field_name] = i
    missing = [n for n in ("service", "date", "time", "name") if n not in columns]
    if missing:
        dutch = {"service": "dienst", "date": "datum", "time": "tijd", "name": "naam"}
        return [
            ImportRow(
                row=1,
                problem="De kopregel mist de kolom(men): "
                + ", ".join(dutch[m] for m in missing)
                + ".",
            )
        ]
    rows = []
    line_no = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error:
            rows.append(
                ImportRow(
                    row=line_no,
                    problem="Deze regel kan ik niet lezen (een veld is te lang of bevat "
                    "tekens die niet kunnen). De rest van het bestand is niet ingelezen.",
                )
            )
            break
        start_line, line_no = line_no, reader.line_num + 1
        if not any(c.strip() for c in cells):
            continue

        def cell(name: str, cells: list[str] = cells) -> str:
            i = columns.get(name)
            return cells[i].strip() if i is not None and i < len(cells) else ""

        row = ImportRow(
            row=start_line,
            branch=cell("branch"),
            service=cell("service"),
            name=cell("name"),
            email=cell("email"),
            phone=cell("phone"),
            notes=cell("notes"),
        )
        day, moment = _parse_date(cell("date")), _parse_time(cell("time"))
        spans = line_no - start_line
        if spans > 1 and any("\n" in c for i, c in enumerate(cells) if i != columns.get("notes")):
            row.problem = (
                f"Deze regel loopt door tot regel {line_no - 1}: waarschijnlijk staat er een "
                'aanhalingsteken (") te veel of te weinig. Deze regels zijn niet ingelezen.'
            )
        elif day is None:
            row.problem = (
                f"De datum '{cell('date')[:20]}' kan ik niet lezen. Schrijf de datum zo: "
                "25-11-2026."
            )
        elif moment is None:
            row.problem = (
                f"De tijd '{cell('time')[:20]}' kan ik niet lezen. Schrijf de tijd zo: 09:30."
            )
        else:
            row.start = datetime.combine(day, moment)
        rows.append(row)
    return rows


def count_check(text: str, rows: list[ImportRow]) -> str | None:
    """A warning when fewer rows were read than the file has data lines (a swallowed
    row); multi-line notes in quotes are counted as the lines they span."""
    lines = [line for line in text.lstrip("\ufeff").splitlines()[1:] if line.strip()]
    spanned = sum(1 for r in rows if r.problem and "loopt door" in r.problem)
    if len(rows) < len(lines) and (spanned or not any(r.problem for r in rows)):
        return (
            f"Het bestand heeft {len(lines)} regels met gegevens, ik las er {len(rows)} "
            "afspraken uit. Controleer de regels hierboven."
        )
    return None


def read_ics(data: bytes | str) -> list[ImportRow]:
    """One row per VEVENT: DTSTART, SUMMARY or CATEGORIES (service), LOCATION (branch),
    ATTENDEE with CN (name and e-mail), DESCRIPTION (notes)."""
    from icalendar import Calendar

    try:
        cal = Calendar.from_ical(data)
        events = list(cal.walk("VEVENT"))
    except (ValueError, KeyError, IndexError, TypeError, AttributeError, RecursionError):
        return [ImportRow(row=1, problem="Dit is geen geldig iCalendar-bestand (.ics).")]
    rows = []
    for number, event in enumerate(events, start=1):
        try:
            rows.append(_ics_row(number, event))
        except (ValueError, KeyError, IndexError, TypeError, AttributeError, OverflowError):
            rows.append(
                ImportRow(row=number, problem="Deze afspraak in het bestand kan ik niet lezen.")
            )
    return rows


def _ics_row(number: int, event: Any) -> ImportRow:
    """One VEVENT as a row; a value the library cannot read raises (caught above)."""
    row = ImportRow(row=number)
    start = event.get("dtstart")
    value = getattr(start, "dt", None) if start is not None else None
    if isinstance(value, datetime):
        # Times in another zone or UTC are turned into local wall-clock time.
        row.start = value.astimezone(LOCAL).replace(tzinfo=None) if value.tzinfo else value
    else:
        row.problem = "De afspraak heeft geen begintijd (DTSTART met een tijd)."
    categories = event.get("categories")
    category = ""
    if categories is not None:
        cats = categories if isinstance(categories, list) else [categories]
        category = ",".join(",".join(str(x) for x in c.cats) for c in cats)
    row.service = str(event.get("x-loket-service") or category or event.get("summary") or "")
    row.branch = str(event.get("location") or "")
    attendee = event.get("attendee")
    if isinstance(attendee, list):
        attendee = attendee[0] if attendee else None
    if attendee is not None:
        row.name = str(attendee.params.get("CN", "")).strip()
        address = str(attendee)
        row.email = address[7:] if address.lower().startswith("mailto:") else ""
    row.notes = str(event.get("description") or "")
    return row


def _match_service(text: str, services: list[Service]) -> Service | None:
    key = text.strip().lower()
    if not key:
        return None
    for s in services:
        if key in (s.code, *(name.lower() for name in (s.name_text or {}).values())):
            return s
    # "Afspraak: Paspoort aanvragen" or "paspoort" as a word in a longer text.
    hits = [
        s
        for s in services
        if s.name_nl.lower() in key or re.search(rf"\b{re.escape(s.code)}\b", key)
    ]
    return hits[0] if len(hits) == 1 else None


def _match_branch(text: str, branches: list[Branch], default: Branch | None) -> Branch | None:
    key = text.strip().lower()
    if not key:
        return default
    for b in branches:
        if key in (b.code, b.name.lower()):
            return b
    hits = [
        b
        for b in branches
        if b.code in key or b.name.lower() in key or (b.address and b.address.lower() in key)
    ]
    return hits[0] if len(hits) == 1 else None


def import_rows(
    session: Session, ctx: Context, rows: list[ImportRow], default_branch: Branch | None = None
) -> ImportReport:
    report = ImportReport()
    services = list(session.scalars(select(Service).where(Service.active)))
    branches = list(session.scalars(select(Branch)))
    for row in rows:

        def refuse(reason: str, row: ImportRow = row) -> None:
            report.refused.append(RefusedRow(row.row, row.summary, reason))

        if row.problem:
            refuse(row.problem)
            continue
        service = _match_service(row.service, services)
        if service is None:
            refuse(
                f"De dienst '{row.service}' ken ik niet. Gebruik de naam of code van een "
                "dienst, bijvoorbeeld 'paspoort'."
            )
            continue
        branch = _match_branch(row.branch, branches, default_branch)
        if branch is None:
            refuse(
                f"De vestiging '{row.branch}' ken ik niet."
                if row.branch
                else "Er staat geen vestiging bij."
            )
            continue
        if not row.name:
            refuse("Er staat geen naam bij. Zonder naam kunnen we de afspraak niet maken.")
            continue
        assert row.start is not None
        try:
            limits.text(row.name, "De naam", limits.NAME, required=True)
        except DomainError as exc:
            refuse(exc.message)
            continue
        existing = session.scalar(
            select(Appointment.reference).where(
                Appointment.branch_id == branch.id,
                Appointment.service_id == service.id,
                Appointment.start == row.start,
                Appointment.name == row.name,
                Appointment.status.in_([AppointmentStatus.BOOKED, AppointmentStatus.CHECKED_IN]),
            )
        )
        if existing:
            refuse(f"Deze afspraak staat er al in (afspraaknummer {existing}).")
            continue
        try:
            # Each row in its own savepoint: a refused row (or one the database refuses)
            # leaves the others booked.
            with session.begin_nested():
                booked = appointments.book(
                    session,
                    ctx,
                    branch,
                    service,
                    row.start,
                    name=row.name,
                    email=row.email or None,
                    phone=row.phone or None,
                    notes=row.notes or None,
                    channel="import",
                )
        except DomainError as exc:
            refuse(exc.message)
            continue
        except DBAPIError as exc:
            refuse(failures.describe(exc, "deze afspraak opslaan").message)
            continue
        report.booked.append(BookedRow(row.row, row.summary, booked.reference))
    return report
