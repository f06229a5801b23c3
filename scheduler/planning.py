"""One call for the day plan: staffing need -> roster -> appointment capacity.

This is the API the core's ``loket plan`` uses::

    plan = plan_day(demand, staff, counters=4)
    plan.roster.shifts, plan.roster.uncovered, plan.capacity.slots, plan.to_dict()
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from scheduler.capacity import Capacity, appointment_capacity
from scheduler.demand import DayDemand, hhmm
from scheduler.groups import group_needs
from scheduler.roster import (
    WORK_LIMIT,
    CounterEquipment,
    GroupNeed,
    Roster,
    RosterRules,
    StaffAvailability,
    build_roster,
)
from scheduler.staffing import IntervalNeed, Target, interval_needs

if TYPE_CHECKING:
    from scheduler.verify import PlanSimulation


@dataclass
class DayPlan:
    demand: DayDemand
    target: Target
    needs: list[IntervalNeed]
    roster: Roster
    capacity: Capacity
    groups: list[GroupNeed] = field(default_factory=list)
    # Share called within the norm, from simulating this plan (scheduler.verify);
    # None when the plan was not verified.
    predicted_within_target: float | None = None
    shortfalls: list[dict[str, object]] = field(default_factory=list)
    simulation: PlanSimulation | None = None

    def to_dict(self) -> dict[str, object]:
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
            "groups": {
                g.label(): {
                    hhmm(self.demand.interval_start(i)): k for i, k in enumerate(g.need) if k
                }
                for g in self.groups
            },
            "predicted_within_target": self.predicted_within_target,
            "shortfalls": self.shortfalls,
        }


def plan_day(
    demand: DayDemand,
    staff: Sequence[StaffAvailability],
    counters: int | Sequence[CounterEquipment],
    target: Target | None = None,
    rules: RosterRules | None = None,
    previous: Roster | None = None,
    time_limit_s: float = 120.0,
    appointment_mix: dict[str, float] | None = None,
    seed: int = 0,
    at_least: Mapping[frozenset[str], Sequence[int]] | None = None,
    work_limit: float = WORK_LIMIT,
) -> DayPlan:
    """Plan one day. Opening hours and periods come from ``demand.opening``.

    ``counters`` is a number (all equipped for everything) or the counters with their
    equipment. ``at_least`` raises the people needed per group of services and
    interval above the computed need (the simulation in the loop, ``scheduler.verify``).
    The roster is reproducible: ``seed`` and the deterministic ``work_limit`` decide
    it; ``time_limit_s`` is only a wall-clock safety cap.
    Never fails for lack of staff: shortages are in ``plan.roster.uncovered``.
    """
    target = target or Target()
    needs = interval_needs(demand, target)
    groups = group_needs(demand, staff, counters, target, at_least)
    roster = build_roster(
        needs,
        staff,
        counters,
        demand.interval_minutes,
        rules=rules,
        previous=previous,
        time_limit_s=time_limit_s,
        seed=seed,
        groups=groups,
        work_limit=work_limit,
    )
    capacity = appointment_capacity(
        demand,
        roster.staffed,
        target,
        mix=appointment_mix,
        skills_on_duty=skills_on_duty(roster, demand),
    )
    return DayPlan(demand, target, needs, roster, capacity, groups)


def skills_on_duty(roster: Roster, demand: DayDemand) -> list[set[str]]:
    """Per interval: services somebody at work can serve at their counter."""
    out: list[set[str]] = []
    for i in range(demand.n_intervals):
        minute = demand.interval_start(i)
        out.append({s for s in demand.services if roster.serving(minute, s) > 0})
    return out
