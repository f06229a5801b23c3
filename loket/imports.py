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
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from loket import appointments
from loket.errors import DomainError
from loket.models import Appointment, AppointmentStatus, Branch, Service
from loket.queue import Context

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

    def text(self) -> str:
        lines = [f"{len(self.booked)} afspraken ingelezen, {len(self.refused)} geweigerd."]
        lines += [f"Regel {r.row}: {r.reason}" for r in self.refused]
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


def read_csv(text: str) -> list[ImportRow]:
    """Rows of a CSV with a header line; ';' or ',' separated, Dutch or English headers."""
    text = text.lstrip("\ufeff")  # Excel writes a byte-order mark
    first = text.splitlines()[0] if text.strip() else ""
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(reader, [])
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
    for line_no, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue

        def cell(name: str, cells: list[str] = cells) -> str:
            i = columns.get(name)
            return cells[i].strip() if i is not None and i < len(cells) else ""

        row = ImportRow(
            row=line_no,
            branch=cell("branch"),
            service=cell("service"),
            name=cell("name"),
            email=cell("email"),
            phone=cell("phone"),
            notes=cell("notes"),
        )
        day, moment = _parse_date(cell("date")), _parse_time(cell("time"))
        if day is None:
            row.problem = (
                f"De datum '{cell('date')}' kan ik niet lezen. Schrijf de datum zo: 25-11-2026."
            )
        elif moment is None:
            row.problem = f"De tijd '{cell('time')}' kan ik niet lezen. Schrijf de tijd zo: 09:30."
        else:
            row.start = datetime.combine(day, moment)
        rows.append(row)
    return rows


def read_ics(data: bytes | str) -> list[ImportRow]:
    """One row per VEVENT: DTSTART, SUMMARY or CATEGORIES (service), LOCATION (branch),
    ATTENDEE with CN (name and e-mail), DESCRIPTION (notes)."""
    from icalendar import Calendar

    try:
        cal = Calendar.from_ical(data)
    except ValueError:
        return [ImportRow(row=1, problem="Dit is geen geldig iCalendar-bestand (.ics).")]
    rows = []
    for number, event in enumerate(cal.walk("VEVENT"), start=1):
        row = ImportRow(row=number)
        start = event.get("dtstart")
        value = start.dt if start is not None else None
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
        rows.append(row)
    return rows


def _match_service(text: str, services: list[Service]) -> Service | None:
    key = text.strip().lower()
    if not key:
        return None
    for s in services:
        if key in (s.code, s.name_nl.lower(), s.name_en.lower()):
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
        report.booked.append(BookedRow(row.row, row.summary, booked.reference))
    return report
