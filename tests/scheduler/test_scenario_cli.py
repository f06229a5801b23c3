import json
from pathlib import Path

import pytest

from scheduler.cli import plan_for_day, simulate_main
from scheduler.scenario import load_scenario

SCENARIOS = sorted(Path("assets/scenarios").glob("*.toml"))


def test_the_ten_scenarios_are_shipped():
    names = {p.stem for p in SCENARIOS}
    assert {"demo_week", "busy_monday", "no_shows_30", "counter_sick", "demand_plus_20"} <= names
    assert {
        "two_counter_office",
        "narrow_skills",
        "appointment_only_late",
        "surge_sick",
        "part_time_points",
    } <= names


def test_narrow_skills_scenario_has_a_quiet_room_and_narrow_colleagues():
    sc = load_scenario("assets/scenarios/narrow_skills.toml")
    room = [c for c in sc.equipment if c.services is not None and "GEB" in c.services]
    assert room and room[0].services == frozenset({"GEB", "HUW"})
    assert all(len(s.skills) <= 3 for s in sc.staff)


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_scenarios_load(path):
    sc = load_scenario(path)
    assert sc.services and sc.days and sc.counters > 0


def test_demo_week_opening_hours_are_dalfsen():
    sc = load_scenario("assets/scenarios/demo_week.toml")
    tue = [(p.start, p.end, p.mode) for p in sc.hours["tue"]]
    assert tue == [(510, 750, "mixed"), (780, 990, "appointment")]
    assert [(p.start, p.end) for p in sc.hours["mon"]] == [(510, 1200)]


def test_simulate_main_json(capsys):
    code = simulate_main(
        "assets/scenarios/part_time_points.toml",
        days=2,
        seed=3,
        policy=None,
        as_json=True,
        staff_hours=True,
        replications=4,
    )
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data["policies"]) == {"loket", "fixed", "longest_wait", "priority_aging", "pooled"}
    for figures in data["policies"].values():
        assert 0 <= figures["within_target_walk_in"] <= 1
        assert "staff_hours_needed_for_norm" in figures
        need = figures["staff_hours_needed_for_norm"]
        assert need is None or need > 0
        # A walk-out waited at least their patience: P95 can only grow.
        assert figures["p95_wait_incl_walkouts"] >= figures["p95_wait"] - 1e-9
    search = data["staff_hours_search"]
    assert set(search) == set(data["policies"])
    for name, found in search.items():
        assert found["staff_hours"] == data["policies"][name]["staff_hours_needed_for_norm"]
    # Loket is compared, paired by day, with every baseline that needs fewer hours.
    mine = search["loket"]["staff_hours"]
    for name, found in search.items():
        cheaper = found["staff_hours"] is not None and (
            mine is None or found["staff_hours"] < mine - 1e-9
        )
        assert (name in search["loket"]["versus"]) == (name != "loket" and cheaper)
        # ... and on its own roster with every policy that needs as many or more.
        assert (name in search["loket"]["ahead"]) == (
            name != "loket" and mine is not None and not cheaper
        )
    assert search["loket"]["ladder"], "the rungs simulated are listed"
    for plan in data["plans"].values():
        assert 0 <= plan["predicted_within_target"] <= 1
        assert {"staff_hours", "uncovered", "appointments_refused", "optimality_gap"} <= set(plan)


@pytest.mark.parametrize("refused_as", ["walk_in", "other_day"])
def test_refused_requests_are_counted_per_day_in_the_json(capsys, tmp_path, refused_as):
    # Two counters cannot book all of Monday's requests in the two-counter office.
    path = tmp_path / "office.toml"
    path.write_text(
        f'extends = "{Path("assets/scenarios/two_counter_office.toml").resolve()}"\n'
        f'days = ["mon"]\n[visitors]\nrefused_requests = "{refused_as}"\n',
        encoding="utf-8",
    )
    code = simulate_main(path, 3, 5, "loket", True, staff_hours=False, replications=2)
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    loket = data["policies"]["loket"]
    expected = data["plans"]["mon"]["appointments_refused"]
    assert expected > 0
    assert loket["refused_requests_per_day"] == pytest.approx(
        loket["refused_as_walk_in_per_day"] + loket["refused_to_other_day_per_day"]
    )
    assert loket["refused_requests_per_day"] > 0
    came, moved = loket["refused_as_walk_in_per_day"], loket["refused_to_other_day_per_day"]
    assert (came > 0 and moved == 0) if refused_as == "walk_in" else (came == 0 and moved > 0)
    assert 0 <= loket["mean_wait_lower_bound"] <= loket["mean_wait_incl_walkouts"]


def test_simulate_main_rejects_unknown_policy(capsys):
    assert simulate_main("assets/scenarios/demo_week.toml", 1, 1, "random", False) == 2
    assert "onbekend" in capsys.readouterr().err


def test_plan_for_day_gives_roster_and_spread_slots():
    plan = plan_for_day("assets/scenarios/demo_week.toml", "tue", replications=4)
    assert plan.to_dict()["roster"] == plan.roster.to_dict()
    assert plan.roster.shifts
    slots = plan.capacity.slots
    assert slots and all(s.start >= 13 * 60 or s.start < 12 * 60 + 30 for s in slots)
    on_hour = sum(1 for s in slots if s.start % 60 == 0)
    assert on_hour < len(slots) / 4
