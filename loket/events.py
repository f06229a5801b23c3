"""Appending to the event log, in the same transaction as the change it records."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypedDict

from sqlalchemy import event as sa_event
from sqlalchemy import text
from sqlalchemy.orm import Session

from loket import config_cache
from loket.config_cache import CONFIG_EVENTS
from loket.models import Event

NOTIFY_CHANNEL = "loket_events"


class EventRecord(TypedDict):
    """An event as plain data (JSON-ready); ``data`` is the event's own payload."""

    id: int
    at: str
    kind: str
    branch_id: int | None
    ticket_id: int | None
    appointment_id: int | None
    counter_id: int | None
    staff_id: int | None
    workstation: str
    data: dict[str, Any]


# The event table's columns in the order ``record_of`` reads a row; a plain query of
# the log (the PostgreSQL feed's) selects them in this order.
EVENT_COLUMNS = (
    "id",
    "at",
    "kind",
    "branch_id",
    "ticket_id",
    "appointment_id",
    "counter_id",
    "staff_id",
    "workstation",
    "data",
)
INSERTED_COLUMNS = EVENT_COLUMNS[1:]  # the id comes from the database
_INSERTED = INSERTED_COLUMNS


def record_of(row: Sequence[Any]) -> EventRecord:
    """An event as plain data from its columns in ``EVENT_COLUMNS`` order."""
    (
        event_id,
        at,
        kind,
        branch_id,
        ticket_id,
        appointment_id,
        counter_id,
        staff_id,
        workstation,
        data,
    ) = row
    return {
        "id": event_id,
        "at": at.isoformat(timespec="seconds"),
        "kind": kind,
        "branch_id": branch_id,
        "ticket_id": ticket_id,
        "appointment_id": appointment_id,
        "counter_id": counter_id,
        "staff_id": staff_id,
        "workstation": workstation,
        "data": data if isinstance(data, dict) else {},
    }


def event_record(e: Event) -> EventRecord:
    """An event as plain data, the same for the feed, the CLI and the UIs."""
    return record_of([getattr(e, column) for column in EVENT_COLUMNS])


# -- writing the log: one place for the insert and the notification --------------------


def notify_sql(event_id: str) -> str:
    """SQL that notifies the PostgreSQL feeds of the event whose id is ``event_id`` (an
    SQL expression); delivered at commit, never for a rolled-back change."""
    return f"pg_notify('{NOTIFY_CHANNEL}', CAST({event_id} AS TEXT))"


def insert_cte_sql(rows: str, name: str = "event", returning: str = "id") -> str:
    """A CTE ``name`` that inserts the events ``rows`` (an SQL SELECT of the columns
    ``at, kind, branch_id, ticket_id, appointment_id, counter_id, staff_id,
    workstation, data`` in that order) and returns their ids: for a statement that
    changes a ticket and records it at once (``loket.clerk_sql``)."""
    return (
        f"{name} AS (\n  INSERT INTO event ({', '.join(_INSERTED)})\n{rows}\n"
        f"  RETURNING {returning})"
    )


@dataclass(frozen=True, slots=True)
class Logged:
    """An event written by SQL, as its log line describes it: what
    ``logging_setup.describe`` reads of an ``Event``, without an ORM object (one is made
    for every step of a clerk's cycle)."""

    id: int
    kind: str
    branch_id: int | None = None
    ticket_id: int | None = None
    appointment_id: int | None = None
    counter_id: int | None = None
    staff_id: int | None = None
    workstation: str | None = None
    data: dict[str, Any] | None = None


def logged(event_id: int, **columns: Any) -> Logged:
    """An event written by SQL, as the log line describes it."""
    return Logged(event_id, **columns)


@dataclass(frozen=True)
class Actor:
    """Who does something, and from which PC. ``staff_id`` None: the system or a visitor."""

    workstation: str = "cli"
    staff_id: int | None = None
    roles: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def system(cls, workstation: str) -> Actor:
        """The command line and scheduled jobs: trusted, like the database owner."""
        return cls(workstation=workstation, roles=frozenset({"system"}))


def append(
    session: Session,
    *,
    at: datetime,
    kind: str,
    actor: Actor,
    branch_id: int | None = None,
    ticket_id: int | None = None,
    appointment_id: int | None = None,
    counter_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> Event:
    bind = session.get_bind()
    event = Event(
        at=at,
        kind=kind,
        branch_id=branch_id,
        ticket_id=ticket_id,
        appointment_id=appointment_id,
        counter_id=counter_id,
        staff_id=actor.staff_id,
        workstation=actor.workstation,
        data=data or {},
    )
    session.add(event)
    session.flush()
    if kind in CONFIG_EVENTS:
        # This process's cached configuration is reloaded once the change is committed;
        # other PCs reload when their feed delivers the event (loket.config_cache).
        url = bind.engine.url
        sa_event.listen(session, "after_commit", lambda _s: config_cache.invalidate(url), once=True)
    if bind.dialect.name == "postgresql":
        session.execute(text(f"SELECT {notify_sql(':event_id')}"), {"event_id": event.id})
    return event
