"""Counter status (available, break, back office) and the discreet aggression alert.

Both are events only: the manager screen follows the event log (LISTEN/NOTIFY on
PostgreSQL, a cheap poll on SQLite), so an alert reaches it within a second without a
table of its own. The events hold the counter and the staff id, never anything about
the visitor (aggression protocol: the clerk's safety, not a file on the resident).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from loket import events, status_words
from loket.errors import Refused
from loket.models import Branch, Counter, Event
from loket.tickets import Context

STATUS_NL = status_words.AVAILABILITY
STATUS_EVENT = "staff.status"
ALERT_EVENT = "alert.aggression"
ALERT_CLEARED_EVENT = "alert.cleared"


def set_status(
    session: Session, ctx: Context, branch: Branch, counter: Counter, status: str
) -> str:
    if status not in STATUS_NL:
        raise Refused(f"Onbekende status '{status}'.", code="status")
    events.append(
        session,
        at=ctx.now,
        kind=STATUS_EVENT,
        actor=ctx.actor,
        branch_id=branch.id,
        counter_id=counter.id,
        data={"status": status, "counter": counter.number},
    )
    return status


def raise_counter_alert(session: Session, ctx: Context, branch: Branch, counter: Counter) -> int:
    """The clerk needs a colleague now; returns the event id (for the manager screen)."""
    event = events.append(
        session,
        at=ctx.now,
        kind=ALERT_EVENT,
        actor=ctx.actor,
        branch_id=branch.id,
        counter_id=counter.id,
        data={"counter": counter.number, "branch": branch.code},
    )
    return event.id


def clear_alert(session: Session, ctx: Context, branch: Branch, counter: Counter) -> None:
    events.append(
        session,
        at=ctx.now,
        kind=ALERT_CLEARED_EVENT,
        actor=ctx.actor,
        branch_id=branch.id,
        counter_id=counter.id,
        data={"counter": counter.number, "branch": branch.code},
    )


@dataclass(frozen=True)
class CounterState:
    counter: int
    status: str  # last status set today; "available" when none
    alert: bool  # an alert raised and not cleared


def counter_states(session: Session, branch: Branch, now: datetime) -> list[CounterState]:
    start = datetime.combine(now.date(), time(0))
    rows = session.execute(
        select(Event.kind, Event.data, Counter.number)
        .join(Counter, Counter.id == Event.counter_id)
        .where(
            Event.branch_id == branch.id,
            Event.at >= start,
            Event.kind.in_([STATUS_EVENT, ALERT_EVENT, ALERT_CLEARED_EVENT]),
        )
        .order_by(Event.id)
    )
    status: dict[int, str] = {}
    alert: dict[int, bool] = {}
    for kind, data, number in rows:
        if kind == STATUS_EVENT:
            status[number] = str(data.get("status", "available"))
        else:
            alert[number] = kind == ALERT_EVENT
    numbers = [c.number for c in branch.counters if c.active]
    return [CounterState(n, status.get(n, "available"), alert.get(n, False)) for n in numbers]
