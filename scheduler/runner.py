"""Run a scenario: plan each weekday once, then simulate N days under every policy."""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace

from scheduler.bound import day_bound
from scheduler.capacity import Capacity, appointment_capacity
from scheduler.groups import group_needs
from scheduler.planning import DayPlan, plan_day, skills_on_duty
from scheduler.policies import POLICIES, make_policy
from scheduler.roster import Roster, Shift, StaffAvailability, summarise_roster
from scheduler.scenario import Scenario
from scheduler.simulator import (
    ArrivalModel,
    ClerkPlan,
    DayInput,
    DayOutcome,
    generate_day_counted,
    simulate_day,
)
from scheduler.staffing import interval_needs
from scheduler.verify import (
    VisitorBehaviour,
    arrival_model,
    clerk_plans,
    expected_visitors,
    forecast_load,
    predict_plan,
    refused_requests,
    verified_plan,
)


@dataclass
class PreparedDay:
    weekday: str
    plan: DayPlan  # the plan appointments were booked on
    clerks: list[ClerkPlan]  # who actually works on the day
    model: ArrivalModel
    load: dict[str, float]
    refused_appointments: float
    notes: list[str] = field(default_factory=list)
    working: Roster | None = None  # the roster of the day (re-planned after a sick call)
    predicted_within_target: float | None = None  # simulated share of the day's roster

    @property
    def plan_visitors(self) -> float:
        """Expected visitors of the day (weight of this day's prediction)."""
        return expected_visitors(self.model)


def _fixed_plan(scenario: Scenario, weekday: str) -> DayPlan:
    demand = scenario.demand(weekday)
    needs = interval_needs(demand, scenario.target)
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
    groups = group_needs(demand, staff, scenario.equipment, scenario.target)
    roster = summarise_roster(
        shifts,
        needs,
        staff,
        scenario.equipment,
        None,
        demand.start,
        demand.interval_minutes,
        "fixed",
        groups,
    )
    capacity = appointment_capacity(
        demand,
        roster.staffed,
        scenario.target,
        scenario.appointment_mix() or None,
        skills_on_duty(roster, demand),
    )
    return DayPlan(demand, scenario.target, needs, roster, capacity, groups)


def _staff_for(
    scenario: Scenario, weekday: str, exclude: Sequence[str] = ()
) -> list[StaffAvailability]:
    out = []
    for spec in scenario.staff:
        if spec.id in exclude:
            continue
        avail = spec.availability(weekday)
        if avail is not None:
            out.append(avail)
    return out


def behaviour(scenario: Scenario) -> VisitorBehaviour:
    v = scenario.visitors
    return VisitorBehaviour(
        v.punctuality_mean_minutes, v.punctuality_sd_minutes, v.refused_requests
    )


