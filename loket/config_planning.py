"""The planning parts of the municipality file: per colleague the contract hours,
service points, weekly availability and planned absences; travel time between service
points; expected volumes. Declared in ``loket.config_schema`` (STAFF, TRAVEL, VOLUME);
checked here against the other sections and written by ``loket config apply``.

Absences from the file carry source "config" and are replaced by each apply; those
entered with ``loket staff absent`` or in the manager window ("desk") are kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from loket.config_schema import WEEKDAYS
from loket.models import (
    AbsenceReason,
    Branch,
    ExpectedVolume,
    Service,
    Staff,
    StaffAbsence,
    StaffAvailability,
    StaffContract,
    StaffServicePoint,
    TravelTime,
)


class _Reader(Protocol):
    def fail(self, place: str, message: str) -> None: ...


@dataclass
class StaffPlanning:
    code: str
    hours_per_week: float | None
    service_points: list[str]
    availability: dict[int, list[tuple[time, time]]] | None
    absences: list[tuple[date, date, str]]


@dataclass
class PlanningSpec:
    staff: list[StaffPlanning] = field(default_factory=list)
    travel: list[tuple[str, str, int]] = field(default_factory=list)
    volumes: list[tuple[str, str, int, float, float]] = field(default_factory=list)


def parse(
    r: _Reader, top: dict[str, Any], branch_codes: set[str], service_codes: set[str]
) -> PlanningSpec:
    spec = PlanningSpec()
    for st in top["staff"]:
        at = st["_where"]
        for b in st["service_points"]:
            if b not in branch_codes:
                r.fail(f"{at}.service_points", f"vestiging {b!r} bestaat niet in [[branches]]")
        availability = None
        if st["availability"] is not None:
            availability = {}
            for day in WEEKDAYS:
                windows = []
                for w in st["availability"][day]:
                    start, end = w["from"], w["to"]
                    if not (isinstance(start, time) and isinstance(end, time)):
                        continue
                    if end <= start:
                        r.fail(w["_where"], f"eindtijd {end:%H:%M} ligt niet na {start:%H:%M}")
                        continue
                    windows.append((start, end))
                if windows:
                    availability[WEEKDAYS.index(day)] = windows
        absences = []
        for a in st["absences"]:
            first, last = a["from"], a["to"]
            if not (isinstance(first, date) and isinstance(last, date)):
                continue
            if last < first:
                r.fail(a["_where"], "de laatste dag ligt voor de eerste dag")
                continue
            absences.append((first, last, a["reason"]))
        spec.staff.append(
            StaffPlanning(
                st["code"], st["hours_per_week"], list(st["service_points"]), availability, absences
            )
        )
    for t in top["travel"]:
        for key in ("from", "to"):
            if t[key] not in branch_codes:
                r.fail(f"{t['_where']}.{key}", f"vestiging {t[key]!r} bestaat niet in [[branches]]")
        spec.travel.append((t["from"], t["to"], t["minutes"]))
    for v in top["volumes"]:
        if v["branch"] not in branch_codes:
            r.fail(f"{v['_where']}.branch", f"vestiging {v['branch']!r} bestaat niet")
        if v["service"] not in service_codes:
            r.fail(f"{v['_where']}.service", f"dienst {v['service']!r} bestaat niet")
        for day in v["weekdays"]:
            spec.volumes.append(
                (v["branch"], v["service"], WEEKDAYS.index(day), v["walk_ins"], v["appointments"])
            )
    return spec


def apply(session: Session, spec: PlanningSpec, now: datetime) -> int:
    """Write the planning settings; returns the number of rows changed."""
    changed = 0
    staff = {s.code: s for s in session.scalars(select(Staff))}
    branches = {b.code: b.id for b in session.scalars(select(Branch))}
    services = {s.code: s.id for s in session.scalars(select(Service))}
    for sp in spec.staff:
        member = staff.get(sp.code)
        if member is None:
            continue
        contract = session.get(StaffContract, member.id)
        if sp.hours_per_week is None:
            if contract is not None:
                session.delete(contract)
                changed += 1
        elif contract is None or contract.hours_per_week != sp.hours_per_week:
            if contract is None:
                session.add(StaffContract(staff_id=member.id, hours_per_week=sp.hours_per_week))
            else:
                contract.hours_per_week = sp.hours_per_week
            changed += 1
        have_points = set(
            session.scalars(
                select(StaffServicePoint.branch_id).where(StaffServicePoint.staff_id == member.id)
            )
        )
        want_points = {branches[b] for b in sp.service_points if b in branches}
        if have_points != want_points:
            for point in session.scalars(
                select(StaffServicePoint).where(StaffServicePoint.staff_id == member.id)
            ):
                session.delete(point)
            for branch_id in want_points:
                session.add(StaffServicePoint(staff_id=member.id, branch_id=branch_id))
            changed += 1
        rows = list(
            session.scalars(
                select(StaffAvailability).where(StaffAvailability.staff_id == member.id)
            )
        )
        have = sorted((r.weekday, r.start, r.end) for r in rows)
        want = sorted((wd, w0, w1) for wd, ws in (sp.availability or {}).items() for w0, w1 in ws)
        if have != want:
            for row in rows:
                session.delete(row)
            for wd, w0, w1 in want:
                session.add(StaffAvailability(staff_id=member.id, weekday=wd, start=w0, end=w1))
            changed += 1
        absences = list(
            session.scalars(
                select(StaffAbsence).where(
                    StaffAbsence.staff_id == member.id, StaffAbsence.source == "config"
                )
            )
        )
        if sorted((x.first_day, x.last_day, x.reason.value) for x in absences) != sorted(
            sp.absences
        ):
            for absence in absences:
                session.delete(absence)
            for first, last, reason in sp.absences:
                session.add(
                    StaffAbsence(
                        staff_id=member.id,
                        first_day=first,
                        last_day=last,
                        reason=AbsenceReason(reason),
                        source="config",
                        recorded_at=now,
                    )
                )
            changed += 1
    want_travel = {}
    for here, there, minutes in spec.travel:
        if here in branches and there in branches:
            want_travel[(branches[here], branches[there])] = minutes
            want_travel[(branches[there], branches[here])] = minutes
    have_travel = {
        (t.from_branch_id, t.to_branch_id): t for t in session.scalars(select(TravelTime))
    }
    if {k: t.minutes for k, t in have_travel.items()} != want_travel:
        for t in have_travel.values():
            session.delete(t)
        session.flush()
        for (x, y), minutes in want_travel.items():
            session.add(TravelTime(from_branch_id=x, to_branch_id=y, minutes=minutes))
        changed += 1
    want_volumes = {
        (branches[bc], services[sc], wd): (walk, booked)
        for bc, sc, wd, walk, booked in spec.volumes
        if bc in branches and sc in services
    }
    have_volumes = {
        (v.branch_id, v.service_id, v.weekday): v for v in session.scalars(select(ExpectedVolume))
    }
    if {k: (v.walk_ins, v.appointments) for k, v in have_volumes.items()} != want_volumes:
        for v in have_volumes.values():
            session.delete(v)
        session.flush()
        for (bid, sid, wd), (walk, booked) in want_volumes.items():
            session.add(
                ExpectedVolume(
                    branch_id=bid, service_id=sid, weekday=wd, walk_ins=walk, appointments=booked
                )
            )
        changed += 1
    return changed
