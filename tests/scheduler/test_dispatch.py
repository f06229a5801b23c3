import random
from datetime import datetime, timedelta
from typing import Any

from scheduler.dispatch import CounterContext, Decision, DispatchPolicy, WaitingTicket, choose_next

NOW = datetime(2026, 3, 2, 10, 15)


def walk_in(tid, service, waited_min, number=None):
    return WaitingTicket(
        tid, number or f"A {tid}", service, "walk_in", NOW - timedelta(minutes=waited_min)
    )


def appointment(tid, service, at, checked_in_min_ago=3.0, number=None):
    return WaitingTicket(
        tid,
        number or f"B {tid}",
        service,
        "appointment",
        NOW - timedelta(minutes=checked_in_min_ago),
        appointment_time=at,
    )


COUNTER = CounterContext(3, {"PAS": 1.0, "NIK": 1.0})


def decide(*args: Any, **kwargs: Any) -> Decision:
    """``choose_next`` where the test expects a call."""
    d = choose_next(*args, **kwargs)
    assert d is not None
    return d


def test_never_calls_a_service_the_counter_does_not_serve():
    waiting = [walk_in(1, "RYB", 30), walk_in(2, "PAS", 1)]
    assert decide(COUNTER, waiting, NOW).ticket_id == 2
    assert choose_next(COUNTER, [walk_in(1, "RYB", 30)], NOW) is None
    assert choose_next(COUNTER, [], NOW) is None


def test_longest_wait_first_among_equals_and_reason_says_over_the_norm():
    d = decide(COUNTER, [walk_in(1, "PAS", 2), walk_in(2, "PAS", 4)], NOW)
    assert d.ticket_id == 2
    d = decide(COUNTER, [walk_in(1, "PAS", 7), walk_in(12, "NIK", 6, "A 12")], NOW)
    assert d.ticket_id == 1
    d = decide(COUNTER, [walk_in(12, "NIK", 6, "A 12")], NOW)
    assert d.reason == "A 12: 6 min wachten, boven de norm"


def test_whoever_can_still_make_the_norm_goes_before_those_past_it():
    # A 12 has missed the 5-minute norm; A 1 makes it if called now. Past the hard
    # limit (10 min) the longest waiting goes first again.
    late, fresh = walk_in(12, "NIK", 6, "A 12"), walk_in(1, "PAS", 4.5)
    d = decide(COUNTER, [late, fresh], NOW)
    assert d.ticket_id == 1
    assert d.reason == "A 1: 4 min wachten, kan nog binnen de norm: gaat voor wie er al boven zit"
    assert decide(COUNTER, [fresh], NOW).reason == "A 1: 4 min wachten"
    booked_late = appointment(3, "PAS", NOW - timedelta(minutes=7), checked_in_min_ago=10)
    assert decide(COUNTER, [booked_late, walk_in(1, "PAS", 0.5)], NOW).ticket_id == 1
    starving = walk_in(13, "NIK", 10.5, "A 13")
    assert decide(COUNTER, [late, fresh, starving], NOW).ticket_id == 13
    # Switched off: the longest waiting first, as before.
    fcfs = DispatchPolicy(missed_yield=False)
    assert decide(COUNTER, [late, fresh], NOW, fcfs).ticket_id == 12


def test_appointment_due_now_beats_a_walk_in_of_one_minute():
    waiting = [walk_in(1, "PAS", 1), appointment(3, "NIK", NOW, number="B 3")]
    d = decide(COUNTER, waiting, NOW)
    assert d.ticket_id == 3
    assert d.reason == "B 3: afspraak om 10:15"


def test_early_arrival_waits_for_the_slot_unless_the_counter_is_idle():
    early = appointment(3, "PAS", NOW + timedelta(minutes=4), checked_in_min_ago=10)
    far = appointment(4, "PAS", NOW + timedelta(minutes=30), checked_in_min_ago=10)
    assert decide(COUNTER, [walk_in(1, "PAS", 0.5), early], NOW).ticket_id == 1
    alone = decide(COUNTER, [early, far], NOW)
    assert alone.ticket_id == 3 and "vroeg" in alone.reason
    assert choose_next(COUNTER, [far], NOW) is None


def test_overdue_ticket_overrides_speed_and_appointments():
    fast = CounterContext(1, {"PAS": 3.0, "NIK": 1.0})
    waiting = [
        walk_in(1, "PAS", 4),  # urgency 0.8 x 3.0 = 2.4
        walk_in(2, "NIK", 11),  # over the 10-minute limit
        appointment(3, "PAS", NOW - timedelta(minutes=2)),
    ]
    d = decide(fast, waiting, NOW)
    assert d.ticket_id == 2
    assert "te lang" in d.reason


def test_speed_factor_prefers_what_the_counter_is_fast_at():
    fast_pas = CounterContext(1, {"PAS": 1.5, "NIK": 1.0})
    waiting = [walk_in(1, "PAS", 3), walk_in(2, "NIK", 4)]
    assert decide(fast_pas, waiting, NOW).ticket_id == 1
    assert decide(COUNTER, waiting, NOW).ticket_id == 2


def test_assistance_only_at_counters_that_can_assist():
    t = WaitingTicket(1, "A 1", "PAS", "walk_in", NOW - timedelta(minutes=3), needs_assistance=True)
    assert choose_next(CounterContext(1, {"PAS": 1.0}, can_assist=False), [t], NOW) is None
    assert decide(CounterContext(2, {"PAS": 1.0}), [t], NOW).ticket_id == 1


def test_priority_flag_goes_first():
    t = WaitingTicket(5, "A 5", "PAS", "walk_in", NOW - timedelta(minutes=1), priority=True)
    d = decide(COUNTER, [walk_in(1, "PAS", 3), t], NOW)
    assert d.ticket_id == 5 and "voorrang" in d.reason


def test_deterministic_whatever_the_order_and_ties_break_on_number():
    waiting = [walk_in(i, "PAS", 2, number=f"A {i}") for i in range(1, 6)]
    picks = set()
    for seed in range(10):
        shuffled = waiting[:]
        random.Random(seed).shuffle(shuffled)
        picks.add(decide(COUNTER, shuffled, NOW).ticket_id)
    assert picks == {1}


def test_policy_limit_and_target_are_configurable():
    strict = DispatchPolicy(target=timedelta(minutes=2), limit=timedelta(minutes=3))
    waiting = [walk_in(1, "PAS", 2.5), walk_in(2, "NIK", 3.5)]
    d = decide(CounterContext(1, {"PAS": 5.0, "NIK": 1.0}), waiting, NOW, strict)
    assert d.ticket_id == 2


def test_200_waiting_tickets_only_the_counters_services_and_deterministic():
    rnd = random.Random(1)
    services = ["PAS", "NIK", "RYB", "UIT"]
    waiting = []
    for i in range(200):
        if i % 4 == 0:
            waiting.append(
                appointment(i, rnd.choice(services), NOW + timedelta(minutes=rnd.uniform(-10, 10)))
            )
        else:
            waiting.append(walk_in(i, rnd.choice(services), rnd.uniform(0, 9)))
    counter = CounterContext(1, {"PAS": 1.1, "NIK": 1.0, "UIT": 0.9})
    # Its speed is measured by benchmarks/scheduler.py, not asserted here.
    first = decide(counter, waiting, NOW)
    assert first is not None
    chosen = next(w for w in waiting if w.id == first.ticket_id)
    assert chosen.service in counter.services
    assert decide(counter, list(reversed(waiting)), NOW) == first
