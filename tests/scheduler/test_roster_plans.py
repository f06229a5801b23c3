"""Reproducible rosters, counter equipment, group staffing and plans verified by simulation."""

from __future__ import annotations

import multiprocessing
import time

import numpy as np
import pytest

from scheduler.demand import DayDemand, Period, ServiceProfile
from scheduler.planning import plan_day
from scheduler.policies import make_policy
from scheduler.roster import CounterEquipment, StaffAvailability
from scheduler.simulator import ArrivalModel, ClerkPlan, DayInput, generate_day, simulate_day
from scheduler.staffing import Target
from scheduler.unseen import random_day
from scheduler.verify import simulate_plan, verified_plan


def _busy(stop_at: float) -> None:
    x = 0
    while time.time() < stop_at:
        x += 1


def make_day(rates: dict[str, float], means: dict[str, float], start="09:00", end="13:00"):
    services = {c: ServiceProfile(c, m, 0.4) for c, m in means.items()}
    d = DayDemand([Period.of(start, end)], services, interval_minutes=15)
    n = d.n_intervals
    d.walk_in = {c: [r] * n for c, r in rates.items()}
    d.appointments = {}
    d.patience_minutes = 30.0
    return d


def roster_key(plan):
    return [(s.staff_id, s.start, s.end, s.breaks, s.counters) for s in plan.roster.shifts]


def test_same_plan_twice_gives_the_same_roster_also_under_cpu_load():
    d = make_day({"PAS": 1.2, "UIT": 1.0, "GEB": 0.2}, {"PAS": 15, "UIT": 5, "GEB": 15})
    staff = [
        StaffAvailability("a", {"PAS": 1.0, "UIT": 1.0}),
        StaffAvailability("b", {"PAS": 1.1, "GEB": 1.0}),
        StaffAvailability("c", {"UIT": 1.0, "GEB": 1.0}, max_minutes=180),
        StaffAvailability("d", {"PAS": 1.0, "UIT": 1.2, "GEB": 1.0}),
    ]
    first = plan_day(d, staff, 3, work_limit=0.5, seed=3)
    stop = time.time() + 60
    hogs = [multiprocessing.Process(target=_busy, args=(stop,)) for _ in range(3)]
    for h in hogs:
        h.start()
    try:
        second = plan_day(d, staff, 3, work_limit=0.5, seed=3)
    finally:
        for h in hogs:
            h.terminate()
            h.join()
    assert roster_key(first) == roster_key(second)
    assert first.roster.staff_minutes == second.roster.staff_minutes
    gap = first.roster.gap
    assert gap is not None and 0.0 <= gap <= 1.0
    assert first.roster.to_dict()["optimality_gap"] == round(gap, 4)


def test_quiet_room_gets_the_specialist_and_generalists_stay_at_the_open_counters():
    d = make_day({"PAS": 1.5, "GEB": 0.15}, {"PAS": 12, "GEB": 15})
    counters = [
        CounterEquipment(1),
        CounterEquipment(2),
        CounterEquipment(3, frozenset({"GEB"}), "stille kamer"),
    ]
    staff = [
        StaffAvailability("gen1", {"PAS": 1.0, "GEB": 1.0}),
        StaffAvailability("gen2", {"PAS": 1.0, "GEB": 1.0}),
        StaffAvailability("civil", {"GEB": 1.0}),
    ]
    plan = plan_day(d, staff, counters, work_limit=1.0)
    seats = {s.staff_id: {c for _a, _b, c in s.counters} for s in plan.roster.shifts}
    assert seats.get("civil", {3}) == {3}
    for gen in ("gen1", "gen2"):
        if gen in seats:
            # A generalist only sits in the quiet room when the specialist is not in.
            civil = next((s for s in plan.roster.shifts if s.staff_id == "civil"), None)
            for sh in plan.roster.shifts:
                if sh.staff_id != gen:
                    continue
                for a, _b, c in sh.counters:
                    if c == 3:
                        assert civil is None or not civil.working(a)


