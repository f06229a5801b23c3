from datetime import datetime, timedelta

from scheduler.dispatch import WaitingTicket
from scheduler.prediction import (
    CounterState,
    QueueState,
    mean_residual,
    predict_wait,
    simple_rule,
)

NOW = datetime(2026, 3, 2, 10, 0)
MEANS = {"PAS": 15.0, "UIT": 5.0}
CV = {"PAS": 0.4, "UIT": 0.4}


def ticket(i, service, waited):
    return WaitingTicket(i, f"A {i}", service, "walk_in", NOW - timedelta(minutes=waited))


def minutes(td):
    return td.total_seconds() / 60


def busy(counter_id, services, service="PAS", elapsed=2.0):
    return CounterState(counter_id, services, service, elapsed)


def test_idle_counter_means_no_wait():
    state = QueueState(NOW, [], [CounterState(1, {"PAS": 1.0})], MEANS)
    assert predict_wait("PAS", state) == timedelta(0)


def test_free_counter_with_others_waiting_for_it_is_not_zero():
    # The clerk has not called the next one yet: the two waiting go first.
    state = QueueState(
        NOW, [ticket(1, "PAS", 3), ticket(2, "PAS", 1)], [CounterState(1, {"PAS": 1.0})], MEANS, CV
    )
    assert minutes(predict_wait("PAS", state)) > 10


def test_nobody_serving_the_service_gives_none():
    state = QueueState(NOW, [], [CounterState(1, {"UIT": 1.0})], MEANS)
    assert predict_wait("PAS", state) is None
    assert simple_rule("PAS", state) is None


def test_counter_about_to_finish_is_seen():
    long_ago = QueueState(NOW, [], [busy(1, {"PAS": 1.0}, elapsed=14.0)], MEANS, cv={"PAS": 0.1})
    just_started = QueueState(NOW, [], [busy(1, {"PAS": 1.0}, elapsed=1.0)], MEANS, cv={"PAS": 0.1})
    assert minutes(predict_wait("PAS", long_ago)) < 3
    assert 12 < minutes(predict_wait("PAS", just_started)) < 16
    # The simple rule sees neither: nobody is waiting.
    assert simple_rule("PAS", long_ago) == simple_rule("PAS", just_started) == timedelta(0)


def test_more_people_ahead_means_longer_wait():
    counters = [busy(1, {"PAS": 1.0}), busy(2, {"PAS": 1.0}, elapsed=6.0)]
    waits = []
    for n in range(6):
        waiting = [ticket(i, "PAS", 10 - i) for i in range(n)]
        waits.append(minutes(predict_wait("PAS", QueueState(NOW, waiting, counters, MEANS, CV))))
    assert all(a < b for a, b in zip(waits, waits[1:], strict=False)), waits
    # Roughly one passport per counter per 15 minutes.
    assert 30 < waits[5] < 50


def test_several_busy_counters_finish_sooner_than_one():
    one = QueueState(NOW, [], [busy(1, {"PAS": 1.0})], MEANS, CV)
    three = QueueState(NOW, [], [busy(i, {"PAS": 1.0}) for i in range(3)], MEANS, CV)
    assert minutes(predict_wait("PAS", three)) < minutes(predict_wait("PAS", one)) - 3


def test_counter_that_does_not_serve_the_service_does_not_help():
    waiting = [ticket(1, "PAS", 4), ticket(2, "PAS", 2)]
    alone = QueueState(NOW, waiting, [busy(1, {"PAS": 1.0})], MEANS, CV)
    other_free = QueueState(
        NOW, waiting, [busy(1, {"PAS": 1.0}), CounterState(2, {"UIT": 1.0})], MEANS, CV
    )
    other_helps = QueueState(
        NOW, waiting, [busy(1, {"PAS": 1.0}), CounterState(2, {"PAS": 1.0, "UIT": 1.0})], MEANS, CV
    )
    assert predict_wait("PAS", other_free) == predict_wait("PAS", alone)
    assert minutes(predict_wait("PAS", other_helps)) < minutes(predict_wait("PAS", alone)) - 5


