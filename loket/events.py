"""Appending to the event log, in the same transaction as the change it records."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypedDict

from sqlalchemy import event as sa_event
from sqlalchemy import select, text
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


def event_record(e: Event) -> EventRecord:
    """An event as plain data, the same for the feed, the CLI and the UIs."""
    return {
        "id": e.id,
        "at": e.at.isoformat(timespec="seconds"),
        "kind": e.kind,
        "branch_id": e.branch_id,
        "ticket_id": e.ticket_id,
        "appointment_id": e.appointment_id,
        "counter_id": e.counter_id,
        "staff_id": e.staff_id,
        "workstation": e.workstation,
        "data": e.data,
    }


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
        # Delivered at commit, never for a rolled-back change.
        session.execute(
            select(text("pg_notify(:channel, :payload)")),
            {"channel": NOTIFY_CHANNEL, "payload": str(event.id)},
        )
    return event
