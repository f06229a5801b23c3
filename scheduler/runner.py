"""Run a scenario: plan each weekday once, then simulate N days under every policy."""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

from scheduler.capacity import appointment_capacity
from scheduler.planning import DayPlan, plan_day
from scheduler.policies import POLICIES, make_policy
from scheduler.roster import Shift, summarise_roster
from scheduler.scenario import Scenario
from scheduler.simulator import (
    ArrivalModel,
    ClerkPlan,
    DayInput,
    DayOutcome,
    generate_day,
    simulate_day,
)
from scheduler.staffing import interval_needs, skill_cover


@dataclass
class PreparedDay:
    weekday: str
    plan: DayPlan  # the plan appointments were booked on
    clerks: list[ClerkPlan]  # who actually works on the day
    model: ArrivalModel
    load: dict[str, float]
    refused_appointments: float
    notes: list[str] = field(default_factory=list)


def _fixed_plan(scenario: Scenario, weekday: str) -> DayPlan:
    demand = scenario.demand(weekday)
    needs = interval_needs(demand, scenario.target)
    cover = skill_cover(demand)
    shifts, staff = [], []
    for spec in scenario.staff:
        windows = sorted(spec.shifts.get(weekday, ()))
        if not windows:
            continue
        breaks = tuple(
            (a[1], b[0]) for a, b in zip(windows, windows[1:], strict=False) if b[0] > a[1]
        )
        shifts.append(Shift(spec.id, windows[0][0], windows[-1][1], breaks))
        avail = spec.availability(weekday)
        if avail is not None:
            staff.append(avail)
    roster = summarise_roster(
        shifts,
        needs,
        staff,
        scenario.counters,
        cover,
        demand.start,
        demand.interval_minutes,
        "fixed",
    )
    on_duty = _skills_on_duty(roster, demand)
    capacity = appointment_capacity(
        demand, roster.staffed, scenario.target, scenario.appointment_mix() or None, on_duty
    )
    return DayPlan(demand, scenario.target, needs, roster, capacity)


def _skills_on_duty(roster, demand) -> list[set[str]]:
    out = []
    for i in range(demand.n_intervals):
        minute = demand.interval_start(i)
        s: set[str] = set()
        for sh in roster.shifts:
            if sh.working(minute):
                s.update(roster.skills.get(sh.staff_id, {}))
        out.append(s)
    return out


def _staff_for(scenario: Scenario, weekday: str, exclude: Sequence[str] = ()):
    out = []
    for spec in scenario.staff:
        if spec.id in exclude:
            continue
        avail = spec.availability(weekday)
        if avail is not None:
            out.append(avail)
    return out


def prepare_day(scenario: Scenario, weekday: str) -> PreparedDay:
    """The plan for a weekday, the clerks who turn up, and the arrival model."""
    notes: list[str] = []
    if scenario.staffing == "plan":
        plan = plan_day(
            scenario.demand(weekday),
            _staff_for(scenario, weekday),
            scenario.counters,
            scenario.target,
            rules=scenario.rules,
            time_limit_s=scenario.roster_time_limit_s,
            appointment_mix=scenario.appointment_mix() or None,
        )
    else:
        plan = _fixed_plan(scenario, weekday)
    working = plan.roster
    if scenario.sick:
        notes.append(f"off sick: {', '.join(scenario.sick)}")
        if scenario.replan_sick and scenario.staffing == "plan":
            replanned = plan_day(
                scenario.demand(weekday),
                _staff_for(scenario, weekday, exclude=scenario.sick),
                scenario.counters,
                scenario.target,
                rules=scenario.rules,
                previous=plan.roster,
                time_limit_s=scenario.roster_time_limit_s,
                appointment_mix=scenario.appointment_mix() or None,
            )
            working = replanned.roster
            notes.append("re-planned in the morning (warm start from the original roster)")
    skills = {spec.id: spec.skills for spec in scenario.staff}
    clerks = [
        ClerkPlan(sh.staff_id, skills[sh.staff_id], tuple(sh.segments()))
        for sh in working.shifts
        if sh.staff_id not in scenario.sick
    ]
    demand = plan.demand
    probability, refused = {}, 0.0
    for code in scenario.services:
        wanted = sum(demand.appointments.get(code, []))
        cap = plan.capacity.total(code)
        probability[code] = min(1.0, wanted / cap) if cap else 0.0
        refused += max(0.0, wanted - cap)
    actual = scenario.demand(weekday, scenario.visitors.actual_demand_factor)
    load = {
        code: (sum(demand.walk_in.get(code, [])) + sum(demand.appointments.get(code, [])))
        * svc.mean_minutes
        for code, svc in scenario.services.items()
    }
    v = scenario.visitors
    model = ArrivalModel(
        start=demand.start,
        interval_minutes=demand.interval_minutes,
        walk_in=actual.walk_in,
        slots=plan.capacity.slots,
        booking_probability=probability,
        mean_minutes={c: s.mean_minutes for c, s in scenario.services.items()},
        cv={c: s.cv for c, s in scenario.services.items()},
        prefixes={c: s.prefix for c, s in scenario.services.items()},
        patience_minutes=v.patience_minutes,
        no_show_rate=v.no_show_rate,
        punctuality_mean=v.punctuality_mean_minutes,
        punctuality_sd=v.punctuality_sd_minutes,
    )
    return PreparedDay(weekday, plan, clerks, model, load, refused, notes)


