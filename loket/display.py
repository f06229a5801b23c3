"""What the public screens read: the waiting-room display and the kiosk's start screen.

Plain reads, no Qt. A visitor's name reaches a public screen only through
:func:`display_name`, and only when that visitor asked to be called by name
(``Appointment.call_by_name``); everyone else is shown by number (privacy by default).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import column, func, select, table
from sqlalchemy.orm import Session, object_session

from loket import events, hall, tickets
from loket.errors import Refused
from loket.hours import next_walk_in_opening, period_at, periods_on
from loket.language import pick
from loket.models import (
    Appointment,
    Branch,
    BranchService,
    Counter,
    CounterService,
    PeriodMode,
    Service,
    Ticket,
    TicketStatus,
)
from loket.tickets import Context


@dataclass(frozen=True)
class DisplayCall:
    number: str
    counter: int | None
    called_at: datetime | None
    call_count: int
    # Only set when the visitor chose to be called by name.
    display_name: str | None = None
    # The language the visitor chose at the kiosk: the spoken call is in it.
    language: str = "nl"


@dataclass(frozen=True)
class ServiceWait:
    code: str
    prefix: str
    name_nl: str
    icon: str
    waiting: int
    expected_wait_minutes: int
    walk_in: bool
    names: dict[str, str] = field(default_factory=dict)

    def name(self, language: str = "nl") -> str:
        return pick(self.names, language) or self.name_nl


@dataclass(frozen=True)
class DisplayState:
    branch: str
    branch_name: str
    municipality: str
    now: datetime
    calls: list[DisplayCall]
    services: list[ServiceWait]
    info_lines: dict[str, str] = field(default_factory=dict)
    # To tell this branch's events in the feed from other branches' (same numbers).
    branch_id: int = 0
    # [municipality] languages: the display shows Dutch and, in turn, the others.
    languages: tuple[str, ...] = ("nl",)

    def info_line(self, language: str = "nl") -> str:
        return pick(self.info_lines, language)


@dataclass(frozen=True)
class BranchStatus:
    """Whether a visitor without an appointment can take a number now, and if not, why.

    ``mode``: "open" (walk-ins welcome), "appointment_only" (until ``until``) or "closed".
    The kiosk words the message itself in the visitor's language from these fields;
    ``reason_nl`` is the configured reason of a closure (Dutch only).
    """

    branch: str
    branch_name: str
    mode: str
    until: time | None = None
    next_walk_in: datetime | None = None
    reason_nl: str | None = None
    walk_in_services: list[str] = field(default_factory=list)

    @property
    def walk_in_now(self) -> bool:
        return self.mode == "open"


# The view of migration 0003 (PostgreSQL): names of visitors who chose to be called by
# name, the only names the display's database role may read (docs/architecture.md).
DISPLAY_NAME_VIEW = table("display_name", column("appointment_id"), column("name"))


def display_name(ticket: Ticket) -> str | None:
    """The name a public screen may show for this ticket: only with the visitor's consent."""
    session = object_session(ticket)
    if ticket.appointment_id is None or session is None:
        return None
    if session.get_bind().dialect.name == "postgresql":
        name = session.scalar(
            select(DISPLAY_NAME_VIEW.c.name).where(
                DISPLAY_NAME_VIEW.c.appointment_id == ticket.appointment_id
            )
        )
    else:
        name = session.scalar(
            select(Appointment.name).where(
                Appointment.id == ticket.appointment_id, Appointment.call_by_name
            )
        )
    return name or None


def _counters_per_service(session: Session, branch: Branch) -> dict[int, int]:
    rows = session.execute(
        select(CounterService.service_id, func.count(Counter.id))
        .join(Counter, Counter.id == CounterService.counter_id)
        .where(Counter.branch_id == branch.id, Counter.active)
        .group_by(CounterService.service_id)
    )
    return {service_id: int(n) for service_id, n in rows}


