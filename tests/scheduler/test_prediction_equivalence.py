"""The fast replay of the wait prediction gives exactly the answer of the first one.

``scheduler.prediction.predict_wait`` keeps walk-ins in lists per service and keeps its
random draws per process; ``tests/scheduler/prediction_reference.py`` is the replay as
first written (scanning the whole queue for every call, drawing afresh). On random
queues (walk-ins, checked-in appointments early and late, bookings still to come,
counters serving different services at different speeds, busy or free, no-shows, the
dispatcher's bands on or off with different norms and limits) both
must give the same timedelta, to the microsecond, also when the walk-ins are handed
over apart (``QueueState.walk_ins``, as ``loket.queue_state.live_state`` does).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler.dispatch import APPOINTMENT, WALK_IN, WaitingTicket
from scheduler.prediction import CounterState, QueueState, WalkIns, predict_wait
from tests.scheduler.prediction_reference import reference_predict_wait

NOW = datetime(2026, 3, 2, 10, 0)
SERVICES = ("PAS", "UIT", "RIJ")


@st.composite
def states(draw: st.DrawFn) -> QueueState:
    n_counters = draw(st.integers(1, 4))
    counters = []
    for i in range(n_counters):
        own = draw(st.sets(st.sampled_from(SERVICES), max_size=3))
        speeds = {s: draw(st.sampled_from([0.0, 0.7, 1.0, 1.5])) for s in sorted(own)}
        busy = draw(st.sampled_from([None, *sorted(own)])) if own else None
        elapsed = draw(st.sampled_from([0.0, 1.0, 7.5, 40.0])) if busy else 0.0
        counters.append(CounterState(i, speeds, busy, elapsed))
    waiting = []
    for i in range(draw(st.integers(0, 25))):
        service = draw(st.sampled_from(SERVICES))
        # Whole minutes from a small range, so starts tie often.
        since = NOW - timedelta(minutes=draw(st.integers(-2, 12)))
        form = draw(st.sampled_from(["walk_in", "walk_in", "appointment", "untimed"]))
        if form == "appointment":
            at = NOW + timedelta(minutes=draw(st.integers(-10, 20)))
            waiting.append(WaitingTicket(i, f"A {i}", service, APPOINTMENT, since, at))
        elif form == "untimed":
            waiting.append(WaitingTicket(i, f"A {i}", service, APPOINTMENT, since, None))
        else:
            waiting.append(WaitingTicket(i, f"A {i}", service, WALK_IN, since))
    upcoming = [
        (draw(st.sampled_from(SERVICES)), NOW + timedelta(minutes=draw(st.integers(-15, 90))))
        for _ in range(draw(st.integers(0, 5)))
    ]
    norm, limit = draw(st.sampled_from([(5.0, 10.0), (3.0, 6.0), (2.0, 30.0), (8.0, 8.0)]))
    return QueueState(
        NOW,
        waiting,
        counters,
        mean_minutes={"PAS": 12.0, "UIT": 4.0},  # RIJ: the default 10
        cv=draw(st.sampled_from([{}, {"PAS": 0.4, "UIT": 0.0}, {"PAS": 0.9, "RIJ": 0.2}])),
        upcoming=upcoming,
        show_rate=draw(st.sampled_from([1.0, 0.85, 0.5])),
        # The dispatcher's bands: norm and limit (minutes), past the norm yields or not.
        target_minutes=norm,
        limit_minutes=limit,
        missed_yield=draw(st.sampled_from([True, True, False])),
    )


def walk_ins_apart(state: QueueState) -> QueueState:
    """The same queue with its untimed tickets as ``walk_ins`` (in their order)."""
    timed = [t for t in state.waiting if t.kind == APPOINTMENT and t.appointment_time]
    untimed = [(t.service, t.waiting_since) for t in state.waiting if t not in timed]
    return replace(state, waiting=timed, walk_ins=untimed)


def walk_ins_as_columns(state: QueueState, keep: int = 0) -> QueueState:
    """The same queue with its untimed tickets as ``WalkIns`` columns, microseconds from
    now (as ``loket.queue_state`` reads them from PostgreSQL), the first ``keep`` of them
    left among the waiting."""
    timed = [t for t in state.waiting if t.kind == APPOINTMENT and t.appointment_time]
    untimed = [t for t in state.waiting if t not in timed]
    kept, apart = untimed[:keep], untimed[keep:]
    columns = WalkIns(
        state.now,
        [t.service for t in apart],
        [(t.waiting_since - state.now) // timedelta(microseconds=1) for t in apart],
    )
    assert columns.minutes() == [(t.waiting_since - state.now).total_seconds() / 60 for t in apart]
    assert columns == [(t.service, t.waiting_since) for t in apart]
    waiting = [t for t in state.waiting if t in timed or t in kept]
    return replace(state, waiting=waiting, walk_ins=columns)


@settings(max_examples=300, deadline=None)
@given(
    states(),
    st.sampled_from(SERVICES),
    st.sampled_from([WALK_IN, APPOINTMENT]),
    st.sampled_from([(3, 63, 400), (11, 63, 600), (1, 5, 10)]),
)
def test_the_fast_replay_gives_exactly_the_reference_answer(state, service, kind, budget):
    low, high, calls = budget
    options = {"min_samples": low, "max_samples": high, "call_budget": calls}
    expected = reference_predict_wait(service, state, kind, **options)
    assert predict_wait(service, state, kind, **options) == expected
    assert predict_wait(service, walk_ins_apart(state), kind, **options) == expected
    for keep in (0, 2):
        assert predict_wait(service, walk_ins_as_columns(state, keep), kind, **options) == expected


def test_a_long_queue_gives_the_reference_answer():
    """2,000 walk-ins on three counters that serve different services, bookings due."""
    counters = [
        CounterState(1, {"PAS": 1.0, "UIT": 1.0}, "PAS", 3.0),
        CounterState(2, {"PAS": 1.2}, None),
        CounterState(3, {"UIT": 0.8, "RIJ": 1.0}, "RIJ", 12.0),
    ]
    waiting = [
        WaitingTicket(i, f"A {i}", SERVICES[i % 3], WALK_IN, NOW - timedelta(seconds=2000 - i))
        for i in range(2000)
    ]
    upcoming = [("PAS", NOW + timedelta(minutes=m)) for m in (-3, 4, 30)]
    state = QueueState(
        NOW, waiting, counters, {"PAS": 12.0, "UIT": 4.0}, upcoming=upcoming, show_rate=0.9
    )
    for service in SERVICES:
        expected = reference_predict_wait(service, state, min_samples=3, call_budget=400)
        assert expected is not None and expected > timedelta(hours=2)
        assert predict_wait(service, state, min_samples=3, call_budget=400) == expected
        apart = walk_ins_apart(state)
        assert predict_wait(service, apart, min_samples=3, call_budget=400) == expected
        columns = walk_ins_as_columns(state)
        assert predict_wait(service, columns, min_samples=3, call_budget=400) == expected


def test_many_services_and_the_bands_give_the_reference_answer():
    """Eight services (the per-service lists filled in one pass), one counter serving
    all (one run), three of one kind (one run) or three serving some, visitors both
    within and past the norm."""
    services = [f"S{k}" for k in range(8)]
    waiting = [
        WaitingTicket(i, f"A {i}", services[(i * 5) % 8], WALK_IN, NOW - timedelta(seconds=9 * i))
        for i in range(300)
    ]
    waiting.append(WaitingTicket(300, "B 1", "S1", APPOINTMENT, NOW, NOW + timedelta(minutes=3)))
    means = {s: 2.0 + k for k, s in enumerate(services)}
    everyone = [CounterState(1, dict.fromkeys(services, 1.0))]
    some = [
        CounterState(1, dict.fromkeys(services, 1.0), "S2", 1.0),
        CounterState(2, dict.fromkeys(services[:4], 1.3)),
        CounterState(3, dict.fromkeys(services[3:], 0.9), "S5", 4.0),
    ]
    # Quick visits: those past the limit go first, then the counter reaches visitors
    # who by then are past the norm (a run stops in its middle).
    quick = dict.fromkeys(services, 0.05)
    hurried = [
        replace(t, waiting_since=NOW - timedelta(minutes=40 - t.id / 10 if t.id < 100 else 4.5))
        for t in waiting
    ]
    # Three counters of one kind (the same services at the same speeds), one busy.
    triplets = [
        CounterState(1, dict.fromkeys(services, 1.2)),
        CounterState(2, dict.fromkeys(services, 1.2), "S3", 2.0),
        CounterState(3, dict.fromkeys(services, 1.2)),
    ]
    # All came in the last minutes and go quickly: called within the norm, one by one.
    fresh = [replace(t, waiting_since=NOW - timedelta(seconds=t.id % 150)) for t in waiting]
    for queue, counters, mean in (
        (fresh, everyone, quick),
        (fresh, triplets, quick),
        (waiting, everyone, means),
        (waiting, some, means),
        (waiting, triplets, means),
        (hurried, everyone, quick),
        (hurried, some, quick),
        (hurried, triplets, quick),
    ):
        for norm, limit in ((5.0, 10.0), (30.0, 600.0)):
            state = QueueState(NOW, queue, counters, mean, target_minutes=norm, limit_minutes=limit)
            for service in ("S0", "S6"):
                expected = reference_predict_wait(service, state, min_samples=3, call_budget=400)
                assert expected is not None
                assert predict_wait(service, state, min_samples=3, call_budget=400) == expected
                apart = walk_ins_apart(state)
                assert predict_wait(service, apart, min_samples=3, call_budget=400) == expected
                columns = walk_ins_as_columns(state, keep=3)
                assert predict_wait(service, columns, min_samples=3, call_budget=400) == expected
