from datetime import timedelta

import numpy as np
import pytest

from scheduler.dispatch import WaitingTicket
from scheduler.erlang import mmc
from scheduler.policies import LongestWaitPolicy, SimTicket, make_policy
from scheduler.simulator import BASE_DATE, ClerkPlan, DayInput, simulate_day


def mmc_day(lam, mean, servers, minutes, seed):
    rng = np.random.default_rng(seed)
    n = rng.poisson(lam * minutes)
    arrivals = np.sort(rng.random(n) * minutes)
    services = rng.exponential(mean, n)
    tickets = []
    for i, (a, s) in enumerate(zip(arrivals, services, strict=True)):
        t = SimTicket(i, f"A {i}", "X", "walk_in", float(a), None, float(s), float("inf"))
        t.wt = WaitingTicket(i, t.number, "X", "walk_in", BASE_DATE + timedelta(minutes=float(a)))
        tickets.append(t)
    clerks = [ClerkPlan(f"c{k}", {"X": 1.0}, ((0, minutes),)) for k in range(servers)]
    return DayInput(
        "mon", seed, minutes, tickets, [], clerks, {"X": mean}, {"X": 1.0}, {"X": lam * mean}
    )


@pytest.mark.parametrize("policy", ["longest_wait", "loket"])
def test_stationary_simulation_matches_erlang_c_and_littles_law(policy):
    lam, mean, c = 0.32, 10.0, 4  # 80% utilisation
    theory = mmc(lam, mean, c, 5.0)
    waits, within, busy, duty, n = [], [], 0.0, 0.0, 0
    for seed in range(3):
        out = simulate_day(mmc_day(lam, mean, c, 20000, seed), make_policy(policy))
        burn = out.wait[200:]  # skip the empty start
        waits.append(burn)
        within.append(burn <= 5.0)
        busy += out.busy_minutes
        duty += out.duty_minutes
        n += out.wait.size
    w = np.concatenate(waits)
    assert np.nanmean(w > 1e-9) == pytest.approx(theory.p_wait, abs=0.04)
    assert np.nanmean(w) == pytest.approx(theory.mean_wait, rel=0.15)
    share = np.concatenate(within).mean()
    if policy == "longest_wait":
        assert share == pytest.approx(theory.service_level, abs=0.03)
    else:
        # Any call order that ignores service times has the same mean wait (above), but
        # Loket calls whoever can still make the norm first: more within it than FCFS.
        assert share > theory.service_level + 0.02
    # Little's law on the counters: busy clerks on average = arrival rate x service time.
    assert busy / duty * c == pytest.approx(n / (3 * 20000) * mean, rel=0.05)


def test_common_random_numbers_same_visitors_for_every_policy():
    from scheduler.runner import day_input, prepare_day
    from scheduler.scenario import load_scenario

    sc = load_scenario("assets/scenarios/demo_week.toml")
    prep = prepare_day(sc, "fri", verify=False)
    a = day_input(prep, 7, 42, 0.92)
    b = day_input(prep, 7, 42, 0.92)
    other = day_input(prep, 8, 42, 0.92)
    key = [(t.arrival, t.service, t.base_minutes) for t in a.tickets]
    assert key == [(t.arrival, t.service, t.base_minutes) for t in b.tickets]
    assert key != [(t.arrival, t.service, t.base_minutes) for t in other.tickets]
    outcomes = [simulate_day(a, make_policy(p)) for p in ("loket", "fixed", "pooled")]
    assert len({o.wait.size for o in outcomes}) == 1
    # The same day under the same policy is reproducible to the last digit.
    again = simulate_day(a, make_policy("loket"))
    np.testing.assert_array_equal(again.wait, outcomes[0].wait)


def test_walk_outs_happen_when_nobody_serves():
    day = mmc_day(0.2, 10.0, 1, 600, 1)
    day.clerks = [ClerkPlan("late", {"X": 1.0}, ((500, 600),))]
    for t in day.tickets:
        t.patience = 30.0
    out = simulate_day(day, LongestWaitPolicy())
    early = np.array([t.arrival < 400 for t in day.tickets])
    assert out.abandoned[early].all()