def service_waits(session: Session, branch: Branch, day: date) -> list[ServiceWait]:
    """Waiting visitors and the expected wait of a newcomer, per service offered here."""
    waiting_rows = session.execute(
        select(Ticket.service_id, func.count(Ticket.id))
        .where(
            Ticket.branch_id == branch.id, Ticket.day == day, Ticket.status == TicketStatus.WAITING
        )
        .group_by(Ticket.service_id)
    )
    waiting = {service_id: int(n) for service_id, n in waiting_rows}
    counters = _counters_per_service(session, branch)
    offered = session.execute(
        select(Service, BranchService)
        .join(BranchService, BranchService.service_id == Service.id)
        .where(BranchService.branch_id == branch.id, Service.active)
        .order_by(Service.prefix)
    )
    result = []
    for service, offer in offered:
        n = waiting.get(service.id, 0)
        # The same estimate a new ticket gets (loket.queue_state.predict_wait): the work
        # ahead shared by the counters equipped for the service.
        minutes = round(n * service.duration_minutes / max(1, counters.get(service.id, 0)))
        result.append(
            ServiceWait(
                code=service.code,
                prefix=service.prefix,
                name_nl=service.name_nl,
                names=dict(service.name_text or {}),
                icon=service.icon,
                waiting=n,
                expected_wait_minutes=minutes,
                walk_in=offer.walk_in,
            )
        )
    return result


def display_state(session: Session, branch: Branch, now: datetime, calls: int = 6) -> DisplayState:
    muni = tickets.settings(session)
    recent = tickets.recent_calls(session, branch, now.date(), limit=calls)
    return DisplayState(
        branch=branch.code,
        branch_name=branch.name,
        municipality=muni.name,
        now=now,
        calls=[
            DisplayCall(
                number=t.number,
                counter=t.counter.number if t.counter else None,
                called_at=t.last_called_at,
                call_count=t.call_count,
                display_name=display_name(t),
                language=t.language,
            )
            for t in recent
        ],
        services=service_waits(session, branch, now.date()),
        info_lines=dict(muni.info_line_text or {}),
        branch_id=branch.id,
        languages=tuple(muni.languages or ("nl",)),
    )


def branch_status(session: Session, branch: Branch, now: datetime) -> BranchStatus:
    walk_in = [
        s.code
        for s, o in session.execute(
            select(Service, BranchService)
            .join(BranchService, BranchService.service_id == Service.id)
            .where(BranchService.branch_id == branch.id, Service.active, BranchService.walk_in)
            .order_by(Service.prefix)
        )
    ]
    common: dict[str, Any] = {
        "branch": branch.code,
        "branch_name": branch.name,
        "walk_in_services": walk_in,
    }
    period = period_at(branch, now)
    again = next_walk_in_opening(branch, now)
    if period is None:
        _, reason = periods_on(branch, now.date())
        return BranchStatus(mode="closed", next_walk_in=again, reason_nl=reason, **common)
    if period.mode is PeriodMode.APPOINTMENT:
        return BranchStatus(mode="appointment_only", until=period.end, next_walk_in=again, **common)
    return BranchStatus(mode="open", until=period.end, **common)


ALERT_KINDS = frozenset({"printer", "scanner", "assistance", "kiosk", "code_guessing"})
_SAFE_KEY = re.compile(r"[a-z_]{1,30}")


def raise_device_alert(
    session: Session, ctx: Context, kind: str, branch: Branch | None, data: dict[str, object]
) -> int:
    """Staff alert as event ``alert.<kind>``; data are short technical facts only.

    Free text could carry personal data into the append-only log, so values are limited
    to numbers, booleans and short words.
    """
    if kind not in ALERT_KINDS:
        raise Refused(f"Onbekend soort melding '{kind}'.", code="alert_kind")
    clean: dict[str, object] = {}
    for key, value in data.items():
        if not _SAFE_KEY.fullmatch(key):
            raise Refused(f"Ongeldig veld '{key}' in de melding.", code="alert_data")
        if isinstance(value, str):
            value = value[:60]
        elif value is not None and not isinstance(value, int | float | bool):
            raise Refused(f"Ongeldige waarde voor '{key}' in de melding.", code="alert_data")
        clean[key] = value
    if hall.uses_functions(session):
        return hall.raise_device_alert(session, ctx, kind, branch, clean)
    event = events.append(
        session,
        at=ctx.now,
        kind=f"alert.{kind}",
        actor=ctx.actor,
        branch_id=branch.id if branch else None,
        data=clean,
    )
    return event.id
