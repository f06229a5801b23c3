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


def ticket(i, service, waited):
    return WaitingTicket(i, f"A {i}", service, "walk_in", NOW - timedelta(minutes=waited))


def minutes(td):
    return td.total_seconds() / 60


def test_idle_counter_means_no_wait():
    state = QueueState(NOW, [], [CounterState(1, {"PAS": 1.0})], MEANS)
    assert predict_wait("PAS", state) == timedelta(0)


def test_nobody_serving_the_service_gives_none():
    state = QueueState(NOW, [], [CounterState(1, {"UIT": 1.0})], MEANS)
    assert predict_wait("PAS", state) is None
    assert simple_rule("PAS", state) is None


def test_counter_about_to_finish_is_seen():
    long_ago = QueueState(
        NOW, [], [CounterState(1, {"PAS": 1.0}, "PAS", 14.0)], MEANS, cv={"PAS": 0.1}
    )
    just_started = QueueState(
        NOW, [], [CounterState(1, {"PAS": 1.0}, "PAS", 1.0)], MEANS, cv={"PAS": 0.1}
    )
    assert minutes(predict_wait("PAS", long_ago)) < 3
    assert 12 < minutes(predict_wait("PAS", just_started)) < 16
    # The simple rule sees neither: nobody is waiting.
    assert simple_rule("PAS", long_ago) == simple_rule("PAS", just_started) == timedelta(0)


def test_shared_counters_and_long_services_ahead_count():
    # Two counters, one only does UIT. Three passports wait ahead of the new one.
    counters = [CounterState(1, {"PAS": 1.0, "UIT": 1.0}), CounterState(2, {"UIT": 1.0})]
    waiting = [ticket(1, "PAS", 6), ticket(2, "PAS", 4), ticket(3, "UIT", 3)]
    state = QueueState(NOW, waiting, counters, MEANS)
    # Counter 2 takes the UIT ticket; counter 1 does both passports first.
    assert minutes(predict_wait("PAS", state)) == 30.0
    assert minutes(predict_wait("UIT", state)) == 5.0


def test_appointment_due_soon_goes_ahead():
    counters = [CounterState(1, {"PAS": 1.0}, "PAS", 10.0)]
    plain = QueueState(NOW, [], counters, MEANS, cv={"PAS": 0.3})
    booked = QueueState(
        NOW, [], counters, MEANS, cv={"PAS": 0.3}, upcoming=[("PAS", NOW + timedelta(minutes=1))]
    )
    assert minutes(predict_wait("PAS", booked)) > minutes(predict_wait("PAS", plain)) + 10


def test_mean_residual_of_lognormal():
    assert mean_residual(10.0, 0.5, 0.0) == 10.0
    # Memory: a visit that has run long has less left, but not nothing.
    r = mean_residual(10.0, 0.5, 12.0)
    assert 0.5 < r < 10.0
