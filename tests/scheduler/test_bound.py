"""The lower bound on waiting: exact on a case worked by hand, never beaten by any policy."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest

from scheduler.bound import day_bound, wait_lower_bound, waited_incl_walkouts
from scheduler.capacity import AppointmentSlot
from scheduler.dispatch import WaitingTicket
from scheduler.policies import POLICIES, SimTicket, make_policy
from scheduler.simulator import (
    BASE_DATE,
    ArrivalModel,
    ClerkPlan,
    DayInput,
    generate_day,
    simulate_day,
)


def ticket(i: int, arrival: float, minutes: float, service: str = "X") -> SimTicket:
    t = SimTicket(i, f"A {i}", service, "walk_in", arrival, None, minutes, float("inf"))
    t.wt = WaitingTicket(i, t.number, service, "walk_in", BASE_DATE + timedelta(minutes=arrival))
    return t


def test_one_clerk_three_visitors_at_once_waits_exactly_the_bound():
    tickets = [ticket(i, 540.0, 10.0) for i in range(3)]
    clerks = [ClerkPlan("solo", {"X": 1.0}, ((540, 600),))]
    bound = wait_lower_bound(tickets, clerks, 600)
    # Called at 0, 10 and 20 minutes: no order does better.
    assert bound.total_minutes == pytest.approx(30.0)
    day = DayInput("mon", 0, 600, tickets, [], clerks, {"X": 10.0}, {"X": 0.1}, {"X": 30.0})
    out = simulate_day(day, make_policy("loket"))
    assert waited_incl_walkouts(out, 600).sum() == pytest.approx(30.0)


def test_a_faster_team_lowers_the_bound_and_a_light_day_has_none():
    tickets = [ticket(i, 540.0 + i, 12.0) for i in range(8)]
    slow = wait_lower_bound(tickets, [ClerkPlan("a", {"X": 1.0}, ((540, 700),))], 700)
    fast = wait_lower_bound(tickets, [ClerkPlan("a", {"X": 2.0}, ((540, 700),))], 700)
    two = wait_lower_bound(
        tickets, [ClerkPlan(c, {"X": 1.0}, ((540, 700),)) for c in ("a", "b")], 700
    )
    assert slow.total_minutes > fast.total_minutes > 0
    assert slow.total_minutes > two.total_minutes
    light = [ticket(i, 540.0 + 30 * i, 5.0) for i in range(4)]
    assert wait_lower_bound(light, [ClerkPlan("a", {"X": 1.0}, ((540, 700),))], 700).mean == 0


def random_case(rng: np.random.Generator) -> DayInput:
    services = ["PAS", "NIK", "UIT"][: int(rng.integers(1, 4))]
    start, hours = 540, int(rng.integers(1, 3))
    n = hours * 4
    slots = [
        AppointmentSlot(start + 15 * int(k), s, 15)
        for s in services
        for k in rng.integers(0, n, size=int(rng.integers(0, 4)))
    ]
    model = ArrivalModel(
        start=start,
        interval_minutes=15,
        walk_in={s: list(rng.uniform(0.2, 2.5, n)) for s in services},
        slots=slots,
        booking_probability=dict.fromkeys(services, 0.9),
        mean_minutes={s: float(rng.choice([4, 8, 12, 20])) for s in services},
        cv=dict.fromkeys(services, 0.5),
        prefixes={s: s[0] for s in services},
        patience_minutes=float(rng.choice([0, 10, 25])),
        no_show_rate=0.1,
        punctuality_mean=-3.0,
        punctuality_sd=4.0,
    )
    tickets, bookings = generate_day(model, int(rng.integers(1_000_000)), 0)
    close = start + hours * 60
    clerks = []
    for k in range(int(rng.integers(1, 4))):
        own = [s for s in services if rng.random() < 0.7] or [services[0]]
        skills = {s: float(rng.uniform(0.7, 1.4)) for s in own}
        a = start + 15 * int(rng.integers(0, 3))
        if rng.random() < 0.5:  # a break
            mid = a + 30 + 15 * int(rng.integers(0, 3))
            segments: tuple[tuple[int, int], ...] = ((a, mid), (mid + 15, close))
        else:
            segments = ((a, close),)
        equip = tuple(
            frozenset(own[:1]) if rng.random() < 0.3 else None for _ in segments
        )  # fmt: skip
        clerks.append(ClerkPlan(f"c{k}", skills, segments, tuple(range(len(segments))), equip))
    means = dict(model.mean_minutes)
    return DayInput("mon", 0, close, tickets, bookings, clerks, means, dict(model.cv), means)


@pytest.mark.parametrize("seed", range(12))
def test_no_policy_beats_the_lower_bound_on_random_small_days(seed):
    rng = np.random.default_rng([2026, seed])
    for _ in range(3):
        day = random_case(rng)
        bound = day_bound(day)
        for name in POLICIES:
            out = simulate_day(day, make_policy(name))
            waited = waited_incl_walkouts(out, day.close).sum()
            assert waited >= bound.total_minutes - 1e-6, (name, waited, bound)
