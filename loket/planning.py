"""``loket plan``: the scheduler's day plan fed from the database.

History (tickets of the last weeks), booked appointments, opening hours, staff and
counters go in as plain data; the scheduler returns staffing need, roster and
appointment capacity. A new installation has no history yet: then a scenario file
can stand in for the walk-in forecast (``--scenario``), matched by ticket letter.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from loket import queue
from loket.hours import periods_on
from loket.models import (
    Appointment,
    AppointmentStatus,
    BranchService,
    Counter,
    Service,
    Staff,
    Ticket,
    TicketKind,
)
from scheduler.demand import DayDemand, Period, ServiceProfile
from scheduler.forecast import VisitRecord, build_forecast
from scheduler.planning import plan_day
from scheduler.roster import StaffAvailability
from scheduler.scenario import load_scenario

HISTORY_WEEKS = 8
WEEKDAYS_PLURAL_NL = [
    "maandagen",
    "dinsdagen",
    "woensdagen",
    "donderdagen",
    "vrijdagen",
    "zaterdagen",
    "zondagen",
]
WEEKDAY_KEYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def _history(session: Session, branch_id: int, day: date) -> list[VisitRecord]:
    since = day - timedelta(weeks=HISTORY_WEEKS)
    tickets = session.scalars(
        select(Ticket).where(Ticket.branch_id == branch_id, Ticket.day >= since, Ticket.day < day)
    )
    return [
        VisitRecord(
            service=t.service.code,
            kind=t.kind.value,
            arrival=t.wait_from if t.kind is TicketKind.WALK_IN else t.issued_at,
            called=t.first_called_at,
            started=t.started_at,
            finished=t.finished_at,
            staff=str(t.staff_id) if t.staff_id else None,
            appointment_time=t.appointment_at,
        )
        for t in tickets
    ]


def _minute(moment: datetime) -> int:
    return moment.hour * 60 + moment.minute


def build_plan(
    session: Session,
    branch_code: str,
    day: date,
    scenario: Path | None = None,
    time_limit_s: float = 10.0,
) -> dict[str, Any]:
    branch = queue.get_branch(session, branch_code)
    periods, closed_reason = periods_on(branch, day)
    if not periods:
        return {
            "branch": branch.code,
            "day": day.isoformat(),
            "closed": closed_reason,
            "notes": [f"{branch.name} is dan gesloten: {closed_reason}."],
        }
    opening = [Period.of(p.start, p.end, p.mode.value) for p in periods]
    offered = session.scalars(
        select(Service)
        .join(BranchService, BranchService.service_id == Service.id)
        .where(BranchService.branch_id == branch.id, Service.active)
    ).all()
    services = {
        s.code: ServiceProfile(s.code, float(s.duration_minutes), name=s.name_nl) for s in offered
    }
    notes: list[str] = []

    history = _history(session, branch.id, day)
    forecast = build_forecast(history) if history else None
    probe = DayDemand(opening, services)
    walk_in: dict[str, list[float]] = {code: [0.0] * probe.n_intervals for code in services}
    if forecast is not None and forecast.days_seen.get(day.weekday()):
        for s in services:
            if s in forecast.service_times:
                services[s] = ServiceProfile(
                    s,
                    forecast.service_times[s].mean_minutes,
                    forecast.service_times[s].cv,
                    services[s].name,
                )
        walk_in = forecast.day_demand(day, opening, services=services).walk_in
        notes.append(
            f"Inloop voorspeld uit {forecast.days_seen[day.weekday()]} eerdere "
            f"{WEEKDAYS_PLURAL_NL[day.weekday()]}."
        )
    elif scenario is not None:
        sc = load_scenario(scenario)
        key = WEEKDAY_KEYS[day.weekday()]
        if key in sc.hours:
            by_prefix = {s.prefix: s.code for s in offered}
            sc_demand = sc.demand(key)
            sc_probe = DayDemand(sc_demand.opening, sc_demand.services)
            for sc_code, row in sc_demand.walk_in.items():
                code = by_prefix.get(sc.services[sc_code].prefix)
                if code is None:
                    continue
                for i, value in enumerate(row):
                    start = sc_probe.interval_start(i)
                    j = (start - probe.start) // probe.interval_minutes
                    period = probe.period_at(j) if 0 <= j < probe.n_intervals else None
                    if period is not None and period.walk_ins:
                        walk_in[code][j] += value
            notes.append(f"Nog geen geschiedenis: inloop geschat met scenario {sc.name}.")
    else:
        notes.append("Nog geen geschiedenis: alleen geboekte afspraken zijn meegenomen.")

    appointments: dict[str, list[float]] = defaultdict(lambda: [0.0] * probe.n_intervals)
    booked = session.scalars(
        select(Appointment).where(
            Appointment.branch_id == branch.id,
            Appointment.status.in_([AppointmentStatus.BOOKED, AppointmentStatus.CHECKED_IN]),
            Appointment.start >= datetime.combine(day, datetime.min.time()),
            Appointment.start < datetime.combine(day + timedelta(days=1), datetime.min.time()),
        )
    )
    for a in booked:
        i = (_minute(a.start) - probe.start) // probe.interval_minutes
        if 0 <= i < probe.n_intervals and a.service.code in services:
            appointments[a.service.code][i] += 1
    demand = DayDemand(
        opening,
        services,
        walk_in,
        dict(appointments),
        day=day,
        show_rate=forecast.show_rate if forecast else 1.0,
    )

    counters = session.scalars(
        select(Counter).where(Counter.branch_id == branch.id, Counter.active)
    ).all()
    staff = []
    for member in session.scalars(select(Staff).where(Staff.active)):
        if "counter" not in member.roles:
            continue
        skills = {k.service.code: k.speed for k in member.skills if k.service.code in services}
        if not member.skills:
            skills = dict.fromkeys(services, 1.0)
        if skills:
            staff.append(StaffAvailability(id=member.code, skills=skills, name=member.name))
    plan = plan_day(demand, staff, len(counters), time_limit_s=time_limit_s)
    arrivals = sum(n.arrivals for n in plan.needs)
    late = sum(n.late_with(plan.roster.staffed[n.index]) for n in plan.needs)
    result = plan.to_dict()
    result.update(
        branch=branch.code,
        branch_name=branch.name,
        notes=notes,
        predicted_share_within_norm=round(1 - late / arrivals, 4) if arrivals else 1.0,
    )
    return result
