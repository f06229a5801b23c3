"""The wait prediction's replay as it was written first (one scan of the pending list
per call), kept as the reference: ``tests/scheduler/test_prediction_equivalence.py``
checks that ``scheduler.prediction.predict_wait`` gives exactly the same answer on random
queues. Only the waiting tickets in ``state.waiting`` (no ``walk_ins``)."""

from __future__ import annotations

import heapq
import math
import random
import statistics
from datetime import timedelta

from scheduler.dispatch import APPOINTMENT, clock_starts
from scheduler.prediction import (
    _CALL_BUDGET,
    _MAX_SAMPLES,
    _MIN_SAMPLES,
    _SEED,
    QueueState,
    _lognormal_params,
    _minutes_between,
    _residual_draw,
)


def reference_predict_wait(
    new_ticket_service: str,
    state: QueueState,
    kind: str = "walk_in",
    *,
    min_samples: int = _MIN_SAMPLES,
    max_samples: int = _MAX_SAMPLES,
    call_budget: int = _CALL_BUDGET,
) -> timedelta | None:
    """Median time until a ticket issued now for ``new_ticket_service`` is called.

    The replays stop after ``max_samples``, or once ``min_samples`` are done and the
    simulated calls reach ``call_budget``."""
    counters = [c for c in state.counters if c.services]
    if not any(new_ticket_service in c.services for c in counters):
        return None
    now = state.now
    early = state.early_call_minutes
    callable_now = [
        t.service
        for t in state.waiting
        if t.kind != APPOINTMENT
        or t.appointment_time is None
        or _minutes_between(now, t.appointment_time) <= early
    ]
    if any(
        c.busy_service is None
        and new_ticket_service in c.services
        and not any(s in c.services for s in callable_now)
        for c in counters
    ):
        # A capable counter is free and has nobody else it could call: no wait.
        return timedelta(0)
    head = state.appointment_head_start_minutes
    jobs: list[tuple[float, float, int, str, bool, bool]] = []
    for seq, t in enumerate(state.waiting):
        if t.kind == APPOINTMENT and t.appointment_time is not None:
            appt = _minutes_between(now, t.appointment_time)
            jobs.append((appt - head, appt - early, seq, t.service, False, False))
        else:
            start = _minutes_between(now, clock_starts(t))
            jobs.append((start, -math.inf, seq, t.service, False, False))
    base = len(jobs)
    for k, (service, when) in enumerate(state.upcoming):
        appt = _minutes_between(now, when)
        jobs.append((appt - head, appt, base + k, service, True, False))
    jobs.append((0.0, 0.0, base + len(state.upcoming), new_ticket_service, False, True))
    jobs.sort()
    means = state.mean_minutes
    cvs = state.cv
    # Lognormal (mu, sigma) of each service at each counter, at that counter's speed.
    params: list[dict[str, tuple[float, float]]] = []
    for c in counters:
        params.append(
            {
                s: _lognormal_params(means.get(s, 10.0) / (speed or 1.0), cvs.get(s, 0.5))
                for s, speed in c.services.items()
            }
        )
    # Separate streams (common random numbers): a booking that does not matter, or a
    # visit after the new ticket, does not change the draws of the ones that do.
    gauss = random.Random(_SEED).gauss
    uniform = random.Random(_SEED + 1).random
    shows = random.Random(_SEED + 2).random
    show = state.show_rate
    results: list[float] = []
    calls = 0
    while len(results) < max_samples and (len(results) < min_samples or calls < call_budget):
        free: list[tuple[float, int]] = []
        for i, c in enumerate(counters):
            ready = 0.0
            if c.busy_service is not None:
                speed = c.services.get(c.busy_service, 1.0) or 1.0
                ready = _residual_draw(
                    means.get(c.busy_service, 10.0) / speed,
                    cvs.get(c.busy_service, 0.5),
                    c.elapsed_minutes,
                    uniform(),
                )
            free.append((ready, i))
        heapq.heapify(free)
        pending = [j for j in jobs if not j[4] or show >= 1.0 or shows() < show]
        result = math.inf
        while free:
            ready, i = heapq.heappop(free)
            own = params[i]
            pick = -1
            next_avail = math.inf
            for j, job in enumerate(pending):
                if job[3] not in own:
                    continue
                if job[1] <= ready:
                    pick = j
                    break
                if job[1] < next_avail:
                    next_avail = job[1]
            if pick < 0:
                if next_avail < math.inf:
                    heapq.heappush(free, (next_avail, i))
                continue
            job = pending.pop(pick)
            calls += 1
            if job[5]:
                result = max(ready, 0.0)
                break
            mu, s = own[job[3]]
            heapq.heappush(free, (ready + math.exp(mu + s * gauss()), i))
        results.append(result)
    finite = [r for r in results if r < math.inf]
    if not finite:
        return None
    return timedelta(minutes=statistics.median(finite))
