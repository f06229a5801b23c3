"""The municipality's day plan, built from the database alone.

Per branch (service point) that is open on the day: the forecast (walk-ins per service
per 15 minutes from the event log of the last weeks; before there is history, from the
expected volumes in the configuration), the booked appointments, the colleagues who
may work there that day (availability per weekday, contract hours, absences, service
points, skills with speed) and the counters with their equipment go into the
scheduler's ``plan_day``. Branches are planned one after the other, smallest first; a
colleague rostered at one branch is unavailable at the others for that shift plus the
travel time, so nobody is in two places.

The result is plain JSON (stored by ``loket.plan_service``): the need, the roster with
counters, the booking capacity per service and interval (``scheduler.booking``), the
expected share within the norm and which forecast was used.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from loket import tickets
from loket.hours import periods_on
from loket.models import (
    Appointment,
    AppointmentStatus,
    Branch,
    BranchService,
    Counter,
    ExpectedVolume,
    Service,
    Staff,
    StaffAbsence,
    StaffAvailability,
    StaffContract,
    StaffServicePoint,
    Ticket,
    TicketKind,
    TravelTime,
)
from loket.reports.figures import Targets
from scheduler.booking import booking_capacity
from scheduler.demand import DayDemand, Period, ServiceProfile, hhmm
from scheduler.forecast import Punctuality, VisitRecord, build_forecast
from scheduler.planning import plan_day
from scheduler.roster import WORK_LIMIT, Roster, Shift
from scheduler.roster import StaffAvailability as Available
from scheduler.staffing import Target

HISTORY_WEEKS = 8
SLOT_MINUTES = 15
DAY_MINUTES = 8 * 60
WORK_DAYS = 5
WEEKDAYS_PLURAL_NL = [
    "maandagen",
    "dinsdagen",
    "woensdagen",
    "donderdagen",
    "vrijdagen",
    "zaterdagen",
    "zondagen",
]
SOURCE_NL = {
    "history": "geschiedenis",
    "config": "ingestelde verwachting",
    "none": "geen voorspelling",
}
REASON_NL = {"sick": "ziek", "leave": "verlof", "other": "afwezig"}


def minute_of(moment: time | datetime) -> int:
    return moment.hour * 60 + moment.minute


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0))
    return start, start + timedelta(days=1)


# -- forecast --------------------------------------------------------------------------


def _history(session: Session, branch_id: int, day: date) -> list[VisitRecord]:
    """Tickets and missed appointments of the last weeks, as the scheduler reads them."""
    since = day - timedelta(weeks=HISTORY_WEEKS)
    rows = session.execute(
        select(
            Service.code,
            Ticket.kind,
            Ticket.wait_from,
            Ticket.issued_at,
            Ticket.first_called_at,
            Ticket.started_at,
            Ticket.finished_at,
            Ticket.staff_id,
            Ticket.appointment_at,
        )
        .join(Service, Service.id == Ticket.service_id)
        .where(Ticket.branch_id == branch_id, Ticket.day >= since, Ticket.day < day)
    )
    records = [
        VisitRecord(
            service=r[0],
            kind=r[1].value,
            arrival=r[2] if r[1] is TicketKind.WALK_IN else r[3],
            called=r[4],
            started=r[5],
            finished=r[6],
            staff=str(r[7]) if r[7] else None,
            appointment_time=r[8],
        )
        for r in rows
    ]
    start, _ = _day_bounds(since)
    end, _ = _day_bounds(day)
    missed = session.execute(
        select(Service.code, Appointment.start)
        .join(Service, Service.id == Appointment.service_id)
        .where(
            Appointment.branch_id == branch_id,
            Appointment.status == AppointmentStatus.NO_SHOW,
            Appointment.start >= start,
            Appointment.start < end,
        )
    )
    records += [
        VisitRecord(service=code, kind="appointment", arrival=None, appointment_time=at)
        for code, at in missed
    ]
    return records


def _past_appointments(
    session: Session, branch_id: int, day: date, grid: DayDemand, services: Iterable[str]
) -> tuple[dict[str, list[float]], int]:
    """Average bookings per service and interval on the same weekday of the last weeks."""
    start, _ = _day_bounds(day - timedelta(weeks=HISTORY_WEEKS))
    end, _ = _day_bounds(day)
    out = {s: [0.0] * grid.n_intervals for s in services}
    days: set[date] = set()
    rows = session.execute(
        select(Service.code, Appointment.start)
        .join(Service, Service.id == Appointment.service_id)
        .where(
            Appointment.branch_id == branch_id,
            Appointment.status != AppointmentStatus.CANCELLED,
            Appointment.start >= start,
            Appointment.start < end,
        )
    )
    for code, at in rows:
        if at.weekday() != day.weekday():
            continue
        days.add(at.date())
        i = (minute_of(at) - grid.start) // grid.interval_minutes
        if code in out and 0 <= i < grid.n_intervals:
            out[code][i] += 1
    if days:
        for row in out.values():
            for i in range(len(row)):
                row[i] /= len(days)
    return out, len(days)


def _spread(per_day: float, grid: DayDemand, walk_ins: bool) -> list[float]:
    """A daily volume spread evenly over the intervals that take such visits."""
    open_slots = [
        i
        for i in range(grid.n_intervals)
        if (p := grid.period_at(i)) is not None and (p.walk_ins if walk_ins else p.appointments)
    ]
    row = [0.0] * grid.n_intervals
    for i in open_slots:
        row[i] = per_day / len(open_slots)
    return row


@dataclass
class _Forecast:
    source: str
    note: str
    services: dict[str, ServiceProfile]
    walk_in: dict[str, list[float]]
    appointments: dict[str, list[float]]
    show_rate: float
    punctuality: Punctuality | None = None


def _punctuality_note(p: Punctuality | None) -> str:
    if p is None:
        return ""
    minutes = round(p.median_minutes)
    if minutes > 0:
        when = f"meestal {minutes} min te laat"
    elif minutes < 0:
        when = f"meestal {-minutes} min te vroeg"
    else:
        when = "meestal op tijd"
    return f" Afspraken: {when} ({p.late_share:.0%} komt na de afgesproken tijd)."


def shift_late(row: list[float], minutes: float, interval: int) -> list[float]:
    """Bookings per interval moved to when the visitors arrive: ``minutes`` late on
    average (only lateness moves them; an early visitor is still called around the
    appointment time). Part of an interval's bookings moves to the next one."""
    if minutes <= 0:
        return list(row)
    out = [0.0] * len(row)
    whole, part = divmod(minutes / interval, 1.0)
    for i, value in enumerate(row):
        j = i + int(whole)
        if j < len(row):
            out[j] += value * (1.0 - part)
        if j + 1 < len(row):
            out[j + 1] += value * part
        elif j < len(row):
            out[j] += value * part  # the last interval keeps what cannot move on
    return out


