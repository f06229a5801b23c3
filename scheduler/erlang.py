"""Queueing formulas for one pool of identical counters.

Erlang B/C for M/M/c, Erlang A (M/M/c+M: visitors walk out after an exponential
patience) and the Allen–Cunneen correction for service and arrival variability.
All functions work on a fractional offered load ``a = λ / μ`` and an integer number
of servers; :func:`interpolate_servers` handles a fractional head count (a counter
that is open for part of an interval).

Units are the caller's: rates and times only have to agree (per minute throughout
the scheduler).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


def erlang_b(servers: int, load: float) -> float:
    """Blocking probability of M/M/c/c, by the recursion B(k) = aB(k-1)/(k + aB(k-1)).

    The recursion never forms a^c or c!, so it stays exact for hundreds of servers.
    """
    if servers < 0:
        raise ValueError("servers must be >= 0")
    if load < 0:
        raise ValueError("load must be >= 0")
    b = 1.0
    for k in range(1, servers + 1):
        b = load * b / (k + load * b)
    return b


def erlang_c(servers: int, load: float) -> float:
    """Probability that an arriving visitor has to wait in M/M/c (1.0 when unstable)."""
    if servers <= 0 or load >= servers:
        return 1.0
    if load == 0:
        return 0.0
    b = erlang_b(servers, load)
    return servers * b / (servers - load * (1.0 - b))


@dataclass(frozen=True)
class QueueMetrics:
    """Steady-state figures for one interval; times in the caller's unit."""

    p_wait: float
    mean_wait: float
    service_level: float
    p_abandon: float = 0.0
    utilisation: float = 0.0


def mmc(arrival_rate: float, mean_service: float, servers: int, threshold: float) -> QueueMetrics:
    """Erlang C: P(wait), ASA and the share called within ``threshold``."""
    load = arrival_rate * mean_service
    if arrival_rate <= 0:
        return QueueMetrics(0.0, 0.0, 1.0, 0.0, 0.0)
    if servers <= 0 or load >= servers:
        return QueueMetrics(1.0, math.inf, 0.0, 0.0, 1.0)
    c = erlang_c(servers, load)
    drain = (servers - load) / mean_service  # cμ - λ
    return QueueMetrics(
        p_wait=c,
        mean_wait=c / drain,
        service_level=1.0 - c * math.exp(-drain * threshold),
        utilisation=load / servers,
    )


def allen_cunneen_factor(ca2: float, cs2: float) -> float:
    """Factor on the M/M/c queueing delay for G/G/c: (ca² + cs²) / 2."""
    return max((ca2 + cs2) / 2.0, 1e-9)


def ggc(
    arrival_rate: float,
    mean_service: float,
    servers: int,
    threshold: float,
    ca2: float = 1.0,
    cs2: float = 1.0,
) -> QueueMetrics:
    """Erlang C with the Allen–Cunneen correction.

    P(wait) is kept from M/M/c; the conditional wait is stretched by (ca²+cs²)/2, which
    keeps the exponential tail shape but matches the Allen–Cunneen mean.
    """
    base = mmc(arrival_rate, mean_service, servers, threshold)
    if base.p_wait in (0.0, 1.0) and base.mean_wait in (0.0, math.inf):
        return base
    f = allen_cunneen_factor(ca2, cs2)
    drain = (servers - arrival_rate * mean_service) / mean_service
    return QueueMetrics(
        p_wait=base.p_wait,
        mean_wait=base.mean_wait * f,
        service_level=1.0 - base.p_wait * math.exp(-drain * threshold / f),
        utilisation=base.utilisation,
    )


def _log_birth_death(
    arrival_rate: float, mu: float, theta: float, servers: int, size: int
) -> np.ndarray:
    """Stationary distribution of the M/M/c+M state (number in system), truncated."""
    k = np.arange(1, size + 1, dtype=float)
    deaths = np.minimum(k, servers) * mu + np.maximum(k - servers, 0.0) * theta
    with np.errstate(divide="ignore"):
        log_ratio = math.log(arrival_rate) - np.log(deaths)
    log_p = np.concatenate(([0.0], np.cumsum(log_ratio)))
    log_p -= log_p.max()
    p = np.exp(log_p)
    return p / p.sum()


