"""A true lower bound on the waiting of a simulated day: no call order can do better.

The figure bounded is the one the honest tables report as "mean wait incl.
walk-outs": per visitor the minutes from the start of their clock (arrival; for an
appointment the later of arrival and slot) until they are called, or until they walk
out (a walk-out waited their patience). A visitor nobody ever calls counts until the
end of the simulation.

The bound relaxes everything in the policy's favour: every clerk of the day is
universal, works at the best speed anyone has for anything, sits at a counter from the
first shift's start with no breaks and no end, and knows every arrival, service time
and patience in advance. Then, at any moment ``t``:

* a visitor is *waiting* when their clock has started, they have not walked out yet
  (a walk-in leaves at arrival + patience) and nobody called them. So
  ``waiting(t) >= N(t) - called(t)`` with ``N(t)`` the visitors whose clock started
  and who would not have left yet.
* each clerk has at most one visit in progress, so ``called(t) <= m + done(t)`` for
  ``m`` clerks; the visits done by ``t`` started after their arrival and took at least
  ``q = draw / best speed``, and together fit in ``m * (t - start)`` minutes. So
  ``done(t)`` is at most the largest number of visitors with ``arrival + q <= t``
  whose ``q`` sum to that budget: the shortest first. And ``called(t)`` is at most
  the number arrived.

The total waiting is the integral of ``waiting(t)``; the bound integrates the
right-hand side in steps of a quarter minute, each at its worst (``N`` at its minimum
over the step, the ``called`` ceiling at its supremum), so it stays a bound. It is
tight when one clerk faces a queue that exists from the start (three visitors of 10
minutes at once: 0 + 10 + 20 minutes) and weak on light days, where it is near zero.
``tests/scheduler/test_bound.py`` checks on random small days that no policy (the
pooled reference included) ever beats it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from scheduler.policies import SimTicket
from scheduler.simulator import ClerkPlan, DayInput, DayOutcome

STEP_MINUTES = 0.25
HORIZON_MINUTES = 24 * 60  # the simulator runs until close + 24 h


@dataclass(frozen=True)
class WaitBound:
    visitors: int
    total_minutes: float  # lower bound on the summed waiting (incl. walk-outs)

    @property
    def mean(self) -> float:
        return self.total_minutes / self.visitors if self.visitors else 0.0


def best_speed(clerks: Sequence[ClerkPlan]) -> float:
    """The fastest anyone is at anything (at least 1.0: the pooled reference's floor)."""
    speeds = [v for c in clerks for v in c.skills.values() if v > 0]
    return max([1.0, *speeds])


def wait_lower_bound(
    tickets: Sequence[SimTicket],
    clerks: Sequence[ClerkPlan],
    close: float,
    step: float = STEP_MINUTES,
) -> WaitBound:
    """Lower bound on the summed waiting incl. walk-outs of any call order (module doc)."""
    n = len(tickets)
    if n == 0:
        return WaitBound(0, 0.0)
    m = len(clerks)  # one simulated clerk process each
    starts = [s for c in clerks for s, _e in c.segments]
    end = close + HORIZON_MINUTES
    arrival = np.array([t.arrival for t in tickets], dtype=float)
    clock = np.array([t.clock_start for t in tickets], dtype=float)
    leave = np.array(
        [t.arrival + t.patience if t.appointment is None else math.inf for t in tickets],
        dtype=float,
    )
    if m == 0 or not starts:
        # Nobody works: everyone waits until they leave or the simulation ends.
        return WaitBound(n, float(np.sum(np.maximum(np.minimum(leave, end) - clock, 0.0))))
    t0 = float(min(starts))
    q = np.array([t.base_minutes for t in tickets], dtype=float) / best_speed(clerks)
    order = np.argsort(q, kind="stable")
    q_sorted = q[order]
    ready_sorted = (arrival + q)[order]  # a visit done by t began after its arrival

    total = 0.0
    u = float(min(clock.min(), t0))
    chunk = 512
    while u < end:
        lo = u + step * np.arange(chunk)
        lo = lo[lo < end]
        hi = np.minimum(lo + step, end)
        # N at its minimum over [lo, hi): clock started by lo, still there at hi.
        present = (clock[None, :] <= lo[:, None]) & (leave[None, :] >= hi[:, None])
        n_low = present.sum(axis=1)
        # Ceiling on calls at any t < hi: done by t means ready <= t < hi, and the
        # visits fit in m * (t - t0) < m * (hi - t0).
        eligible = ready_sorted[None, :] < hi[:, None]
        cum = np.cumsum(np.where(eligible, q_sorted[None, :], 0.0), axis=1)
        budget = m * np.maximum(hi - t0, 0.0)
        done = (eligible & (cum < budget[:, None])).sum(axis=1)
        arrived = (arrival[None, :] < hi[:, None]).sum(axis=1)
        called_max = np.minimum(arrived, m + done)
        total += float(np.sum(np.maximum(n_low - called_max, 0) * (hi - lo)))
        u = float(hi[-1])
        if called_max[-1] >= n or u >= end:
            break  # from here on everyone can have been called: the bound adds nothing
    return WaitBound(n, total)


def day_bound(day: DayInput) -> WaitBound:
    return wait_lower_bound(day.tickets, day.clerks, day.close)


def waited_incl_walkouts(out: DayOutcome, close: float) -> np.ndarray:
    """What the bound bounds, per visitor of a simulated day (minutes)."""
    w = out.wait.copy()
    gone = np.isnan(w)
    clock = np.fmax(out.arrival, np.nan_to_num(out.appointment, nan=-math.inf))
    never = gone & ~out.abandoned
    w[gone & out.abandoned] = out.patience[gone & out.abandoned]
    w[never] = close + HORIZON_MINUTES - clock[never]
    return w