def prepare(scenario: Scenario) -> dict[str, PreparedDay]:
    return {wd: prepare_day(scenario, wd) for wd in dict.fromkeys(scenario.days)}


def day_input(prepared: PreparedDay, day_index: int, seed: int, show_rate: float) -> DayInput:
    tickets, bookings = generate_day(prepared.model, seed, day_index)
    m = prepared.model
    return DayInput(
        weekday=prepared.weekday,
        day_index=day_index,
        close=prepared.plan.demand.end,
        tickets=tickets,
        bookings=bookings,
        clerks=prepared.clerks,
        mean_minutes=dict(m.mean_minutes),
        cv=dict(m.cv),
        load=prepared.load,
        show_rate=show_rate,
        period_ends=tuple(p.end for p in prepared.plan.demand.opening if p.walk_ins),
    )


def _run_days(
    scenario: Scenario,
    prepared: dict[str, PreparedDay],
    day_indices: Sequence[int],
    seed: int,
    policies: Sequence[str],
    predict: bool,
) -> list[DayOutcome]:
    out = []
    show = 1.0 - scenario.visitors.no_show_rate
    for d in day_indices:
        wd = scenario.days[d % len(scenario.days)]
        day = day_input(prepared[wd], d, seed, show)
        for name in policies:
            policy = make_policy(name, scenario.target.within_minutes, scenario.limit_minutes)
            out.append(simulate_day(day, policy, predict=predict))
    return out


@dataclass
class ScenarioRun:
    scenario: Scenario
    prepared: dict[str, PreparedDay]
    outcomes: dict[str, list[DayOutcome]]  # policy -> per day, in day order
    days: int
    seed: int


def run_scenario(
    scenario: Scenario,
    days: int,
    seed: int = 1,
    policies: Sequence[str] = POLICIES,
    predict: bool = True,
    workers: int | None = None,
    prepared: dict[str, PreparedDay] | None = None,
) -> ScenarioRun:
    """Simulate ``days`` days (cycling through ``scenario.days``) under each policy."""
    for name in policies:
        make_policy(name)  # fail early on a typo
    prepared = prepared or prepare(scenario)
    workers = workers if workers is not None else min(2, os.cpu_count() or 1)
    indices = list(range(days))
    if workers > 1 and days >= 8:
        chunks = [indices[i::workers] for i in range(workers)]
        with ProcessPoolExecutor(workers) as pool:
            futures = [
                pool.submit(_run_days, scenario, prepared, c, seed, policies, predict)
                for c in chunks
            ]
            results = [o for f in futures for o in f.result()]
    else:
        results = _run_days(scenario, prepared, indices, seed, policies, predict)
    by_policy: dict[str, list[DayOutcome]] = {p: [] for p in policies}
    for o in sorted(results, key=lambda o: o.day_index):
        by_policy[o.policy].append(o)
    return ScenarioRun(scenario, prepared, by_policy, days, seed)