def erlang_a(
    arrival_rate: float,
    mean_service: float,
    servers: int,
    mean_patience: float,
    threshold: float,
    cs2: float = 1.0,
    ca2: float = 1.0,
    tail: float = 1e-12,
) -> QueueMetrics:
    """Erlang A (Palm's M/M/c+M) by an exact truncated birth–death chain.

    ``service_level`` is the share of arrivals *called* within ``threshold``: a visitor
    who walks out before being called never counts as on time. The time to be called
    with j visitors ahead is a chain of exponential stages (rate cμ + iθ while i are
    ahead) raced against the visitor's own patience; it is evaluated by uniformisation.
    ``cs2``/``ca2`` apply Allen–Cunneen by stretching the threshold (the exponential
    model's wait is scaled by (ca²+cs²)/2).
    """
    if arrival_rate <= 0:
        return QueueMetrics(0.0, 0.0, 1.0, 0.0, 0.0)
    if not math.isfinite(mean_patience) or mean_patience <= 0:
        return ggc(arrival_rate, mean_service, servers, threshold, ca2, cs2)
    if servers <= 0:
        # Nobody is ever called.
        return QueueMetrics(1.0, mean_patience, 0.0, 1.0, 0.0)
    mu = 1.0 / mean_service
    theta = 1.0 / mean_patience
    f = allen_cunneen_factor(ca2, cs2)
    t_eff = threshold / f
    # Grow the truncation until the tail mass is negligible.
    size = max(4 * servers, servers + 50)
    while True:
        p = _log_birth_death(arrival_rate, mu, theta, servers, size)
        if p[-1] < tail or size > 20000:
            break
        size *= 2
    queue_states = p[servers:]  # states with j = 0.. visitors already queued
    p_wait = float(queue_states.sum())
    queued = np.arange(queue_states.size, dtype=float)
    mean_queue = float((queued * queue_states).sum())
    p_abandon = theta * mean_queue / arrival_rate
    mean_wait = mean_queue / arrival_rate * f  # Little on the queue

    # P(called within t | j ahead): stages j, j-1, .., 0; stage i leaves at rate
    # cμ + iθ to the next stage, own patience kills at rate θ.
    j_max = int(np.nonzero(queue_states > tail)[0].max()) if p_wait > 0 else 0
    n = j_max + 1
    stage_rate = servers * mu + np.arange(n, dtype=float) * theta
    uni = float(stage_rate[-1] + theta)
    move = stage_rate / uni
    stay = 1.0 - move - theta / uni
    poisson_mean = uni * t_eff
    steps = int(poisson_mean + 10.0 * math.sqrt(poisson_mean) + 20)
    called = np.zeros(n)  # called[j] = P(called within k uniformised steps | j ahead)
    log_w = -poisson_mean
    within = np.zeros(n)
    for k in range(steps + 1):
        if k > 0:
            called = move * np.concatenate(([1.0], called[:-1])) + stay * called
            log_w += math.log(poisson_mean) - math.log(k)
        within += math.exp(log_w) * called
    # "Called" is absorbing, so P(called by t) = sum_k P(N(t) = k) P(called by step k).
    called_in_time = float((queue_states[:n] * within).sum())
    service_level = (1.0 - p_wait) + called_in_time
    busy = float((np.minimum(np.arange(p.size), servers) * p).sum())
    return QueueMetrics(
        p_wait=p_wait,
        mean_wait=mean_wait,
        service_level=min(1.0, max(0.0, service_level)),
        p_abandon=p_abandon,
        utilisation=busy / servers,
    )


def interpolate_servers(metric: Callable[[int], QueueMetrics], servers: float) -> QueueMetrics:
    """Metrics for a fractional head count, linear between the two whole numbers."""
    lo = math.floor(servers)
    frac = servers - lo
    a = metric(lo)
    if frac < 1e-9:
        return a
    b = metric(lo + 1)

    def mix(x: float, y: float) -> float:
        if math.isinf(x) or math.isinf(y):
            return y if frac > 0.5 else x
        return (1 - frac) * x + frac * y

    return QueueMetrics(
        p_wait=mix(a.p_wait, b.p_wait),
        mean_wait=mix(a.mean_wait, b.mean_wait),
        service_level=mix(a.service_level, b.service_level),
        p_abandon=mix(a.p_abandon, b.p_abandon),
        utilisation=mix(a.utilisation, b.utilisation),
    )
