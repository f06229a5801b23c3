"""One call for the day plan: staffing need -> roster -> appointment capacity.

This is the API the core's ``loket plan`` uses::

    plan = plan_day(demand, staff, counters=4)
    plan.roster.shifts, plan.roster.uncovered, plan.capacity.slots, plan.to_dict()
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from scheduler.capacity import Capacity, appointment_capacity
from scheduler.demand import DayDemand, hhmm
from scheduler.roster import Roster, RosterRules, StaffAvailability, build_roster
from scheduler.staffing import IntervalNeed, Target, interval_needs, skill_cover


@dataclass
class DayPlan:
    demand: DayDemand
    target: Target
    needs: list[IntervalNeed]
    roster: Roster
    capacity: Capacity

    def to_dict(self) -> dict:
        return {
            "day": self.demand.day.isoformat() if self.demand.day else None,
            "target": {"share": self.target.share, "within_minutes": self.target.within_minutes},
            "opening": [
                {"start": hhmm(p.start), "end": hhmm(p.end), "mode": p.mode}
                for p in self.demand.opening
            ],
            "intervals": [
                {
                    "start": hhmm(nd.start),
                    "arrivals": round(nd.arrivals, 2),
                    "load": round(nd.load, 2),
                    "need": nd.need,
                    "staffed": self.roster.staffed[nd.index],
                }
                for nd in self.needs
            ],
            "roster": self.roster.to_dict(),
            "appointments": self.capacity.to_dict(),
        }


def plan_day(
    demand: DayDemand,
    staff: Sequence[StaffAvailability],
    counters: int,
    target: Target | None = None,
    rules: RosterRules | None = None,
    previous: Roster | None = None,
    time_limit_s: float = 10.0,
    appointment_mix: dict[str, float] | None = None,
    seed: int = 0,
) -> DayPlan:
    """Plan one day. Opening hours and periods come from ``demand.opening``.

    Never fails for lack of staff: shortages are in ``plan.roster.uncovered``.
    """
    target = target or Target()
    needs = interval_needs(demand, target)
    cover = skill_cover(demand)
    roster = build_roster(
        needs,
        staff,
        counters,
        demand.interval_minutes,
        cover=cover,
        rules=rules,
        previous=previous,
        time_limit_s=time_limit_s,
        seed=seed,
    )
    on_duty: list[set[str]] = []
    for i in range(demand.n_intervals):
        minute = demand.interval_start(i)
        skills: set[str] = set()
        for sh in roster.shifts:
            if sh.working(minute):
                skills.update(roster.skills[sh.staff_id])
        on_duty.append(skills)
    capacity = appointment_capacity(
        demand, roster.staffed, target, mix=appointment_mix, skills_on_duty=on_duty
    )
    return DayPlan(demand, target, needs, roster, capacity)