def test_a_counter_never_serves_a_service_it_is_not_equipped_for():
    model = ArrivalModel(
        start=540,
        interval_minutes=15,
        walk_in={"PAS": [2.0] * 16, "GEB": [1.0] * 16},
        slots=[],
        booking_probability={},
        mean_minutes={"PAS": 10.0, "GEB": 12.0},
        cv={"PAS": 0.4, "GEB": 0.4},
        prefixes={"PAS": "A", "GEB": "E"},
        patience_minutes=30.0,
        no_show_rate=0.0,
        punctuality_mean=0.0,
        punctuality_sd=1.0,
    )
    both = {"PAS": 1.0, "GEB": 1.0}
    clerks = [
        ClerkPlan("x", both, ((540, 660), (660, 780)), (1, 2), (frozenset({"PAS"}), None)),
        ClerkPlan("y", both, ((540, 780),), (3,), (frozenset({"GEB"}),)),
    ]
    equipped = {1: {"PAS"}, 2: {"PAS", "GEB"}, 3: {"GEB"}}
    for policy in ("loket", "fixed", "longest_wait", "priority_aging"):
        for day in range(3):
            tickets, bookings = generate_day(model, 5, day)
            out = simulate_day(
                DayInput(
                    "mon",
                    day,
                    780,
                    tickets,
                    bookings,
                    clerks,
                    dict(model.mean_minutes),
                    dict(model.cv),
                    {"PAS": 320.0, "GEB": 190.0},
                ),  # fmt: skip
                make_policy(policy),
            )
            served = [(int(c), s) for c, s in zip(out.counter, out.service, strict=True) if c]
            assert served, policy
            assert all(s in equipped[c] for c, s in served), policy
            # The GEB-only counter served births; counter 1 only passports.
            assert {s for c, s in served if c == 1} <= {"PAS"}
            assert {s for c, s in served if c == 3} == {"GEB"}


NARROW = [
    StaffAvailability("pas1", {"PAS": 1.0, "NIK": 1.0}),
    StaffAvailability("pas2", {"PAS": 1.0, "NIK": 1.0}),
    StaffAvailability("pas3", {"PAS": 1.0, "NIK": 1.0}, max_minutes=240),
    StaffAvailability("ryb1", {"RYB": 1.0}),
    StaffAvailability("ryb2", {"RYB": 1.0, "UIT": 1.0}),
    StaffAvailability("uit1", {"UIT": 1.0}),
]


def test_narrow_skills_team_is_staffed_per_group_and_the_prediction_holds():
    d = make_day(
        {"PAS": 0.9, "NIK": 0.6, "RYB": 0.9, "UIT": 0.8},
        {"PAS": 15, "NIK": 12, "RYB": 10, "UIT": 5},
    )
    plan = verified_plan(d, NARROW, 5, Target(0.95, 5), replications=30, work_limit=1.0)
    # Every family has its own people at work while it has demand.
    for i in range(d.n_intervals):
        minute = d.interval_start(i)
        for code in ("PAS", "RYB", "UIT"):
            assert plan.roster.serving(minute, code) >= 1
    assert plan.predicted_within_target is not None
    assert plan.predicted_within_target >= 0.95 or plan.shortfalls
    fresh = simulate_plan(plan, NARROW, replications=40, seed=12345)
    assert abs(fresh.within_target - plan.predicted_within_target) <= 0.03


def test_too_small_a_team_gets_its_shortfall_reported_with_the_missing_skills():
    d = make_day({"PAS": 3.0, "UIT": 1.0}, {"PAS": 15, "UIT": 5})
    staff = [StaffAvailability("solo", {"PAS": 1.0, "UIT": 1.0})]
    plan = verified_plan(d, staff, 2, replications=10, max_rounds=1, work_limit=0.5)
    assert plan.predicted_within_target is not None and plan.predicted_within_target < 0.95
    assert plan.shortfalls
    assert plan.roster.uncovered
    missing = [m for u in plan.roster.uncovered for m in u.missing]
    assert any("PAS" in skills and k >= 1 for skills, k in missing)


@pytest.mark.parametrize("case", [11, 22, 33])
def test_prediction_matches_simulation_on_random_unseen_days(case):
    d, staff, counters = random_day(np.random.default_rng(case))
    plan = verified_plan(d, staff, counters, replications=40, work_limit=0.5, max_rounds=3)
    assert plan.predicted_within_target is not None
    fresh = simulate_plan(plan, staff, replications=40, seed=900 + case)
    assert abs(fresh.within_target - plan.predicted_within_target) <= 0.03


def test_prediction_holds_on_the_shipped_two_counter_office():
    """Two counters, ~34 visitors on a Monday: the plan's prediction is within 3 points
    of Loket simulated on 150 fresh Mondays (the benchmark's 5 Mondays swing by more
    than that by chance alone)."""
    from dataclasses import replace

    from scheduler.report import summarise
    from scheduler.runner import prepare_day, run_scenario
    from scheduler.scenario import load_scenario

    sc = replace(load_scenario("assets/scenarios/two_counter_office.toml"), days=["mon"])
    prep = prepare_day(sc, "mon")
    assert prep.predicted_within_target is not None
    run = run_scenario(sc, 150, 77, ("loket",), predict=False, prepared={"mon": prep}, workers=1)
    simulated = summarise(run.outcomes["loket"], 5.0)["within_target"]
    assert abs(simulated - prep.predicted_within_target) <= 0.03
    # The office cannot meet the norm, and the plan says so before the day.
    assert prep.predicted_within_target < 0.95 and prep.plan.shortfalls
