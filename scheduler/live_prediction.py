"""The live wait prediction for the running system: the simulator's model
(``scheduler.prediction``), with a sampling budget sized for a ticket issue.

``prediction.predict_wait`` replays the queue at least 11 times; at 200 waiting that
is 2,200 simulated calls, several milliseconds of Python. For a long queue the call
time of the last ticket is a sum of many service times, so its spread is small
relative to its size and 5 replays give the same median within a minute. Short
queues still get up to 63 replays (the budget counts simulated calls, not replays).
"""

from __future__ import annotations

from datetime import timedelta

from scheduler.prediction import QueueState, predict_wait

__all__ = ["predict_wait_live"]


def predict_wait_live(
    new_ticket_service: str,
    state: QueueState,
    kind: str = "walk_in",
    min_samples: int = 5,
    max_samples: int = 63,
    call_budget: int = 400,
) -> timedelta | None:
    """``prediction.predict_wait`` with a smaller sampling budget for long queues."""
    return predict_wait(
        new_ticket_service,
        state,
        kind,
        min_samples=min_samples,
        max_samples=max_samples,
        call_budget=call_budget,
    )