def prepare_day(
    scenario: Scenario,
    weekday: str,
    verify: bool = True,
    replications: int | None = None,
    demand_factor: float = 1.0,
    work_limit: float | None = None,
    capacity: Capacity | None = None,
) -> PreparedDay:
    """The plan for a weekday, the clerks who turn up, and the arrival model.

    ``verify``: check the plan by simulation and staff up where it falls short
    (``scheduler.verify``). ``demand_factor`` plans on a scaled forecast (used to
    search the staffing each policy needs); the visitors of the day stay the same, and
    with ``capacity`` (the real plan's appointment book) so do the bookings.
    """
    notes: list[str] = []
    reps = replications if replications is not None else scenario.verify_replications
    staff = _staff_for(scenario, weekday)
    forecast = scenario.demand(weekday)
    planned_on = scenario.demand(weekday, demand_factor) if demand_factor != 1.0 else forecast
    common = {
        "target": scenario.target,
        "rules": scenario.rules,
        "appointment_mix": scenario.appointment_mix() or None,
        "work_limit": scenario.roster_work_limit if work_limit is None else work_limit,
    }
    if scenario.staffing == "plan" and verify and reps > 0:
        plan = verified_plan(
            planned_on,
            staff,
            scenario.equipment,
            behaviour=behaviour(scenario),
            replications=reps,
            limit_minutes=scenario.limit_minutes,
            **common,  # type: ignore[arg-type]
        )
    elif scenario.staffing == "plan":
        plan = plan_day(
            planned_on,
            staff,
            scenario.equipment,
            time_limit_s=scenario.roster_time_limit_s,
            **common,  # type: ignore[arg-type]
        )
    else:
        plan = _fixed_plan(scenario, weekday)
    if planned_on is not forecast:
        # Scaled staffing, but appointments are booked against the real forecast.
        plan = DayPlan(forecast, plan.target, plan.needs, plan.roster, plan.capacity, plan.groups)
    if capacity is not None:
        plan = DayPlan(plan.demand, plan.target, plan.needs, plan.roster, capacity, plan.groups)
    working = plan.roster
    predicted = plan.predicted_within_target
    if scenario.sick:
        notes.append(f"off sick: {', '.join(scenario.sick)}")
        present = _staff_for(scenario, weekday, exclude=scenario.sick)
        if scenario.replan_sick and scenario.staffing == "plan":
            replanned = plan_day(
                forecast,
                present,
                scenario.equipment,
                previous=plan.roster,
                time_limit_s=scenario.roster_time_limit_s,
                **common,  # type: ignore[arg-type]
            )
            working = replanned.roster
            notes.append("re-planned in the morning (warm start from the original roster)")
        if verify and reps > 0:
            sim = predict_plan(
                plan,
                present,
                behaviour(scenario),
                reps,
                scenario.limit_minutes,
                roster=_without(working, scenario.sick),
            )
            predicted = round(sim.within_target, 4)
    skills = {spec.id: spec.skills for spec in scenario.staff}
    clerks = clerk_plans(working, skills, absent=scenario.sick)
    demand = plan.demand
    refused = sum(refused_requests(plan).values())
    actual = scenario.demand(weekday, scenario.visitors.actual_demand_factor)
    model = arrival_model(
        plan,
        behaviour(scenario),
        walk_in=actual.walk_in,
        prefixes={c: s.prefix for c, s in scenario.services.items()},
    )
    return PreparedDay(
        weekday,
        plan,
        clerks,
        model,
        forecast_load(demand),
        refused,
        notes,
        working,
        predicted,
    )


def _without(roster: Roster, absent: Sequence[str]) -> Roster:
    kept = [sh for sh in roster.shifts if sh.staff_id not in absent]
    if len(kept) == len(roster.shifts):
        return roster
    return replace(roster, shifts=kept)


def prepare(
    scenario: Scenario, verify: bool = True, replications: int | None = None
) -> dict[str, PreparedDay]:
    return {
        wd: prepare_day(scenario, wd, verify, replications) for wd in dict.fromkeys(scenario.days)
    }


def day_input(prepared: PreparedDay, day_index: int, seed: int, show_rate: float) -> DayInput:
    tickets, bookings, refused = generate_day_counted(prepared.model, seed, day_index)
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
        refused_other_day=refused.other_day,
    )


def _run_days(
    scenario: Scenario,
    prepared: dict[str, PreparedDay],
    day_indices: Sequence[int],
    seed: int,
    policies: Sequence[str],
    predict: bool,
    lower_bound: bool = True,
) -> list[DayOutcome]:
    out = []
    show = 1.0 - scenario.visitors.no_show_rate
    for d in day_indices:
        wd = scenario.days[d % len(scenario.days)]
        day = day_input(prepared[wd], d, seed, show)
        bound = day_bound(day).total_minutes if lower_bound else math.nan
        for name in policies:
            policy = make_policy(name, scenario.target.within_minutes, scenario.limit_minutes)
            o = simulate_day(day, policy, predict=predict)
            o.wait_bound_minutes = bound
            out.append(o)
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
    replications: int | None = None,
    lower_bound: bool = True,
) -> ScenarioRun:
    """Simulate ``days`` days (cycling through ``scenario.days``) under each policy."""
    for name in policies:
        make_policy(name)  # fail early on a typo
    prepared = prepared or prepare(scenario, replications=replications)
    workers = workers if workers is not None else min(2, os.cpu_count() or 1)
    indices = list(range(days))
    if workers > 1 and days >= 8:
        chunks = [indices[i::workers] for i in range(workers)]
        with ProcessPoolExecutor(workers) as pool:
            futures = [
                pool.submit(_run_days, scenario, prepared, c, seed, policies, predict, lower_bound)
                for c in chunks
            ]
            results = [o for f in futures for o in f.result()]
    else:
        results = _run_days(scenario, prepared, indices, seed, policies, predict, lower_bound)
    by_policy: dict[str, list[DayOutcome]] = {p: [] for p in policies}
    for o in sorted(results, key=lambda o: o.day_index):
        by_policy[o.policy].append(o)
    return ScenarioRun(scenario, prepared, by_policy, days, seed)