def _forecast(
    session: Session,
    branch: Branch,
    day: date,
    grid: DayDemand,
    services: dict[str, ServiceProfile],
    walk_in_ok: Mapping[str, bool],
) -> _Forecast:
    weekday = day.weekday()
    history = _history(session, branch.id, day)
    forecast = build_forecast(history) if history else None
    if forecast is not None and forecast.days_seen.get(weekday):
        profiles = dict(services)
        for code, times in forecast.service_times.items():
            if code in profiles:
                profiles[code] = ServiceProfile(
                    code, times.mean_minutes, times.cv, profiles[code].name
                )
        walk = forecast.day_demand(day, grid.opening, services=profiles).walk_in
        walk = {s: (row if walk_in_ok.get(s) else [0.0] * len(row)) for s, row in walk.items()}
        appointments, _ = _past_appointments(session, branch.id, day, grid, services)
        seen = forecast.days_seen[weekday]
        return _Forecast(
            "history",
            f"Voorspelling uit de geschiedenis: {seen} eerdere {WEEKDAYS_PLURAL_NL[weekday]}."
            + _punctuality_note(forecast.punctuality),
            profiles,
            walk,
            appointments,
            forecast.show_rate,
            forecast.punctuality,
        )
    volumes = list(
        session.execute(
            select(Service.code, ExpectedVolume.walk_ins, ExpectedVolume.appointments)
            .join(Service, Service.id == ExpectedVolume.service_id)
            .where(ExpectedVolume.branch_id == branch.id, ExpectedVolume.weekday == weekday)
        )
    )
    if volumes:
        walk = {s: [0.0] * grid.n_intervals for s in services}
        appointments = {s: [0.0] * grid.n_intervals for s in services}
        for code, walk_ins, booked in volumes:
            if code not in services:
                continue
            if walk_in_ok.get(code):
                walk[code] = _spread(walk_ins, grid, walk_ins=True)
            appointments[code] = _spread(booked, grid, walk_ins=False)
        return _Forecast(
            "config",
            "Nog geen geschiedenis: voorspelling uit de ingestelde verwachte aantallen.",
            services,
            walk,
            appointments,
            1.0,
        )
    return _Forecast(
        "none",
        "Geen geschiedenis en geen verwachte aantallen ingesteld: alleen geboekte "
        "afspraken zijn meegenomen.",
        services,
        {},
        {},
        1.0,
    )


