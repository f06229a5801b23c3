"""Privacy by design: personal data is kept only as long as the visit needs it.

- ``purge``: residents' names, contact data and notes of appointments, feedback
  comments and the staff's free-text notes on tickets are removed once the visit is
  more than ``municipality.purge_after_days`` full days ago. Everything anonymous stays
  (appointment rows with service, time and status; tickets; events), so statistics do
  not change. Bulk UPDATEs: the purge never reads the data it removes.
- ``purge_if_due``: the same, when data is actually due (checked in the data, not
  trusted from the last ``privacy.purged`` event); the UIs call it from a timer and a
  systemd timer or cron line runs ``loket privacy purge`` (docs/architecture.md).
- ``export``: everything stored about one appointment, for the resident's right of access.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, time, timedelta
from typing import Any, TypedDict, cast

from sqlalchemy import CursorResult, Update, func, or_, select, text, update
from sqlalchemy.orm import Session

from loket import events, status_words, tickets
from loket.appointments import get_by_reference
from loket.models import Appointment, Event, Feedback, Ticket
from loket.tickets import Context

PURGED_EVENT = "privacy.purged"
EXPORTED_EVENT = "privacy.exported"
# The staff roles whose PCs run the daily purge. Kiosk and display PCs stand in the
# public hall; their database roles hold no rights on personal data at all, so for
# them purge_if_due does nothing (loket/db_roles.py).
AUTO_PURGE_ROLES = frozenset({"system", "counter", "reception", "manager", "admin"})
# Any constant: serialises two PCs whose timers fire at the same moment (PostgreSQL;
# on SQLite the write transaction's BEGIN IMMEDIATE already does).
_PURGE_LOCK = 0x50524956


@dataclass(frozen=True)
class PurgeReport:
    cutoff: datetime
    appointments: int
    feedback: int
    ticket_notes: int

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "cutoff": self.cutoff.isoformat(timespec="minutes")}

    def text(self) -> str:
        return (
            f"Persoonsgegevens van bezoeken vóór {self.cutoff:%d-%m-%Y} verwijderd: "
            f"{self.appointments} afspraken, {self.feedback} opmerkingen bij "
            f"beoordelingen, {self.ticket_notes} notities bij nummers."
        )


def cutoff(session: Session, now: datetime) -> datetime:
    """Visits before this moment are old enough: ``purge_after_days`` full days ago."""
    days = tickets.settings(session).purge_after_days
    return datetime.combine(now.date() - timedelta(days=days), time.min)


def _changed(session: Session, statement: Update) -> int:
    """Rows an UPDATE changed; it runs as one statement, nothing is loaded first."""
    result = session.execute(statement.execution_options(synchronize_session=False))
    return int(cast(CursorResult[Any], result).rowcount)


def purge(session: Session, ctx: Context) -> PurgeReport:
    until = cutoff(session, ctx.now)
    appointments = _changed(
        session,
        update(Appointment)
        .where(Appointment.start < until, Appointment.purged_at.is_(None))
        .values(name=None, email=None, phone=None, notes=None, purged_at=ctx.now),
    )
    feedback = _changed(
        session,
        update(Feedback)
        .where(Feedback.at < until, Feedback.comment.is_not(None))
        .values(comment=None),
    )
    # Staff may write anything in a transfer or park note, a name included.
    notes = _changed(
        session,
        update(Ticket)
        .where(Ticket.day < until.date(), Ticket.transfer_note.is_not(None))
        .values(transfer_note=None),
    )
    report = PurgeReport(
        cutoff=until, appointments=appointments, feedback=feedback, ticket_notes=notes
    )
    events.append(session, at=ctx.now, kind=PURGED_EVENT, actor=ctx.actor, data=report.to_dict())
    return report


def last_purge(session: Session) -> datetime | None:
    return session.scalar(select(func.max(Event.at)).where(Event.kind == PURGED_EVENT))


def due(session: Session, now: datetime) -> bool:
    """Whether any personal data is old enough to go. The data itself decides, not a
    date in the event log (an event can be forged, a clock can be wrong)."""
    until = cutoff(session, now)
    checks = (
        select(Appointment.id).where(Appointment.start < until, Appointment.purged_at.is_(None)),
        select(Feedback.id).where(Feedback.at < until, Feedback.comment.is_not(None)),
        select(Ticket.id).where(Ticket.day < until.date(), Ticket.transfer_note.is_not(None)),
    )
    return any(session.scalar(q.limit(1)) is not None for q in checks)


def purge_if_due(session: Session, ctx: Context) -> PurgeReport | None:
    """Purge when personal data is due (``due``); None when nothing is, or this PC's
    role holds no rights on personal data."""
    if not ctx.actor.roles & AUTO_PURGE_ROLES:
        return None
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(text(f"pg_advisory_xact_lock({_PURGE_LOCK})")))
    if not due(session, ctx.now):
        return None
    return purge(session, ctx)


class TicketRecord(TypedDict):
    number: str
    day: str
    service: str
    kind: str
    status: str
    issued_at: str | None
    first_called_at: str | None
    started_at: str | None
    finished_at: str | None
    counter: int | None
    call_count: int
    waited_minutes: int | None
    outcome: str | None
    note: str | None


class EventLine(TypedDict):
    at: str | None
    kind: str
    workstation: str | None
    data: dict[str, object] | None


class RatingRecord(TypedDict):
    at: str | None
    score: int | None
    friendliness: int | None
    speed: int | None
    expertise: int | None
    comment: str | None


class AppointmentRecord(TypedDict):
    reference: str
    branch: str
    branch_name: str
    service: str
    service_name: str
    start: str | None
    duration_minutes: int
    status: str
    channel: str
    created_at: str | None
    checked_in_at: str | None
    call_by_name: bool
    needs_assistance: bool
    follow_up_of: str | None
    name: str | None
    email: str | None
    phone: str | None
    notes: str | None
    purged_at: str | None


class PrivacyExport(TypedDict):
    """Everything stored about one appointment (the resident's right of access)."""

    appointment: AppointmentRecord
    tickets: list[TicketRecord]
    events: list[EventLine]
    feedback: list[RatingRecord]


# -- the resident's right of access --------------------------------------------------

STATUS_NL = {
    **{k: v.lower() for k, v in status_words.APPOINTMENT.items()},
    **{k: v.lower() for k, v in status_words.TICKET.items()},
}


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None


def _ticket(t: Ticket) -> TicketRecord:
    waited = None
    if t.first_called_at is not None:
        waited = max(0, int((t.first_called_at - t.wait_from).total_seconds() // 60))
    return {
        "number": t.number,
        "day": t.day.isoformat(),
        "service": t.service.code,
        "kind": t.kind.value,
        "status": t.status.value,
        "issued_at": _iso(t.issued_at),
        "first_called_at": _iso(t.first_called_at),
        "started_at": _iso(t.started_at),
        "finished_at": _iso(t.finished_at),
        "counter": t.counter.number if t.counter else None,
        "call_count": t.call_count,
        "waited_minutes": waited,
        "outcome": t.outcome,
        "note": t.transfer_note,
    }


def export(session: Session, ctx: Context, reference: str) -> PrivacyExport:
    """Everything stored about one appointment; the look itself is logged (reference only)."""
    a = get_by_reference(session, reference)
    follow_up_of = session.get(Appointment, a.follow_up_of_id) if a.follow_up_of_id else None
    own_tickets = list(
        session.scalars(select(Ticket).where(Ticket.appointment_id == a.id).order_by(Ticket.id))
    )
    ticket_ids = [t.id for t in own_tickets]
    rows = session.scalars(
        select(Event)
        .where(or_(Event.appointment_id == a.id, Event.ticket_id.in_(ticket_ids)))
        .order_by(Event.id)
    )
    found: list[EventLine] = [
        {"at": _iso(e.at), "kind": e.kind, "workstation": e.workstation, "data": e.data}
        for e in rows
    ]
    ratings = (
        list(
            session.scalars(
                select(Feedback).where(Feedback.ticket_id.in_(ticket_ids)).order_by(Feedback.id)
            )
        )
        if ticket_ids
        else []
    )
    data: PrivacyExport = {
        "appointment": {
            "reference": a.reference,
            "branch": a.branch.code,
            "branch_name": a.branch.name,
            "service": a.service.code,
            "service_name": a.service.name_nl,
            "start": _iso(a.start),
            "duration_minutes": a.duration_minutes,
            "status": a.status.value,
            "channel": a.channel,
            "created_at": _iso(a.created_at),
            "checked_in_at": _iso(a.checked_in_at),
            "call_by_name": a.call_by_name,
            "needs_assistance": a.needs_assistance,
            "follow_up_of": follow_up_of.reference if follow_up_of else None,
            "name": a.name,
            "email": a.email,
            "phone": a.phone,
            "notes": a.notes,
            "purged_at": _iso(a.purged_at),
        },
        "tickets": [_ticket(t) for t in own_tickets],
        "events": found,
        "feedback": [
            {
                "at": _iso(f.at),
                "score": f.score,
                "friendliness": f.friendliness,
                "speed": f.speed,
                "expertise": f.expertise,
                "comment": f.comment,
            }
            for f in ratings
        ],
    }
    events.append(
        session,
        at=ctx.now,
        kind=EXPORTED_EVENT,
        actor=ctx.actor,
        branch_id=a.branch_id,
        appointment_id=a.id,
        data={"reference": a.reference},
    )
    return data


def _when(value: str | None) -> str:
    return f"{datetime.fromisoformat(value):%d-%m-%Y %H:%M}" if value else "-"


def export_text(data: PrivacyExport) -> str:
    """The export in plain Dutch, for printing or reading aloud to the resident."""
    a = data["appointment"]
    gone = f"(verwijderd op {_when(a['purged_at'])})" if a["purged_at"] else "(niet opgegeven)"
    lines = [
        f"Afspraak {a['reference']}",
        f"  Waar: {a['branch_name']}",
        f"  Waarvoor: {a['service_name']}",
        f"  Wanneer: {_when(a['start'])} ({a['duration_minutes']} minuten)",
        f"  Stand: {STATUS_NL.get(a['status'], a['status'])}",
        f"  Gemaakt op: {_when(a['created_at'])} (via {a['channel']})",
        f"  Ingecheckt: {_when(a['checked_in_at'])}",
        f"  Oproepen met naam: {'ja' if a['call_by_name'] else 'nee'}",
        f"  Hulp nodig: {'ja' if a['needs_assistance'] else 'nee'}",
    ]
    if a["follow_up_of"]:
        lines.append(f"  Vervolg op afspraak: {a['follow_up_of']}")
    for label, value in (
        ("Naam", a["name"]),
        ("E-mail", a["email"]),
        ("Telefoon", a["phone"]),
        ("Notities", a["notes"]),
    ):
        lines.append(f"  {label}: {value or gone}")
    lines.append("Nummers")
    for t in data["tickets"] or []:
        counter = f", balie {t['counter']}" if t["counter"] else ""
        waited = f", gewacht {t['waited_minutes']} min" if t["waited_minutes"] is not None else ""
        lines.append(
            f"  {t['number']} op {t['day']}: {STATUS_NL.get(t['status'], t['status'])}"
            f", uitgegeven {_when(t['issued_at'])}{waited}{counter}"
        )
        if t["note"]:
            lines.append(f"    Notitie: {t['note']}")
    if not data["tickets"]:
        lines.append("  (geen)")
    lines.append("Beoordelingen")
    for f in data["feedback"]:
        comment = f", opmerking: {f['comment']}" if f["comment"] else ""
        lines.append(f"  {_when(f['at'])}: cijfer {f['score']}{comment}")
    if not data["feedback"]:
        lines.append("  (geen)")
    lines.append("Wat er is gebeurd")
    lines += [f"  {_when(e['at'])} {e['kind']}" for e in data["events"]]
    return "\n".join(lines)