def test_refused_requests_come_as_walk_ins_or_move_to_another_day():
    from scheduler.simulator import ArrivalModel, generate_day, generate_day_counted

    def model(refused_as: str) -> ArrivalModel:
        return ArrivalModel(
            start=540,
            interval_minutes=15,
            walk_in={"X": [0.5] * 16},
            slots=[],
            booking_probability={},
            mean_minutes={"X": 10.0},
            cv={"X": 0.5},
            prefixes={"X": "A"},
            patience_minutes=20.0,
            no_show_rate=0.0,
            punctuality_mean=0.0,
            punctuality_sd=1.0,
            refused={"X": 12.0},
            refused_as=refused_as,
        )

    come = sum(len(generate_day(model("walk_in"), 4, d)[0]) for d in range(20))
    move = sum(len(generate_day(model("other_day"), 4, d)[0]) for d in range(20))
    assert move == pytest.approx(20 * 8, rel=0.25)
    assert come - move == pytest.approx(20 * 12, rel=0.25)
    # Every refused request is counted, where it went: the same people either way.
    for d in range(5):
        tickets, _b, came = generate_day_counted(model("walk_in"), 4, d)
        _t, _b, moved = generate_day_counted(model("other_day"), 4, d)
        assert came.walk_in == sum(t.refused for t in tickets) and came.other_day == 0
        assert moved.walk_in == 0 and moved.other_day == came.walk_in
        assert len(tickets) - len(_t) == came.walk_in
    # The ordinary walk-ins are the same visitors either way (common random numbers).
    a = [t.arrival for t in generate_day(model("other_day"), 4, 0)[0]]
    b = [t.arrival for t in generate_day(model("walk_in"), 4, 0)[0]]
    assert set(a) <= set(b)


def test_walk_outs_count_as_misses_and_as_waits_of_their_patience():
    from scheduler.report import summarise

    rng = np.random.default_rng(2)
    tickets = []
    for i in range(60):  # 60 visitors in an hour for one 10-minute clerk: most walk out
        a = float(rng.random() * 60)
        t = SimTicket(i, f"A {i}", "X", "walk_in", a, None, 10.0, 15.0)
        t.wt = WaitingTicket(i, t.number, "X", "walk_in", BASE_DATE + timedelta(minutes=a))
        tickets.append(t)
    tickets.sort(key=lambda t: t.arrival)
    day = DayInput(
        "mon", 0, 60, tickets, [], [ClerkPlan("c", {"X": 1.0}, ((0, 60),))],
        {"X": 10.0}, {"X": 0.5}, {"X": 600.0},
    )  # fmt: skip
    out = simulate_day(day, LongestWaitPolicy())
    s = summarise([out], 5.0)
    assert s["walked_out"] > 0.5
    called = ~np.isnan(out.wait)
    assert s["within_target"] <= called.mean()  # walk-outs are misses
    assert s["p95_wait_incl_walkouts"] >= 15.0  # they waited their patience
    assert s["p95_wait_incl_walkouts"] >= s["p95_wait"]
    assert s["mean_wait_incl_walkouts"] > s["mean_wait"]


def test_calling_who_can_still_make_the_norm_first_saves_more_visitors():
    """A busy day (load 0.75, four clerks): letting tickets past the norm yield to
    those within it calls more visitors within 5 minutes than longest-wait-first or
    Loket's dispatcher without that rule, on the same visitors; the misses add up."""
    from dataclasses import replace

    from scheduler.dispatch import DispatchPolicy
    from scheduler.policies import LoketPolicy
    from scheduler.report import misses, summarise

    shares: dict[str, float] = {}
    for name, make in {
        "loket": lambda: make_policy("loket"),
        "before": lambda: LoketPolicy(replace(DispatchPolicy(), missed_yield=False)),
        "longest_wait": lambda: make_policy("longest_wait"),
    }.items():
        days = [simulate_day(mmc_day(0.3, 10.0, 4, 1500, seed), make()) for seed in range(3)]
        s = summarise(days, 5.0)
        shares[name] = s["within_target"]
        missed = misses(days, 5.0)["per_day"]
        assert sum(missed.values()) == pytest.approx(
            (1 - s["within_target"]) * s["visitors"] / len(days)
        )
    assert shares["loket"] > shares["before"] + 0.03
    assert shares["loket"] > shares["longest_wait"] + 0.03
