"""The team leader's live monitor: queues against the norm, counters, open alerts.

Read from the tickets (what is waiting now) and the event log (what happened today), so
it needs no table of its own and every PC computes the same figures. It carries no
resident's name or contact data: ticket numbers, counters and counts only.

"Called within the norm" counts a visit once, at its first call: the wait from issue (or
from the appointment time) until that call, as recorded in the ``ticket.called`` event.
A visitor still waiting beyond the norm is already a miss, so the share "so far" does
not look better just because the longest waits have not been called yet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from loket import alerts
from loket.models import Branch, BranchService, Counter, Event, Service, Ticket, TicketStatus

# The default share to reach; the municipality's settings (``target_share``, with
# overrides per service point and service) decide, see ``loket.reports.service``.
TARGET_SHARE = 0.95
# Alerts from the counters (aggression protocol) have their own clear event; the others
# (printer, scanner, ...) are facts about a device that the team leader acknowledges.
COUNTER_ALERTS = frozenset({alerts.ALERT_EVENT, alerts.ALERT_CLEARED_EVENT})
DEVICE_ALERT_NL = {
    "alert.printer": "Printer van het aanmeldscherm",
    "alert.scanner": "Scanner van het aanmeldscherm",
    "alert.assistance": "Bezoeker vraagt om hulp",
    "alert.kiosk": "Aanmeldscherm",
}
PROBLEM_NL = {
    "paper_out": "papier op",
    "paper_near_end": "papier bijna op",
    "offline": "staat uit of klep open",
    "unreachable": "niet bereikbaar",
    "failed": "printen mislukt",
}


@dataclass(frozen=True)
class ServiceMonitor:
    service: str
    service_name: str
    prefix: str
    waiting: int
    longest_wait_minutes: int
    over_norm: int  # waiting now, already longer than the norm
    called: int  # first calls today
    called_within_norm: int

    @property
    def share_within_norm(self) -> float | None:
        """Share of today's visits called within the norm so far; None before the first."""
        total = self.called + self.over_norm
        return self.called_within_norm / total if total else None


@dataclass(frozen=True)
class CounterMonitor:
    counter: int
    status: str  # "unused", "available", "break", "back_office"
    ticket: str | None  # the number called or at the counter
    ticket_status: str | None  # "called" or "serving"
    service_name: str | None
    since: datetime | None  # when the ticket was called
    alert_since: datetime | None  # an aggression alert not yet cleared


@dataclass(frozen=True)
class DeviceAlert:
    event_id: int
    at: datetime
    kind: str
    what: str  # plain Dutch, e.g. "Printer van het aanmeldscherm: papier op"
    workstation: str


@dataclass(frozen=True)
class BranchMonitor:
    branch: str
    branch_name: str
    now: datetime
    norm_minutes: int
    services: list[ServiceMonitor]
    counters: list[CounterMonitor]
    device_alerts: list[DeviceAlert] = field(default_factory=list)
    last_event_id: int = 0
    target_share: float = TARGET_SHARE

    @property
    def waiting(self) -> int:
        return sum(s.waiting for s in self.services)

    @property
    def longest_wait_minutes(self) -> int:
        return max((s.longest_wait_minutes for s in self.services), default=0)

    @property
    def called(self) -> int:
        return sum(s.called for s in self.services)

    @property
    def share_within_norm(self) -> float | None:
        total = sum(s.called + s.over_norm for s in self.services)
        return sum(s.called_within_norm for s in self.services) / total if total else None

    @property
    def alerts(self) -> list[CounterMonitor]:
        return [c for c in self.counters if c.alert_since is not None]


def device_alert_text(kind: str, data: dict[str, object]) -> str:
    what = DEVICE_ALERT_NL.get(kind, kind.removeprefix("alert.").capitalize())
    problem = data.get("problem")
    if problem:
        return f"{what}: {PROBLEM_NL.get(str(problem), str(problem))}"
    return what


