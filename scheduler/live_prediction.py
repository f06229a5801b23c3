"""The live wait prediction for the running system: the simulator's model
(``scheduler.prediction``), with a sampling budget sized for a ticket issue.

``prediction.predict_wait`` replays the queue at least 11 times; at 200 waiting that
is 2,200 simulated calls, several milliseconds of Python. For a long queue the call
time of the last ticket is a sum of many service times, so its spread is small
relative to its size and 3 replays give the same median within a few minutes of a
wait of hours (at 200 waiting: 3 replays 1.0 ms of CPU, 5 replays 1.5 ms). Short
queues still get up to 63 replays (the budget counts simulated calls, not replays):
below 130 waiting at least 4, below 80 at least 5. ``benchmarks/prediction.py``
checks that it still beats the simple rule on every shipped scenario.

One replay of 2,000 calls or more is the answer: the spread of a sum of n service
times shrinks as 1/sqrt(n). On queues of 2,000 to 5,000 walk-ins at 2, 5 and 20
counters one such replay came within 1.5% of the median of 25 (three: within 1.0%),
on waits of 14 hours and more: the same "about" for the visitor. The second and third
replays were half of issuing a ticket at 5,000 waiting
(``tests/scheduler/test_live_prediction.py``).
"""

from __future__ import annotations

from datetime import timedelta

from scheduler.prediction import QueueState, predict_wait

__all__ = ["predict_wait_live"]


def predict_wait_live(
    new_ticket_service: str,
    state: QueueState,
    kind: str = "walk_in",
    min_samples: int = 3,
    max_samples: int = 63,
    call_budget: int = 400,
    long_replay: int = 2000,
) -> timedelta | None:
    """``prediction.predict_wait`` with a smaller sampling budget for long queues."""
    return predict_wait(
        new_ticket_service,
        state,
        kind,
        min_samples=min_samples,
        max_samples=max_samples,
        call_budget=call_budget,
        long_replay=long_replay,
    )