def has_forecast(session: Session, day: date) -> bool:
    """Whether any branch has history or expected volumes to forecast ``day`` from."""
    if session.scalar(select(ExpectedVolume.branch_id).limit(1)) is not None:
        return True
    since = day - timedelta(weeks=HISTORY_WEEKS)
    return (
        session.scalar(select(Ticket.id).where(Ticket.day >= since, Ticket.day < day).limit(1))
        is not None
    )


# -- staff -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Colleague:
    """A counter colleague as planning sees them on one day."""

    id: int
    code: str
    name: str
    skills: dict[str, float]
    windows: tuple[tuple[int, int], ...]  # minutes of the day they can work
    day_minutes: int  # contract minutes for one day
    branches: frozenset[int]  # empty: every branch
    absent: str | None  # reason code when absent on the day


def colleagues(session: Session, day: date) -> list[Colleague]:
    weekday = day.weekday()
    members = [
        m for m in session.scalars(select(Staff).where(Staff.active)) if "counter" in m.roles
    ]
    windows: dict[int, list[tuple[int, int]]] = defaultdict(list)
    has_rows: set[int] = set()
    for row in session.scalars(select(StaffAvailability)):
        has_rows.add(row.staff_id)
        if row.weekday == weekday:
            windows[row.staff_id].append((minute_of(row.start), minute_of(row.end)))
    contract = {c.staff_id: c.hours_per_week for c in session.scalars(select(StaffContract))}
    points: dict[int, set[int]] = defaultdict(set)
    for p in session.scalars(select(StaffServicePoint)):
        points[p.staff_id].add(p.branch_id)
    absent = {
        a.staff_id: a.reason.value
        for a in session.scalars(
            select(StaffAbsence).where(StaffAbsence.first_day <= day, StaffAbsence.last_day >= day)
        )
    }
    out = []
    for m in members:
        skills = {k.service.code: float(k.speed) for k in m.skills}
        # No availability entered at all: the colleague may work any opening hour.
        own = tuple(sorted(windows[m.id])) if m.id in has_rows else ((0, 24 * 60),)
        hours = contract.get(m.id)
        minutes = int(hours * 60 / WORK_DAYS) if hours is not None else DAY_MINUTES
        out.append(
            Colleague(
                m.id,
                m.code,
                m.name,
                skills,
                own,
                minutes,
                frozenset(points[m.id]),
                absent.get(m.id),
            )
        )
    return out


