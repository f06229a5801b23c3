"""Issuing a walk-in number in a few statements (issue 15).

The engine's write (``loket.tickets.issue_walk_in``) loads the branch, the service, the
offer, and lazily the branch's exceptions and weekly periods (five reads), then draws the
number (an upsert and a repair read), inserts the ticket and its event: about ten
statements inside the write lock. Here, for the common case:

* **one read** tells whether the kiosk may issue now: the branch and the service by
  code, the offer (walk-in), today's exceptions and this weekday's periods, joined;
  ``loket.hours.day_periods`` judges them exactly as ``periods_on`` does;
* SQLite: the number in **one** upsert (the self-repair, "never at or below the highest
  ticket of that letter", folded into it), the ticket by a core insert, its event;
* PostgreSQL: the SECURITY DEFINER function ``loket_issue_walk_in`` (the public PCs'
  only way to write a ticket) and one read of the event it wrote (the log and the
  number), instead of loading the ticket with its relations.

Anything else (an unknown branch or service, not offered, no walk-in, closed,
appointment-only, letting someone in) returns None before anything is written, and the
engine answers with its refusal, message and code as before. The opening hours are read
in the issue's own transaction, so a day closed a second ago counts at once.
"""

from __future__ import annotations

from functools import cache
from typing import Any, cast

from sqlalchemy import Select, Table, and_, bindparam, func, insert, literal, select, union_all
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from loket import events, hall
from loket.hours import day_periods
from loket.models import (
    Branch,
    BranchService,
    DayException,
    NumberSequence,
    OpeningPeriod,
    PeriodMode,
    Service,
    Ticket,
    TicketKind,
    TicketStatus,
)
from loket.tickets import Context
from loket.views import TicketView


@cache
def _gate() -> Select[Any]:
    hours = union_all(
        select(
            literal("x").label("src"),
            DayException.branch_id.label("branch_id"),
            DayException.start.label("start"),
            DayException.end.label("end"),
            DayException.mode.label("mode"),
            DayException.reason.label("reason"),
        ).where(DayException.day == bindparam("day")),
        select(
            literal("p"),
            OpeningPeriod.branch_id,
            OpeningPeriod.start,
            OpeningPeriod.end,
            OpeningPeriod.mode,
            literal(""),
        ).where(OpeningPeriod.weekday == bindparam("weekday")),
    ).subquery("hours")
    return (
        select(
            Branch.id,
            Branch.public_holidays,
            Service.id,
            Service.prefix,
            Service.name_text,
            BranchService.walk_in,
            hours.c.src,
            hours.c.start,
            hours.c.end,
            hours.c.mode,
            hours.c.reason,
        )
        .select_from(Branch)
        .join(Service, and_(Service.code == bindparam("service"), Service.active))
        .join(
            BranchService,
            and_(BranchService.branch_id == Branch.id, BranchService.service_id == Service.id),
        )
        .outerjoin(hours, hours.c.branch_id == Branch.id)
        .where(Branch.code == bindparam("branch"))
    )


@cache
def _draw_sqlite() -> Any:
    """The next number in one statement: the counter's next, but never at or below the
    highest ticket of that letter today (``loket.tickets._next_sequence``)."""
    highest = (
        select(func.coalesce(func.max(Ticket.sequence), 0) + 1)
        .where(
            Ticket.branch_id == bindparam("branch_id"),
            Ticket.day == bindparam("day"),
            Ticket.prefix == bindparam("prefix"),
        )
        .scalar_subquery()
    )
    upsert = sqlite.insert(cast(Table, NumberSequence.__table__)).values(
        branch_id=bindparam("branch_id"),
        day=bindparam("day"),
        prefix=bindparam("prefix"),
        last=highest,
    )
    last = cast(Table, NumberSequence.__table__).c.last
    return upsert.on_conflict_do_update(
        index_elements=["branch_id", "day", "prefix"],
        set_={"last": func.max(last + 1, upsert.excluded.last)},
    ).returning(last)


@cache
def _insert_ticket() -> Any:
    # On the table, not the class: the ORM's bulk insert costs more than the statement.
    table = cast(Table, Ticket.__table__)
    return insert(table).returning(table.c.id)


def issue_walk_in(
    session: Session,
    ctx: Context,
    branch: str,
    service: str,
    *,
    needs_assistance: bool,
    predicted: int | None,
) -> TicketView | None:
    """The new walk-in ticket, or None when the engine must answer (see above)."""
    now = ctx.now
    rows = session.execute(
        _gate(),
        {"branch": branch, "service": service, "day": now.date(), "weekday": now.weekday()},
    ).all()
    if not rows or not rows[0].walk_in:
        return None
    first = rows[0]
    periods, _ = day_periods(
        now.date(),
        [(r.start, r.end, r.mode, r.reason) for r in rows if r.src == "x"],
        [(r.start, r.end, r.mode) for r in rows if r.src == "p"],
        first.public_holidays,
    )
    period = next((p for p in periods if p.contains(now.time())), None)
    if period is None or period.mode is PeriodMode.APPOINTMENT:
        return None
    branch_id, service_id, prefix = first[0], first[2], first.prefix
    if hall.uses_functions(session):
        ticket_id, number = hall.issue_walk_in_number(
            session, ctx, branch_id, service_id, needs_assistance, predicted
        )
        if predicted is not None and not 0 <= predicted <= 86400:
            predicted = None  # as the function stores it
    else:
        sequence = int(
            session.execute(
                _draw_sqlite(), {"branch_id": branch_id, "day": now.date(), "prefix": prefix}
            ).scalar_one()
        )
        ticket_id = int(
            session.execute(
                _insert_ticket(),
                {
                    "branch_id": branch_id,
                    "service_id": service_id,
                    "day": now.date(),
                    "prefix": prefix,
                    "sequence": sequence,
                    "kind": TicketKind.WALK_IN,
                    "status": TicketStatus.WAITING,
                    "issued_at": now,
                    "wait_from": now,
                    "needs_assistance": needs_assistance,
                    "call_count": 0,
                    "predicted_wait_seconds": predicted,
                },
            ).scalar_one()
        )
        number = f"{prefix} {sequence}"
        events.append(
            session,
            at=now,
            kind="ticket.issued",
            actor=ctx.actor,
            branch_id=branch_id,
            ticket_id=ticket_id,
            data={
                "number": number,
                "service": service,
                "kind": TicketKind.WALK_IN.value,
                "status": TicketStatus.WAITING.value,
                "predicted_wait_seconds": predicted,
                "needs_assistance": needs_assistance,
            },
        )
    names = dict(first.name_text or {})
    return TicketView(
        id=ticket_id,
        number=number,
        branch=branch,
        service=service,
        service_name=names.get("nl", ""),
        service_names=names,
        kind=TicketKind.WALK_IN.value,
        status=TicketStatus.WAITING.value,
        issued_at=now,
        wait_from=now,
        appointment_at=None,
        called_at=None,
        counter=None,
        call_count=0,
        predicted_wait_minutes=round(predicted / 60) if predicted is not None else None,
        needs_assistance=needs_assistance,
        appointment_reference=None,
    )
