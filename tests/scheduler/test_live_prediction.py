"""The live prediction's sampling budget: one replay answers for a long queue, and it
is as good as many."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from scheduler.live_prediction import predict_wait_live
from scheduler.prediction import CounterState, QueueState, predict_wait

NOW = datetime(2026, 11, 24, 12, 0)


def queue(walk_ins: int, counters: int) -> QueueState:
    """``walk_ins`` visitors for two services, every counter serving both, half busy."""
    return QueueState(
        now=NOW,
        waiting=[],
        counters=[
            CounterState(i, {"paspoort": 1.0, "idkaart": 0.8}, "paspoort" if i % 2 else None, 3.0)
            for i in range(counters)
        ],
        mean_minutes={"paspoort": 10.0, "idkaart": 6.0},
        cv={"paspoort": 0.5, "idkaart": 0.4},
        walk_ins=[
            (("paspoort", "idkaart")[i % 2], NOW - timedelta(seconds=walk_ins - i))
            for i in range(walk_ins)
        ],
    )


@pytest.mark.parametrize("counters", [2, 20])
def test_a_long_queue_is_answered_by_one_replay_within_two_percent_of_many(counters):
    state = queue(2500, counters)
    live = predict_wait_live("paspoort", state)
    assert live is not None
    assert live == predict_wait("paspoort", state, min_samples=1, max_samples=1)
    many = predict_wait("paspoort", state, min_samples=25, max_samples=25)
    assert many is not None
    assert abs(live - many) / many < 0.02
    # A wait of many hours, not a few minutes: the spread that matters is relative.
    assert many > timedelta(hours=2)


def test_a_shorter_queue_still_takes_the_median_of_several_replays():
    state = queue(400, 2)
    live = predict_wait_live("paspoort", state)
    several = predict_wait("paspoort", state, min_samples=3, max_samples=63, call_budget=400)
    assert live == several
    assert live != predict_wait("paspoort", state, min_samples=1, max_samples=1)