def _subtract(
    windows: Iterable[tuple[int, int]], busy: Iterable[tuple[int, int]]
) -> tuple[tuple[int, int], ...]:
    out = list(windows)
    for b0, b1 in busy:
        nxt = []
        for w0, w1 in out:
            if b1 <= w0 or w1 <= b0:
                nxt.append((w0, w1))
                continue
            if w0 < b0:
                nxt.append((w0, b0))
            if b1 < w1:
                nxt.append((b1, w1))
        out = nxt
    return tuple(out)


def _travel(session: Session) -> dict[tuple[int, int], int]:
    return {
        (t.from_branch_id, t.to_branch_id): t.minutes for t in session.scalars(select(TravelTime))
    }


# -- seating ---------------------------------------------------------------------------


def seat(
    shifts: Iterable[Shift],
    counters: list[tuple[int, frozenset[str]]],
    skills: Mapping[str, Mapping[str, float]],
) -> list[Shift]:
    """Each working block at a real counter, equipped for as much of the colleague's
    work as possible; a colleague keeps their counter after a break when it is free."""
    shifts = list(shifts)
    blocks = sorted(
        ((s0, e0, k) for k, sh in enumerate(shifts) for s0, e0 in sh.segments()),
        key=lambda b: (b[0], b[2]),
    )
    busy_until = {number: 0 for number, _ in counters}
    last: dict[int, int] = {}
    out: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for s0, e0, k in blocks:
        own = set(skills.get(shifts[k].staff_id, {}))
        free = [(n, eq) for n, eq in counters if busy_until[n] <= s0]
        if not free:
            out[k].append((s0, e0, 0))
            continue
        keep = [n for n, _ in free if n == last.get(k)]
        if keep and own & dict(free)[keep[0]]:
            number = keep[0]
        else:
            number = max(free, key=lambda c: (len(own & c[1]), -c[0]))[0]
        busy_until[number] = e0
        last[k] = number
        out[k].append((s0, e0, number))
    return [
        Shift(sh.staff_id, sh.start, sh.end, sh.breaks, tuple(out[k]))
        for k, sh in enumerate(shifts)
    ]


def _merge(windows: list[tuple[int, int]]) -> list[list[int]]:
    out: list[list[int]] = []
    for a, b in sorted(windows):
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return out


# -- the plan ----------------------------------------------------------------------------


def _previous_roster(previous: Mapping[str, Any] | None, branch: str) -> Roster | None:
    if not previous:
        return None
    data = previous.get("branches", {}).get(branch, {})
    shifts = [
        Shift(
            s["staff"],
            s["start_minute"],
            s["end_minute"],
            tuple((int(a), int(b)) for a, b in s.get("break_minutes", [])),
        )
        for s in data.get("shifts", [])
    ]
    if not shifts:
        return None
    return Roster(0, SLOT_MINUTES, shifts, [], [], [], 0.0, "previous")


