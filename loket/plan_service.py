"""Stored, versioned day plans and staff absences: the services behind ``loket plan``,
``loket staff absent``, booking capacity and the manager's Planning tab.

A plan is built from the database in a *read* transaction (the CP-SAT roster takes
up to a few seconds and must not hold the write lock) and stored in a short write
transaction as the next version of the day. An absence re-plans every stored day it
touches from the current version (warm start), and the new version lists what changed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, undefer

from loket import events, limits, plan_builder, staff
from loket.errors import NotFound, Refused
from loket.models import (
    AbsenceReason,
    ExpectedVolume,
    Staff,
    StaffAbsence,
    StaffAvailability,
    StaffContract,
    StaffServicePoint,
    StoredPlan,
    TravelTime,
)

if TYPE_CHECKING:
    from loket.services.base import ServiceBase

REASONS_NL = {"sick": "ziek", "leave": "verlof", "other": "anders"}
# Plans built on demand (a booking for a day without a plan) get a smaller solver work
# limit (deterministic time, so still reproducible) than ``loket plan`` and re-plans.
ON_DEMAND_WORK_LIMIT = 1.0


@dataclass(frozen=True)
class ShiftView:
    staff: str
    name: str
    start: str
    end: str
    breaks: tuple[tuple[str, str], ...]
    counters: tuple[tuple[str, str, int], ...]  # (from, to, counter number)


@dataclass(frozen=True)
class IntervalView:
    start: str
    need: int
    staffed: int
    walk_in: float
    share_within_norm: float
    staff_here: tuple[str, ...]  # names of who works then, with their counter


@dataclass(frozen=True)
class BranchPlanView:
    code: str
    name: str
    closed: str | None
    forecast_source: str
    forecast_note: str
    share_within_norm: float | None
    intervals: tuple[IntervalView, ...]
    shifts: tuple[ShiftView, ...]
    uncovered: tuple[str, ...]
    # The target the service point is staffed for (None in plans stored before it).
    target_share: float | None = None
    norm_minutes: float | None = None


@dataclass(frozen=True)
class PlanView:
    day: date
    version: int
    created_at: datetime
    trigger: str
    forecast_source: str
    branches: tuple[BranchPlanView, ...]
    absent: tuple[tuple[str, str], ...]  # (name, reason in Dutch)
    changes: tuple[str, ...] = field(default_factory=tuple)
    data: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def branch(self, code: str) -> BranchPlanView:
        for b in self.branches:
            if b.code == code:
                return b
        raise NotFound(f"Vestiging {code} bestaat niet.")


@dataclass(frozen=True)
class AbsenceView:
    staff: str
    name: str
    first_day: date
    last_day: date
    reason: str
    replanned: tuple[PlanView, ...]


def _view(row: StoredPlan) -> PlanView:
    data = row.data
    branches = []
    for code, b in data.get("branches", {}).items():
        shifts = tuple(
            ShiftView(
                s["staff"],
                s["name"],
                s["start"],
                s["end"],
                tuple((a, e) for a, e in s["breaks"]),
                tuple((a, e, int(c)) for a, e, c in s["counters"]),
            )
            for s in b.get("shifts", [])
        )
        intervals = []
        for i in b.get("intervals", []):
            minute = plan_builder.minute_of(datetime.strptime(i["start"], "%H:%M"))
            here = []
            for s in b.get("shifts", []):
                for a, e, c in s["counters"]:
                    a_m = plan_builder.minute_of(datetime.strptime(a, "%H:%M"))
                    e_m = plan_builder.minute_of(datetime.strptime(e, "%H:%M"))
                    if a_m <= minute < e_m:
                        here.append(f"{s['name']} (balie {c})")
            intervals.append(
                IntervalView(
                    i["start"],
                    int(i["need"]),
                    int(i["staffed"]),
                    float(i.get("walk_in", 0.0)),
                    float(i.get("share_within_norm", 1.0)),
                    tuple(here),
                )
            )
        uncovered = tuple(
            f"{u['start']}-{u['end']}: {u['staffed']} van {u['need']} nodig"
            + (f" (niemand voor {', '.join(u['services'])})" if u.get("services") else "")
            for u in b.get("uncovered", [])
        )
        fc = b.get("forecast", {})
        branches.append(
            BranchPlanView(
                code,
                b["name"],
                b.get("closed"),
                fc.get("source", "none"),
                fc.get("note", ""),
                b.get("share_within_norm"),
                tuple(intervals),
                shifts,
                uncovered,
                (b.get("target") or {}).get("share"),
                (b.get("target") or {}).get("norm_minutes"),
            )
        )
    return PlanView(
        day=row.day,
        version=row.version,
        created_at=row.created_at,
        trigger=row.trigger,
        forecast_source=row.forecast_source,
        branches=tuple(branches),
        absent=tuple(
            (a["name"], REASONS_NL.get(a["reason"], a["reason"])) for a in data.get("absent", [])
        ),
        changes=tuple(data.get("changes", [])),
        data=data,
    )


def current(session: Session, day: date) -> StoredPlan | None:
    return session.scalar(
        select(StoredPlan)
        .where(StoredPlan.day == day)
        .order_by(StoredPlan.version.desc())
        .limit(1)
        .options(undefer(StoredPlan.data))
    )


def current_data(session: Session, day: date) -> dict[str, Any] | None:
    row = current(session, day)
    return row.data if row is not None else None


class PlanService:
    """Exposed as ``Loket.planning``."""

    def __init__(self, loket: ServiceBase) -> None:
        self.loket = loket

    def _store(
        self,
        day: date,
        trigger: str,
        build: Callable[[Session], dict[str, Any]],
        only_if_none: bool,
    ) -> PlanView:
        with self.loket.db.read() as session:
            old = current_data(session, day)
            if only_if_none and old is not None:
                row = current(session, day)
                assert row is not None
                return _view(row)
            data = build(session)
        data["changes"] = plan_builder.changes(old, data)
        with self.loket.db.write() as session:
            latest = current(session, day)
            if only_if_none and latest is not None:
                return _view(latest)
            version = (latest.version if latest else 0) + 1
            row = StoredPlan(
                day=day,
                version=version,
                created_at=self.loket.now(),
                trigger=trigger,
                forecast_source=data["forecast_source"],
                coverage=plan_builder.coverage(data),
                data=data,
            )
            session.add(row)
            session.flush()
            events.append(
                session,
                at=self.loket.now(),
                kind="plan.stored",
                actor=self.loket.actor,
                data={
                    "day": day.isoformat(),
                    "version": version,
                    "trigger": trigger,
                    "forecast": data["forecast_source"],
                    "changes": len(data["changes"]),
                },
            )
            return _view(row)

    def plan(
        self, day: date, *, replan: bool = False, work_limit: float = plan_builder.WORK_LIMIT
    ) -> PlanView:
        """The stored plan of the day; built and stored first when there is none (or
        ``replan``: a new version from the current one)."""
        limits.day(day, self.loket.now(), "De dag van het plan")
        if replan:
            staff.require(self.loket.actor, "plan")
        return self._store(
            day,
            "replan" if replan else "first",
            lambda s: plan_builder.build(
                s, day, current_data(s, day) if replan else None, work_limit
            ),
            only_if_none=not replan,
        )

    def _replan(self, day: date, trigger: str) -> PlanView:
        def build(session: Session) -> dict[str, Any]:
            return plan_builder.build(
                session, day, current_data(session, day), ON_DEMAND_WORK_LIMIT
            )

        return self._store(day, trigger, build, only_if_none=False)

    def ensure(self, day: date) -> None:
        """A plan exists for ``day`` (bookings need its capacity)."""
        with self.loket.db.read() as session:
            if session.scalar(select(func.count(StoredPlan.id)).where(StoredPlan.day == day)):
                return
            if not plan_builder.has_forecast(session, day):
                # Without history or expected volumes the plan cannot size the room for
                # walk-ins; booking then keeps the counters rule (loket/capacity.py).
                return
        self.plan(day, work_limit=ON_DEMAND_WORK_LIMIT)

    def stored(self, day: date) -> PlanView | None:
        with self.loket.db.read() as session:
            row = current(session, day)
            return _view(row) if row else None

    def versions(self, day: date) -> list[tuple[int, datetime, str]]:
        with self.loket.db.read() as session:
            return [
                (r.version, r.created_at, r.trigger)
                for r in session.scalars(
                    select(StoredPlan).where(StoredPlan.day == day).order_by(StoredPlan.version)
                )
            ]

    def record_absence(
        self, code: str, first_day: date, last_day: date, reason: str
    ) -> AbsenceView:
        """Record leave or sickness; every stored plan from today on that it touches is
        re-planned from its current version."""
        staff.require(self.loket.actor, "plan")
        if reason not in REASONS_NL:
            raise Refused(
                "Kies als reden: ziek (sick), verlof (leave) of anders (other).", code="reason"
            )
        if last_day < first_day:
            raise Refused("De laatste dag ligt voor de eerste dag.", code="dates")
        if (last_day - first_day).days > 366:
            raise Refused("Een afwezigheid kan hoogstens een jaar duren.", code="dates")
        with self.loket.db.write() as session:
            member = session.scalar(select(Staff).where(Staff.code == code.strip()))
            if member is None:
                raise NotFound(f"Medewerker {code} bestaat niet.")
            session.add(
                StaffAbsence(
                    staff_id=member.id,
                    first_day=first_day,
                    last_day=last_day,
                    reason=AbsenceReason(reason),
                    source="desk",
                    recorded_at=self.loket.now(),
                )
            )
            # That someone is away and when, never why (sickness is health data).
            events.append(
                session,
                at=self.loket.now(),
                kind="staff.absence",
                actor=self.loket.actor,
                data={
                    "staff": member.code,
                    "first_day": first_day.isoformat(),
                    "last_day": last_day.isoformat(),
                },
            )
            name = member.name
            days = list(
                session.scalars(
                    select(StoredPlan.day)
                    .where(
                        StoredPlan.day >= max(first_day, self.loket.now().date()),
                        StoredPlan.day <= last_day,
                    )
                    .distinct()
                    .order_by(StoredPlan.day)
                )
            )
        replanned = tuple(self._replan(d, "absence") for d in days)
        return AbsenceView(code, name, first_day, last_day, REASONS_NL[reason], replanned)

    def absences(self, start: date, days: int = 14) -> list[tuple[str, date, date, str]]:
        """(name, first, last, reason in Dutch) of absences overlapping the period."""
        staff.require(self.loket.actor, "plan")
        end = start + timedelta(days=days)
        with self.loket.db.read() as session:
            rows = session.execute(
                select(
                    Staff.name, StaffAbsence.first_day, StaffAbsence.last_day, StaffAbsence.reason
                )
                .join(Staff, Staff.id == StaffAbsence.staff_id)
                .where(StaffAbsence.last_day >= start, StaffAbsence.first_day <= end)
                .order_by(StaffAbsence.first_day)
            )
            return [(n, a, b, REASONS_NL[r.value]) for n, a, b, r in rows]

    def set_expected_volume(
        self, branch: str, service: str, weekday: int, walk_ins: float, appointments: float
    ) -> None:
        """Expected visits per day before there is history (the configuration's volumes)."""
        from loket import tickets

        staff.require(self.loket.actor, "configure")
        with self.loket.db.write() as session:
            b = tickets.get_branch(session, branch)
            s = tickets.get_service(session, service)
            row = session.get(ExpectedVolume, (b.id, s.id, weekday))
            if row is None:
                row = ExpectedVolume(branch_id=b.id, service_id=s.id, weekday=weekday)
                session.add(row)
            row.walk_ins = walk_ins
            row.appointments = appointments

    # -- staff availability (the configuration's [[staff]] fields, also settable here) --

    def set_availability(
        self,
        code: str,
        weekdays: dict[int, list[tuple[time, time]]],
        *,
        hours_per_week: float | None = None,
        service_points: list[str] | None = None,
    ) -> None:
        """Replace a colleague's weekly availability (weekday 0 = Monday -> windows),
        contract hours and the branches they may work at (None: leave as is)."""
        from loket import tickets

        staff.require(self.loket.actor, "configure")
        with self.loket.db.write() as session:
            member = session.scalar(select(Staff).where(Staff.code == code))
            if member is None:
                raise NotFound(f"Medewerker {code} bestaat niet.")
            for row in session.scalars(
                select(StaffAvailability).where(StaffAvailability.staff_id == member.id)
            ):
                session.delete(row)
            for weekday, windows in weekdays.items():
                for start, end in windows:
                    if end <= start:
                        raise Refused(f"{code}: een tijdvak moet na het begin eindigen.")
                    session.add(
                        StaffAvailability(staff_id=member.id, weekday=weekday, start=start, end=end)
                    )
            if hours_per_week is not None:
                contract = session.get(StaffContract, member.id)
                if contract is None:
                    session.add(StaffContract(staff_id=member.id, hours_per_week=hours_per_week))
                else:
                    contract.hours_per_week = hours_per_week
            if service_points is not None:
                for point in session.scalars(
                    select(StaffServicePoint).where(StaffServicePoint.staff_id == member.id)
                ):
                    session.delete(point)
                for b in service_points:
                    session.add(
                        StaffServicePoint(
                            staff_id=member.id, branch_id=tickets.get_branch(session, b).id
                        )
                    )

    def set_travel_time(self, a: str, b: str, minutes: int) -> None:
        """Minutes between two service points, both ways."""
        from loket import tickets

        staff.require(self.loket.actor, "configure")
        with self.loket.db.write() as session:
            ids = (tickets.get_branch(session, a).id, tickets.get_branch(session, b).id)
            for x, y in (ids, ids[::-1]):
                row = session.get(TravelTime, (x, y))
                if row is None:
                    session.add(TravelTime(from_branch_id=x, to_branch_id=y, minutes=minutes))
                else:
                    row.minutes = minutes

    def counter_staff(self) -> list[tuple[str, str]]:
        """(code, name) of the active colleagues who work at counters."""
        staff.require(self.loket.actor, "plan")
        with self.loket.db.read() as session:
            return [
                (m.code, m.name)
                for m in session.scalars(select(Staff).where(Staff.active).order_by(Staff.name))
                if "counter" in m.roles
            ]