def test_other_services_waiting_for_a_shared_counter_count():
    # Counter 1 does both; counter 2 only UIT and takes the UIT ticket.
    counters = [busy(1, {"PAS": 1.0, "UIT": 1.0}), busy(2, {"UIT": 1.0}, "UIT", 4.9)]
    only_pas = QueueState(NOW, [ticket(1, "PAS", 6)], counters, MEANS, CV)
    plus_uit = QueueState(NOW, [ticket(1, "PAS", 6), ticket(2, "UIT", 3)], counters, MEANS, CV)
    # Counter 2 will take the UIT ticket, so the passport hardly waits longer.
    assert abs(minutes(predict_wait("PAS", plus_uit)) - minutes(predict_wait("PAS", only_pas))) < 1
    assert minutes(predict_wait("UIT", plus_uit)) < minutes(predict_wait("PAS", plus_uit))


def test_appointment_due_soon_goes_ahead():
    counters = [busy(1, {"PAS": 1.0}, elapsed=10.0)]
    plain = QueueState(NOW, [], counters, MEANS, cv={"PAS": 0.3})
    booked = QueueState(
        NOW, [], counters, MEANS, cv={"PAS": 0.3}, upcoming=[("PAS", NOW + timedelta(minutes=1))]
    )
    later = QueueState(
        NOW, [], counters, MEANS, cv={"PAS": 0.3}, upcoming=[("PAS", NOW + timedelta(minutes=60))]
    )
    assert minutes(predict_wait("PAS", booked)) > minutes(predict_wait("PAS", plain)) + 10
    assert predict_wait("PAS", later) == predict_wait("PAS", plain)


def test_checked_in_appointment_due_soon_goes_ahead():
    counters = [busy(1, {"PAS": 1.0}, elapsed=10.0)]
    appt = WaitingTicket(
        9, "A 9", "PAS", "appointment", NOW - timedelta(minutes=3), NOW + timedelta(minutes=1)
    )
    plain = QueueState(NOW, [], counters, MEANS, CV)
    booked = QueueState(NOW, [appt], counters, MEANS, CV)
    assert minutes(predict_wait("PAS", booked)) > minutes(predict_wait("PAS", plain)) + 10


def test_prediction_is_deterministic_and_fast_enough_for_big_queues():
    # Not timed: a long queue on many counters still gives the same, plausible answer.
    services = {"PAS": 1.0, "UIT": 1.0}
    counters = [busy(i, services, "UIT" if i % 2 else "PAS", i) for i in range(10)]
    waiting = [ticket(i, "PAS" if i % 3 else "UIT", 50 - i) for i in range(50)]
    state = QueueState(NOW, waiting, counters, MEANS, CV)
    first = predict_wait("PAS", state)
    assert first == predict_wait("PAS", state)
    # 50 visits (about 2/3 passports) over 10 counters: roughly 50 minutes of work.
    assert 30 < minutes(first) < 80


def test_mean_residual_of_lognormal():
    assert mean_residual(10.0, 0.5, 0.0) == 10.0
    # Memory: a visit that has run long has less left, but not nothing.
    r = mean_residual(10.0, 0.5, 12.0)
    assert 0.5 < r < 10.0


def test_replays_the_dispatchers_bands_past_the_norm():
    # Three UIT visitors have waited 6 minutes (past the 5-minute norm); the counter is
    # free in about 2 minutes. The dispatcher then calls the new ticket first (it can
    # still make the norm), so the prediction is short; without that rule it is last.
    from dataclasses import replace

    counter = busy(1, {"UIT": 1.0}, service="UIT", elapsed=3.0)
    waiting = [ticket(i, "UIT", 6) for i in range(3)]
    state = QueueState(NOW, waiting, [counter], MEANS, CV)
    ours = minutes(predict_wait("UIT", state))
    fifo = minutes(predict_wait("UIT", replace(state, missed_yield=False)))
    assert ours < 5.0
    assert fifo > ours + 8.0
    # Past the hard limit they go first again.
    starving = replace(state, waiting=[ticket(i, "UIT", 11) for i in range(3)])
    assert minutes(predict_wait("UIT", starving)) > ours + 8.0


def test_simple_rule_counts_the_walk_ins_handed_over_apart():
    # live_state gives the walk-ins as (service, since) pairs: the rule counts them as
    # it counts the same tickets in ``waiting`` (it said 0 for every walk-in before).
    from dataclasses import replace

    counter = CounterState(1, {"PAS": 1.0})
    waiting = [ticket(i, "PAS", 3) for i in range(4)]
    state = QueueState(NOW, waiting, [counter], MEANS)
    apart = replace(state, waiting=[], walk_ins=[(t.service, t.waiting_since) for t in waiting])
    rule = simple_rule("PAS", state)
    assert rule is not None and rule > timedelta(0)
    assert simple_rule("PAS", apart) == rule