def _branch_plan(
    session: Session,
    branch: Branch,
    day: date,
    people: list[Colleague],
    taken: dict[int, list[tuple[int, int, int]]],
    worked: dict[int, int],
    travel: Mapping[tuple[int, int], int],
    target: Target,
    previous: Mapping[str, Any] | None,
    work_limit: float,
) -> dict[str, Any]:
    periods, closed = periods_on(branch, day)
    if not periods:
        return {"name": branch.name, "closed": closed or "gesloten"}
    opening = [Period.of(p.start, p.end, p.mode.value) for p in periods]
    offered = session.execute(
        select(Service, BranchService.walk_in, BranchService.appointment)
        .join(BranchService, BranchService.service_id == Service.id)
        .where(BranchService.branch_id == branch.id, Service.active)
        .order_by(Service.prefix)
    ).all()
    services = {
        s.code: ServiceProfile(s.code, float(s.duration_minutes), name=s.name_nl)
        for s, _w, _a in offered
    }
    walk_in_ok = {s.code: bool(w) for s, w, _a in offered}
    by_appointment = [s.code for s, _w, a in offered if a]
    grid = DayDemand(opening, services, interval_minutes=SLOT_MINUTES)
    fc = _forecast(session, branch, day, grid, services, walk_in_ok)

    booked: dict[str, list[float]] = {s: [0.0] * grid.n_intervals for s in services}
    start, end = _day_bounds(day)
    for code, at in session.execute(
        select(Service.code, Appointment.start)
        .join(Service, Service.id == Appointment.service_id)
        .where(
            Appointment.branch_id == branch.id,
            Appointment.status.in_([AppointmentStatus.BOOKED, AppointmentStatus.CHECKED_IN]),
            Appointment.start >= start,
            Appointment.start < end,
        )
    ):
        i = (minute_of(at) - grid.start) // SLOT_MINUTES
        if code in booked and 0 <= i < grid.n_intervals:
            booked[code][i] += 1
    # Booked visitors arrive as punctual as they have been (the forecast's punctuality):
    # the plan counts them where they arrive, the live prediction expects them then.
    late = fc.punctuality.median_minutes if fc.punctuality else 0.0
    appointments = {
        s: shift_late(
            [max(b, e) for b, e in zip(booked[s], fc.appointments.get(s, booked[s]), strict=True)],
            late,
            SLOT_MINUTES,
        )
        for s in services
    }
    demand = DayDemand(
        opening,
        fc.services,
        {s: row for s, row in fc.walk_in.items() if s in services},
        appointments,
        interval_minutes=SLOT_MINUTES,
        show_rate=fc.show_rate,
        day=day,
    )

    counters = list(
        session.scalars(
            select(Counter)
            .where(Counter.branch_id == branch.id, Counter.active)
            .order_by(Counter.number)
        )
    )
    equipment = [(c.number, frozenset(s.code for s in c.services)) for c in counters]
    staff: list[Available] = []
    absent: list[dict[str, str]] = []
    for p in people:
        skills = {s: v for s, v in p.skills.items() if s in services}
        if not skills or (p.branches and branch.id not in p.branches):
            continue
        if p.absent is not None:
            absent.append({"staff": p.code, "name": p.name, "reason": p.absent})
            continue
        busy = [
            (s0 - travel.get((other, branch.id), 0), e0 + travel.get((branch.id, other), 0))
            for other, s0, e0 in taken.get(p.id, [])
        ]
        windows = _subtract(p.windows, busy)
        left = p.day_minutes - worked.get(p.id, 0)
        if not windows or left < SLOT_MINUTES * 8:
            continue
        staff.append(
            Available(id=p.code, skills=skills, available=windows, max_minutes=left, name=p.name)
        )

    plan = plan_day(
        demand,
        staff,
        len(counters),
        target=target,
        previous=_previous_roster(previous, branch.code),
        work_limit=work_limit,
    )
    skills_by_code = {s.id: dict(s.skills) for s in staff}
    shifts = seat(plan.roster.shifts, equipment, skills_by_code)
    on_duty: list[set[str]] = []
    for i in range(demand.n_intervals):
        minute = demand.interval_start(i)
        here: set[str] = set()
        for sh in shifts:
            if sh.working(minute):
                seat_eq = next(
                    (
                        dict(equipment).get(c, frozenset())
                        for a, b, c in sh.counters
                        if a <= minute < b
                    ),
                    frozenset(),
                )
                here.update(set(skills_by_code[sh.staff_id]) & seat_eq)
        on_duty.append(here)
    staffed = [
        sum(1 for sh in shifts if sh.working(demand.interval_start(i)))
        for i in range(demand.n_intervals)
    ]
    capacity = booking_capacity(demand, staffed, on_duty, by_appointment, target)
    arrivals = sum(n.arrivals for n in plan.needs)
    late = sum(n.late_with(staffed[n.index]) for n in plan.needs)
    names = {p.code: p.name for p in people}
    ids = {p.code: p.id for p in people}
    for sh in shifts:
        worked[ids[sh.staff_id]] = worked.get(ids[sh.staff_id], 0) + sh.work_minutes
        taken.setdefault(ids[sh.staff_id], []).append((branch.id, sh.start, sh.end))
    coverage: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for sh in shifts:
        for a, b, c in sh.counters:
            for code in set(skills_by_code[sh.staff_id]) & dict(equipment).get(c, frozenset()):
                coverage[code].append((a, b))
    return {
        "name": branch.name,
        "closed": None,
        "opening": [{"start": hhmm(p.start), "end": hhmm(p.end), "mode": p.mode} for p in opening],
        "start_minute": demand.start,
        "slot_minutes": SLOT_MINUTES,
        "forecast": {
            "source": fc.source,
            "note": fc.note,
            "show_rate": round(fc.show_rate, 3),
            "punctuality": {
                "median_minutes": round(fc.punctuality.median_minutes, 1),
                "late_share": round(fc.punctuality.late_share, 3),
                "visits": fc.punctuality.visits,
            }
            if fc.punctuality
            else None,
            # Service times the plan used (history, else the configured durations).
            "service_minutes": {
                s: [round(p.mean_minutes, 2), round(p.cv, 3)] for s, p in fc.services.items()
            },
        },
        "target": {"share": target.share, "norm_minutes": target.within_minutes},
        "intervals": [
            {
                "start": hhmm(nd.start),
                "arrivals": round(nd.arrivals, 2),
                "walk_in": round(sum(demand.walk_in_at(s, nd.index) for s in services), 2),
                "need": nd.need,
                "staffed": staffed[nd.index],
                "on_duty": sorted(on_duty[nd.index]),
                "share_within_norm": round(1 - nd.late_with(staffed[nd.index]) / nd.arrivals, 3)
                if nd.arrivals
                else 1.0,
            }
            for nd in plan.needs
        ],
        "shifts": [
            {
                "staff": sh.staff_id,
                "name": names.get(sh.staff_id, sh.staff_id),
                "start": hhmm(sh.start),
                "end": hhmm(sh.end),
                "start_minute": sh.start,
                "end_minute": sh.end,
                "breaks": [[hhmm(a), hhmm(b)] for a, b in sh.breaks],
                "break_minutes": [[a, b] for a, b in sh.breaks],
                "counters": [[hhmm(a), hhmm(b), c] for a, b, c in sh.counters],
            }
            for sh in sorted(shifts, key=lambda s: (s.start, s.staff_id))
        ],
        "uncovered": [u.to_dict() for u in plan.roster.uncovered],
        "capacity": capacity,
        "absent": absent,
        "share_within_norm": round(1 - late / arrivals, 4) if arrivals else 1.0,
        "coverage": {s: _merge(w) for s, w in coverage.items()},
    }


