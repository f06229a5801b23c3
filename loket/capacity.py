"""Booking capacity from the day's stored plan, on a fixed slot grid.

An appointment starts on the grid (every 5 minutes from the start of an opening
period) and only where the plan leaves room: the plan stores, per service and
interval, how many bookings of that service the rostered colleagues could take while
the forecast walk-ins stay within the norm (``scheduler.booking``). Bookings of
several services share an interval by their fractions, and never more visits run at
once than colleagues are rostered. Reception, the follow-up at the counter, moving an
appointment and the import all book through ``appointments.book``, so all follow this.

Without a forecast (no history and no expected volumes configured) the plan cannot
say how much room walk-ins need; then the older rule stands: counters equipped for
the service minus the appointments already running at that time.

A team leader may book beyond the plan with a reason from ``OVERRIDE_REASONS``.
"""

from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from loket.hours import describe_day, periods_on
from loket.models import (
    Appointment,
    AppointmentStatus,
    Branch,
    Counter,
    CounterService,
    PeriodMode,
    Service,
    StoredPlan,
)

GRID_MINUTES = 5  # start times: every 5 minutes from the start of an opening period
BLOCK = 4  # intervals of the plan whose room is shared (an hour)
ACTIVE = (AppointmentStatus.BOOKED, AppointmentStatus.CHECKED_IN)
# Fixed list: the reason goes into the event log, typed text never does.
OVERRIDE_REASONS = {
    "urgent": "Spoed (reis, overlijden, verlopen document)",
    "no_other_time": "Inwoner kan op geen ander moment",
    "extra_staff": "Extra collega ingezet",
    "follow_up": "Vervolgafspraak die niet kan wachten",
    "other": "Andere reden",
}


def minute_of(moment: time | datetime) -> int:
    return moment.hour * 60 + moment.minute


def current_data(session: Session, day: date) -> dict[str, Any] | None:
    """The current version of the day's stored plan. Kept here, not imported from
    loket.plan_service: that pulls in the CP-SAT solver, and every kiosk and counter
    process imports this module through ``appointments``."""
    row = session.scalar(
        select(StoredPlan)
        .where(StoredPlan.day == day)
        .order_by(StoredPlan.version.desc())
        .limit(1)
        .options(undefer(StoredPlan.data))
    )
    return dict(row.data) if row is not None else None


def on_grid(branch: Branch, start: datetime) -> bool:
    periods, _ = periods_on(branch, start.date())
    period = next((p for p in periods if p.contains(start.time())), None)
    if period is None:
        return False
    offset = minute_of(start) - minute_of(period.start)
    return start.second == 0 and start.microsecond == 0 and offset % GRID_MINUTES == 0


def grid_neighbours(branch: Branch, start: datetime) -> tuple[datetime, datetime]:
    periods, _ = periods_on(branch, start.date())
    period = next((p for p in periods if p.contains(start.time())), None)
    anchor = minute_of(period.start) if period else 0
    offset = (minute_of(start) - anchor) % GRID_MINUTES
    before = start.replace(second=0, microsecond=0) - timedelta(minutes=offset)
    return before, before + timedelta(minutes=GRID_MINUTES)


def _active(session: Session, branch: Branch, start: datetime, end: datetime) -> list[Appointment]:
    # Appointments last at most a few hours; overlap is tested in Python because date
    # arithmetic differs between SQLite and PostgreSQL.
    return list(
        session.scalars(
            select(Appointment).where(
                Appointment.branch_id == branch.id,
                Appointment.status.in_(ACTIVE),
                Appointment.start < end,
                Appointment.start > start - timedelta(hours=4),
            )
        )
    )


def counters_rule(
    session: Session, branch: Branch, service: Service, start: datetime, duration: timedelta
) -> int:
    """Counters equipped for the service minus appointments already overlapping."""
    counters = len(
        session.scalars(
            select(Counter.id)
            .join(CounterService, CounterService.counter_id == Counter.id)
            .where(
                Counter.branch_id == branch.id,
                Counter.active,
                CounterService.service_id == service.id,
            )
        ).all()
    )
    rows = _active(session, branch, start, start + duration)
    overlapping = sum(1 for a in rows if a.start + timedelta(minutes=a.duration_minutes) > start)
    return counters - overlapping


