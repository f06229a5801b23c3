"""Staff-hours per day each policy needs to reach the norm, side by side.

All policies get the same family of rosters: the real (verified) plan, and the roster
the planner makes when it plans on the forecast scaled by a factor (0.5x .. 2.4x,
more factor = more staff). For every policy we search, by bisection over that ladder,
a roster with which the simulated share called within the norm (walk-outs count as
misses) reaches the target, and answer with the fewest planned staff-hours per day
among all rosters simulated that reach it. The visitors of the simulated days are
the same at every level and for every policy (common random numbers); only the
roster and the call order change, and every policy may call a booked visitor early
under the same rule. The appointment book stays that of the real plan at every
level (the same visitors are booked). ``None`` when no roster tried reaches the norm
(the largest the team allows included).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from scheduler.demand import DayDemand
from scheduler.planning import DayPlan, plan_day
from scheduler.report import paired_ci, per_day, summarise
from scheduler.roster import CounterEquipment, StaffAvailability
from scheduler.runner import PreparedDay, prepare_day, run_scenario
from scheduler.scenario import Scenario
from scheduler.verify import simulate_plan

FACTORS = (0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.35, 1.5, 1.7, 2.0, 2.4)


@dataclass(frozen=True)
class StaffHoursNeeded:
    policy: str
    staff_hours: float | None  # planned staff-hours per day; None: norm unreachable
    factor: float | None  # the planning factor of that roster (None: the real plan)
    within_target: float | None  # simulated share at that roster
    levels_tried: int
    # Loket only: per policy that needs fewer staff-hours, Loket's share minus theirs
    # on *their* roster, paired by day (mean, low, high of a 95% interval): when the
    # interval holds 0 the two tie within the noise of the simulated days.
    versus: dict[str, dict[str, float]] = field(default_factory=dict)
    # Loket only, the other way round: per policy that needs more staff-hours (or never
    # reaches the norm), Loket's share minus theirs on *Loket's* roster, paired by day.
    ahead: dict[str, dict[str, float]] = field(default_factory=dict)
    # Loket only: every rung simulated (factor, None = the real plan), its staff-hours
    # and every policy's share there: the evidence behind the answer.
    ladder: list[dict[str, object]] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "staff_hours": None if self.staff_hours is None else round(self.staff_hours, 2),
            "factor": self.factor,
            "within_target": None if self.within_target is None else round(self.within_target, 4),
            "levels_tried": self.levels_tried,
            "versus": {p: {k: round(v, 4) for k, v in d.items()} for p, d in self.versus.items()},
        }
        if self.policy == "loket":
            out["ahead"] = {
                p: {k: round(v, 4) for k, v in d.items()} for p, d in self.ahead.items()
            }
            out["ladder"] = self.ladder
        return out


VALID = ("OPTIMAL", "FEASIBLE", "FEASIBLE_WALL_CAP", "fixed")


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
    """Per policy: the smallest roster on the ladder that meets the norm.

    ``base``: the real plan per weekday; its appointment book is kept at every level,
    so a smaller roster cannot look good by refusing bookings, and its roster is one
    more rung of the ladder (the verified plan often adds staff the formula missed).

    The search is a bisection over the ladder per policy, all policies sharing the
    simulated levels. Neither the share nor the staff-hours are strictly monotone in
    the planning factor (the solver packs shifts differently at each level), so the
    answer is the fewest staff-hours among *all* levels simulated that meet the norm,
    not just the rung where the bisection stopped. A rung whose roster the solver could
    not produce within its work limit (no solution: an empty roster) is no rung: the
    search steps past it rather than calling the norm unreachable.
    """
    target = scenario.target
    cache: dict[int, dict[str, tuple[float, float]] | None] = {}
    daily: dict[int, dict[str, np.ndarray]] = {}  # per simulated level: policy -> per day
    if scenario.staffing != "plan":
        factors = (1.0,)
    factors = list(factors)

    def simulate(i: int, prepared: dict[str, PreparedDay]) -> dict[str, tuple[float, float]]:
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
        daily[i] = {}
        for name, outcomes in run.outcomes.items():
            s = summarise(outcomes, target.within_minutes)
            out[name] = (float(s["within_target"]), float(s["planned_staff_hours_per_day"]))
            daily[i][name] = per_day(outcomes, target.within_minutes)["within_target"]
        return out

    def level(i: int) -> dict[str, tuple[float, float]] | None:
        if i not in cache:
            if i == -1:
                assert base is not None
                prepared = dict(base)
            else:
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
            valid = all(p.plan.roster.status in VALID for p in prepared.values())
            cache[i] = simulate(i, prepared) if valid else None
        return cache[i]

    if base is not None and scenario.staffing == "plan":
        level(-1)
    start = factors.index(1.0) if 1.0 in factors else (len(factors) - 1) // 2
    found = search_ladder(len(factors), start, policies, level, target.share, cache)
    result: dict[str, StaffHoursNeeded] = {}
    for name in policies:
        best = found[name]
        if best is None:
            result[name] = StaffHoursNeeded(name, None, None, None, len(cache))
            continue
        i, share, hours = best
        factor = None if i < 0 else factors[i]
        result[name] = StaffHoursNeeded(name, hours, factor, share, len(cache))
    mine = found.get("loket")
    if "loket" in found:
        versus = {}
        for name, best in found.items():
            if name == "loket" or best is None:
                continue
            if mine is not None and best[2] >= mine[2] - 1e-9:
                continue
            per = daily[best[0]]
            ci = paired_ci(per["loket"], per[name])
            versus[name] = {
                "their_staff_hours": best[2],
                "share_difference": ci["mean"],
                "low": ci["low"],
                "high": ci["high"],
            }
        ahead = {}
        if mine is not None:
            per = daily[mine[0]]
            for name, best in found.items():
                if name == "loket" or (best is not None and best[2] < mine[2] - 1e-9):
                    continue
                ci = paired_ci(per["loket"], per[name])
                ahead[name] = {
                    "share_difference": ci["mean"],
                    "low": ci["low"],
                    "high": ci["high"],
                }
        ladder: list[dict[str, object]] = [
            {
                "factor": None if i < 0 else factors[i],
                "staff_hours": round(next(iter(lv.values()))[1], 2),
                "within_target": {n: round(v[0], 4) for n, v in lv.items()},
            }
            for i, lv in sorted(cache.items())
            if lv is not None
        ]
        old = result["loket"]
        result["loket"] = StaffHoursNeeded(
            old.policy,
            old.staff_hours,
            old.factor,
            old.within_target,
            old.levels_tried,
            versus,
            ahead,
            ladder,
        )
    return result


Level = Mapping[str, tuple[float, float]]  # policy -> (share within the norm, staff-hours)


def search_ladder(
    rungs: int,
    start: int,
    policies: Sequence[str],
    level: Callable[[int], Level | None],
    share: float,
    seen: Mapping[int, Level | None] | None = None,
) -> dict[str, tuple[int, float, float] | None]:
    """Per policy: (rung, share, staff-hours) of the fewest staff-hours meeting ``share``.

    ``level(i)`` simulates rung ``i`` (0 .. rungs-1, more staff upwards) for every
    policy, or gives None when that rung has no roster. Bisection per policy from
    ``start``, stepping past rosterless rungs; then the answer is the cheapest of all
    rungs simulated (``seen`` after the search, e.g. the real plan as rung -1) that
    meets ``share``, since neither share nor hours are strictly monotone in the rung.
    """
    evaluated: dict[int, Level | None] = {}

    def get(i: int) -> Level | None:
        if i not in evaluated:
            evaluated[i] = level(i)
        return evaluated[i]

    def probe(i: int, name: str, step: int, stop: int) -> tuple[int, bool] | None:
        """The nearest rung from i towards stop (exclusive) that has a roster."""
        while 0 <= i < rungs and i != stop:
            lv = get(i)
            if lv is not None:
                return i, lv[name][0] >= share
            i += step
        return None

    top = rungs - 1
    for name in policies:
        first = probe(start, name, 1, rungs) or probe(start, name, -1, -1)
        if first is None:
            continue  # no rung has a roster
        at, meets = first
        if meets:
            lo, hi = -1, at
        else:
            last = probe(top, name, -1, at)
            if last is None or not last[1]:
                continue  # even the largest roster misses the norm
            lo, hi = at, last[0]
        while hi - lo > 1:
            mid = (lo + hi) // 2
            got = probe(mid, name, 1, hi) or probe(mid - 1, name, -1, lo)
            if got is None:
                break  # only rosterless rungs between lo and hi
            j, meets = got
            if meets:
                hi = j
            else:
                lo = j
    levels = dict(seen or {})
    levels.update(evaluated)
    out: dict[str, tuple[int, float, float] | None] = {}
    for name in policies:
        meeting = [
            (lv[name][1], i, lv[name][0])
            for i, lv in levels.items()
            if lv is not None and lv[name][0] >= share
        ]
        if meeting:
            hours, i, got_share = min(meeting)
            out[name] = (i, got_share, hours)
        else:
            out[name] = None
    return out


def day_staff_hours_needed(
    plan: DayPlan,
    staff: Sequence[StaffAvailability],
    counters: int | Sequence[CounterEquipment],
    policies: Sequence[str],
    replications: int,
    seed: int,
    factors: Sequence[float] = FACTORS,
    work_limit: float = 1.0,
) -> dict[str, StaffHoursNeeded]:
    """``staff_hours_needed`` for one planned day outside a scenario (the unseen days).

    The same ladder: the plan itself (rung -1) and the rosters planned on its forecast
    scaled by each factor; every rung keeps the plan's appointment book and is
    simulated on the same ``replications`` days (common random numbers) per policy.
    """
    demand = plan.demand
    cache: dict[int, Level | None] = {}
    factors = list(factors)

    def simulate(day_plan: DayPlan) -> Level:
        hours = day_plan.roster.staff_minutes / 60.0
        out = {}
        for name in policies:
            sim = simulate_plan(day_plan, staff, replications=replications, seed=seed, policy=name)
            out[name] = (sim.within_target, hours)
        return out

    def level(i: int) -> Level | None:
        if i not in cache:
            if i == -1:
                cache[i] = simulate(plan)
            else:
                scaled = plan_day(
                    scale_demand(demand, factors[i]),
                    staff,
                    counters,
                    target=plan.target,
                    work_limit=work_limit,
                )
                if scaled.roster.status not in VALID:
                    cache[i] = None
                else:
                    cache[i] = simulate(
                        DayPlan(demand, plan.target, scaled.needs, scaled.roster, plan.capacity)
                    )
        return cache[i]

    level(-1)
    start = factors.index(1.0) if 1.0 in factors else (len(factors) - 1) // 2
    found = search_ladder(len(factors), start, policies, level, plan.target.share, cache)
    result = {}
    for name in policies:
        best = found[name]
        if best is None:
            result[name] = StaffHoursNeeded(name, None, None, None, len(cache))
        else:
            i, share, hours = best
            result[name] = StaffHoursNeeded(
                name, hours, None if i < 0 else factors[i], share, len(cache)
            )
    return result


def scale_demand(demand: DayDemand, factor: float) -> DayDemand:
    """The same day with every expected walk-in and booking times ``factor``."""
    return replace(
        demand,
        walk_in={s: [v * factor for v in vs] for s, vs in demand.walk_in.items()},
        appointments={s: [v * factor for v in vs] for s, vs in demand.appointments.items()},
    )
