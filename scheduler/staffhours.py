"""Staff-hours per day each policy needs to reach the norm, side by side.

All policies get the same family of rosters: the roster the planner makes when it
plans on the forecast scaled by a factor (0.5x .. 2.4x, more factor = more staff).
For every policy we search, by bisection over that ladder, the smallest roster with
which the simulated share called within the norm (walk-outs count as misses) reaches
the target. The visitors of the simulated days are the same at every level and for
every policy (common random numbers); only the roster and the call order change.
The appointment book stays that of the real plan at every level (the same visitors
are booked). The answer is the planned staff-hours per day of that roster, or
``None`` when even
the largest roster the team allows does not reach the norm.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from scheduler.report import summarise
from scheduler.runner import PreparedDay, prepare_day, run_scenario
from scheduler.scenario import Scenario

FACTORS = (0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.35, 1.5, 1.7, 2.0, 2.4)


@dataclass(frozen=True)
class StaffHoursNeeded:
    policy: str
    staff_hours: float | None  # planned staff-hours per day; None: norm unreachable
    factor: float | None  # the planning factor of that roster
    within_target: float | None  # simulated share at that roster
    levels_tried: int

    def to_dict(self) -> dict[str, object]:
        return {
            "staff_hours": None if self.staff_hours is None else round(self.staff_hours, 2),
            "factor": self.factor,
            "within_target": None if self.within_target is None else round(self.within_target, 4),
        }


def staff_hours_needed(
    scenario: Scenario,
    policies: Sequence[str],
    days: int,
    seed: int = 1,
    factors: Sequence[float] = FACTORS,
    workers: int | None = None,
    work_limit: float = 1.0,
    base: Mapping[str, PreparedDay] | None = None,
) -> dict[str, StaffHoursNeeded]:
    """Per policy: the smallest roster on the ladder that meets the norm (bisection).

    ``base``: the real plan per weekday; its appointment book is kept at every level,
    so a smaller roster cannot look good by refusing bookings.
    """
    target = scenario.target
    cache: dict[int, dict[str, tuple[float, float]]] = {}

    def level(i: int) -> dict[str, tuple[float, float]]:
        if i not in cache:
            prepared = {
                wd: prepare_day(
                    scenario,
                    wd,
                    verify=False,
                    demand_factor=factors[i],
                    work_limit=work_limit,
                    capacity=base[wd].plan.capacity if base and wd in base else None,
                )
                for wd in dict.fromkeys(scenario.days)
            }
            run = run_scenario(
                scenario,
                days,
                seed,
                policies,
                predict=False,
                workers=workers,
                prepared=prepared,
                lower_bound=False,
            )
            out = {}
            for name, outcomes in run.outcomes.items():
                s = summarise(outcomes, target.within_minutes)
                out[name] = (float(s["within_target"]), float(s["planned_staff_hours_per_day"]))
            cache[i] = out
        return cache[i]

    def ok(i: int, name: str) -> bool:
        return level(i)[name][0] >= target.share

    result: dict[str, StaffHoursNeeded] = {}
    if scenario.staffing != "plan":
        factors = (1.0,)
    top = len(factors) - 1
    start = factors.index(1.0) if 1.0 in factors else top // 2
    for name in policies:
        # Bisection for the first level that meets the norm, starting at the plan.
        if ok(start, name):
            lo, hi = -1, start
        elif start < top and ok(top, name):
            lo, hi = start, top
        else:
            result[name] = StaffHoursNeeded(name, None, None, None, len(cache))
            continue
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if ok(mid, name):
                hi = mid
            else:
                lo = mid
        share, hours = level(hi)[name]
        result[name] = StaffHoursNeeded(name, hours, factors[hi], share, len(cache))
    return result