def _branch_target(session: Session, targets: Targets, branch: Branch) -> Target:
    """The norm the plan staffs a service point for: its own target (or the
    municipality's), made stricter by an override of a service offered there. One
    staffing target per service point and interval: the strictest of its services
    (highest share, shortest norm), so no offered service is planned below its own."""
    offered = session.scalars(
        select(Service.code)
        .join(BranchService, BranchService.service_id == Service.id)
        .where(BranchService.branch_id == branch.id, Service.active)
    ).all()
    scopes: list[str | None] = [None, *offered]
    return Target(
        share=max(targets.share_for(branch.code, s) for s in scopes),
        within_minutes=float(min(targets.norm_for(branch.code, s) for s in scopes)),
    )


def build(
    session: Session,
    day: date,
    previous: Mapping[str, Any] | None = None,
    work_limit: float = WORK_LIMIT,
) -> dict[str, Any]:
    """The whole municipality's plan for ``day`` (every branch), as plain JSON.

    Reproducible: the roster solver runs on one worker with a fixed seed and stops at
    a deterministic ``work_limit`` (CP-SAT's deterministic time, ``scheduler.roster``),
    never at a wall-clock limit, so the same database gives the same plan on any
    machine and under any load."""
    settings = tickets.settings(session)
    from loket.reports.service import load_targets

    targets = load_targets(session)  # the municipality's, with per-branch overrides
    branches = list(session.scalars(select(Branch)))
    counts = {b.id: sum(1 for c in b.counters if c.active) for b in branches}
    # Service points with few counters first: one missing colleague closes them, while
    # the town hall spreads the rest of the team over its counters.
    branches.sort(key=lambda b: (counts[b.id], b.code))
    people = colleagues(session, day)
    travel = _travel(session)
    taken: dict[int, list[tuple[int, int, int]]] = {}
    worked: dict[int, int] = {}
    out: dict[str, Any] = {}
    for b in branches:
        out[b.code] = _branch_plan(
            session,
            b,
            day,
            people,
            taken,
            worked,
            travel,
            _branch_target(session, targets, b),
            previous,
            work_limit,
        )
    sources = {p["forecast"]["source"] for p in out.values() if p.get("closed") is None}
    source = sources.pop() if len(sources) == 1 else ("mixed" if sources else "none")
    return {
        "day": day.isoformat(),
        "forecast_source": source,
        "norm_minutes": settings.wait_norm_minutes,
        "branches": out,
        "absent": sorted(
            ({"staff": p.code, "name": p.name, "reason": p.absent} for p in people if p.absent),
            key=lambda a: a["staff"],
        ),
    }