def monitor(session: Session, branch: Branch, now: datetime) -> BranchMonitor:
    day = now.date()
    start = datetime.combine(day, time(0))
    from loket.reports.service import load_targets

    targets = load_targets(session)
    norm_minutes = targets.norm_for(branch.code)

    tickets = list(
        session.scalars(
            select(Ticket).where(
                Ticket.branch_id == branch.id,
                Ticket.day == day,
                Ticket.status.in_(
                    [TicketStatus.WAITING, TicketStatus.CALLED, TicketStatus.SERVING]
                ),
            )
        )
    )
    todays = list(
        session.execute(
            select(Event.id, Event.at, Event.kind, Event.ticket_id, Event.counter_id,
                   Event.workstation, Event.data)
            .where(Event.at >= start, Event.at < datetime.combine(day, time.max))
            .where((Event.branch_id == branch.id) | Event.branch_id.is_(None))
            .order_by(Event.id)
        )
    )  # fmt: skip

    # First call per ticket: the visit's wait, whatever happens to it afterwards.
    first_wait: dict[int, tuple[str, int]] = {}
    for e in todays:
        if e.kind == "ticket.called" and e.ticket_id not in first_wait:
            data = e.data or {}
            first_wait[e.ticket_id] = (str(data.get("service", "")),
                                       int(data.get("waited_seconds", 0) or 0))  # fmt: skip

    # Every service offered here, plus any a ticket was transferred to from elsewhere.
    offered = select(BranchService.service_id).where(BranchService.branch_id == branch.id)
    used = select(Ticket.service_id).where(Ticket.branch_id == branch.id, Ticket.day == day)
    services = list(session.scalars(
        select(Service).where(Service.id.in_(offered) | Service.id.in_(used))
        .order_by(Service.prefix)))  # fmt: skip
    # A service's own norm (override) beats its branch's, which beats the municipality's.
    norm_for = {s.code: targets.norm_for(branch.code, s.code) * 60 for s in services}
    rows = []
    for s in services:
        waiting = [t for t in tickets if t.service_id == s.id and t.status is TicketStatus.WAITING]
        # An early appointment waits for its slot: its wait starts at the slot.
        waits = [max(0, int((now - t.wait_from).total_seconds())) for t in waiting]
        firsts = [w for code, w in first_wait.values() if code == s.code]
        rows.append(
            ServiceMonitor(
                service=s.code,
                service_name=s.name_nl,
                prefix=s.prefix,
                waiting=len(waiting),
                longest_wait_minutes=max(waits, default=0) // 60,
                over_norm=sum(1 for w in waits if w > norm_for[s.code]),
                called=len(firsts),
                called_within_norm=sum(1 for w in firsts if w <= norm_for[s.code]),
            )
        )

    counters = list(session.scalars(select(Counter).where(
        Counter.branch_id == branch.id, Counter.active).order_by(Counter.number)))  # fmt: skip
    states = {c.counter: c for c in alerts.counter_states(session, branch, now)}
    active = {e.counter_id for e in todays if e.counter_id is not None}
    alert_since: dict[int, datetime | None] = {}
    for e in todays:
        if e.kind in COUNTER_ALERTS and e.counter_id is not None:
            alert_since[e.counter_id] = e.at if e.kind == alerts.ALERT_EVENT else None
    busy = {t.counter_id: t for t in tickets if t.status is not TicketStatus.WAITING}
    counter_rows = []
    for c in counters:
        state = states.get(c.number)
        t = busy.get(c.id)
        counter_rows.append(
            CounterMonitor(
                counter=c.number,
                status=(state.status if state else "available") if c.id in active else "unused",
                ticket=t.number if t else None,
                ticket_status=t.status.value if t else None,
                service_name=t.service.name_nl if t else None,
                since=t.last_called_at if t else None,
                alert_since=alert_since.get(c.id),
            )
        )

    device = [
        DeviceAlert(event_id=e.id, at=e.at, kind=e.kind, workstation=e.workstation,
                    what=device_alert_text(e.kind, e.data or {}))
        for e in todays
        if e.kind.startswith("alert.") and e.kind not in COUNTER_ALERTS
    ]  # fmt: skip
    return BranchMonitor(
        branch=branch.code,
        branch_name=branch.name,
        now=now,
        norm_minutes=norm_minutes,
        target_share=targets.share_for(branch.code),
        services=rows,
        counters=counter_rows,
        device_alerts=device,
        last_event_id=todays[-1].id if todays else 0,
    )