def _branch_plan(session: Session, branch: Branch, day: date) -> dict[str, Any] | None:
    data = current_data(session, day)
    if data is None:
        return None
    plan = data.get("branches", {}).get(branch.code)
    if not plan or plan.get("closed") is not None:
        return None
    if plan.get("forecast", {}).get("source") == "none":
        return None
    return dict(plan)


def free_at(
    session: Session, branch: Branch, service: Service, start: datetime, duration: timedelta
) -> int:
    """How many more bookings of ``service`` may start at ``start`` (0: full)."""
    plan = _branch_plan(session, branch, start.date())
    if plan is None:
        return counters_rule(session, branch, service, start, duration)
    dt = int(plan["slot_minutes"])
    first = int(plan["start_minute"])
    caps: dict[str, list[float]] = plan["capacity"]
    intervals = plan["intervals"]
    i = (minute_of(start) - first) // dt
    if not 0 <= i < len(intervals):
        return 0
    # Room is counted per hour block of the plan's grid, so an interval that can take
    # 0.8 of a passport visit still gets its booking when its neighbours have room.
    b0 = i - i % BLOCK
    block = range(b0, min(b0 + BLOCK, len(intervals)))

    def room(code: str) -> float:
        row = caps.get(code, [])
        return sum(row[k] for k in block if k < len(row))

    if caps.get(service.code, [0.0] * len(intervals))[i] <= 0:
        return 0
    own = room(service.code)
    block_start = datetime.combine(start.date(), time(0)) + timedelta(minutes=first + b0 * dt)
    block_end = block_start + timedelta(minutes=dt * len(block))
    rows = _active(session, branch, block_start, max(block_end, start + duration))
    used = 0.0
    for a in rows:
        if block_start <= a.start < block_end:
            theirs = room(a.service.code)
            used += 1.0 / (theirs if theirs > 0 else own)
    by_room = math.floor((1.0 - used) * own + 1e-6)
    running = sum(
        1
        for a in rows
        if a.start < start + duration and a.start + timedelta(minutes=a.duration_minutes) > start
    )
    # Never more visits at once than colleagues on duty, over the whole visit.
    last = min(len(intervals) - 1, (minute_of(start + duration) - 1 - first) // dt)
    staffed = min(int(intervals[k]["staffed"]) for k in range(i, max(i, last) + 1))
    return max(0, min(by_room, staffed - running))


def free_times(
    session: Session,
    branch: Branch,
    service: Service,
    after: datetime,
    now: datetime,
    limit: int = 3,
    days: int = 7,
) -> list[datetime]:
    """The next grid times with room for ``service`` from ``after`` on (a week ahead)."""
    duration = timedelta(minutes=service.duration_minutes)
    found: list[datetime] = []
    for k in range(days + 1):
        day = after.date() + timedelta(days=k)
        if k > 0 and current_data(session, day) is None:
            continue
        periods, _ = periods_on(branch, day)
        for p in periods:
            if p.mode is PeriodMode.WALK_IN:
                continue
            moment = datetime.combine(day, p.start)
            end = datetime.combine(day, p.end)
            while moment + duration <= end:
                if (
                    moment > after
                    and moment >= now
                    and free_at(session, branch, service, moment, duration) > 0
                ):
                    found.append(moment)
                    if len(found) >= limit:
                        return found
                moment += timedelta(minutes=GRID_MINUTES)
    return found


def describe_times(times: list[datetime], day: date) -> str:
    parts = [
        f"{t:%H:%M}" if t.date() == day else f"{describe_day(t.date())} {t:%H:%M}" for t in times
    ]
    if len(parts) > 1:
        return ", ".join(parts[:-1]) + " en " + parts[-1]
    return parts[0] if parts else ""