def coverage(data: Mapping[str, Any]) -> dict[str, Any]:
    """What public-hall PCs may read (no names): per branch and service the minutes
    someone is rostered, and the show rate of bookings."""
    return {
        code: {
            "services": b.get("coverage", {}),
            "show_rate": b.get("forecast", {}).get("show_rate", 1.0),
            # Mean and spread of each service's time, as the plan forecast them.
            "service_minutes": b.get("forecast", {}).get("service_minutes", {}),
            # Minutes booked visitors arrive after their time (median; 0 when early).
            "late_minutes": max(
                0.0,
                float((b.get("forecast", {}).get("punctuality") or {}).get("median_minutes", 0.0)),
            ),
        }
        for code, b in data.get("branches", {}).items()
        if b.get("closed") is None
    }


def changes(old: Mapping[str, Any] | None, new: Mapping[str, Any]) -> list[str]:
    """What changed between two plans of the same day, in plain Dutch, per colleague."""
    if not old:
        return []

    def by_staff(data: Mapping[str, Any]) -> dict[str, list[str]]:
        out: dict[str, list[str]] = defaultdict(list)
        for branch in data.get("branches", {}).values():
            for s in branch.get("shifts", []):
                seats = ", ".join(f"balie {c} {a}-{b}" for a, b, c in s["counters"])
                out[s["name"]].append(f"{s['start']}-{s['end']} {branch['name']} ({seats})")
        return out

    before, after = by_staff(old), by_staff(new)
    lines = []
    for name in sorted(set(before) | set(after)):
        a, b = before.get(name, []), after.get(name, [])
        if a == b:
            continue
        if not b:
            lines.append(f"{name}: niet meer ingeroosterd (was {'; '.join(a)}).")
        elif not a:
            lines.append(f"{name}: nu ingeroosterd {'; '.join(b)}.")
        else:
            lines.append(f"{name}: {'; '.join(b)} (was {'; '.join(a)}).")
    for code, branch in new.get("branches", {}).items():
        was = old.get("branches", {}).get(code, {}).get("share_within_norm")
        now = branch.get("share_within_norm")
        if was is not None and now is not None and abs(was - now) >= 0.005:
            lines.append(f"{branch['name']}: verwacht binnen de norm {now:.0%} (was {was:.0%}).")
    return lines
