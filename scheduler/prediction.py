"""Predicted wait for a new ticket, from the live state of the queue.

Public API::

    predict_wait(new_ticket_service, state, kind="walk_in") -> timedelta | None
    simple_rule(new_ticket_service, state) -> timedelta | None   # the usual estimate

``state`` is a :class:`QueueState`: the waiting tickets (``dispatch.WaitingTicket``),
the counters on duty (:class:`CounterState`: services with speed, the service in
progress and how long it has run), mean and cv of the service times, and the booked
appointments still to come. ``None`` means no counter on duty serves the service.

A capable counter that is free now means no wait (0). Otherwise the prediction replays
the call order the dispatcher follows (earliest clock start first; an appointment
counts from its time minus the head start, and may go up to ``early_call`` minutes
early; a ticket past the norm waits for those that can still make it, past the hard
limit it goes first) on all counters on duty, a few dozen times with random service times: a visit
in progress takes a lognormal draw conditioned on how long it has run, the visits ahead
take lognormal draws at the counter's speed, and each booked appointment due in the
meantime shows up with the show rate. The result is the *median* of the simulated call
times, which minimises the mean absolute error against the actual wait; a fixed seed
keeps it deterministic for a given state. The number of replays shrinks for long
queues (a budget of simulated calls), so one prediction stays around a millisecond
even with 50 waiting and 10 counters.

It beats "position x mean duration / counters" because it sees which counters serve
which services, long and short services ahead, counters about to become free,
appointments that will go first, and that the first of several busy counters to
finish is usually much sooner than a mean service time.
"""

from __future__ import annotations

import heapq
import math
import random
import statistics
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import reduce
from itertools import accumulate, compress, count, islice, repeat
from operator import add, and_, gt, itemgetter, le, mul, sub, truediv
from statistics import NormalDist
from typing import overload

from scheduler.dispatch import APPOINTMENT, WaitingTicket, clock_starts


@dataclass(frozen=True)
class CounterState:
    counter_id: object
    services: Mapping[str, float]  # service -> speed factor
    busy_service: str | None = None
    elapsed_minutes: float = 0.0


class WalkIns(Sequence[tuple[str, datetime]]):
    """Walk-ins as columns, in the order they came: a sequence of (service, waiting
    since) like any other ``QueueState.walk_ins``, held as each one's service and its
    moment as whole microseconds from ``now`` (the moment is ``now`` plus those, exact).
    A long queue's reader gets those offsets from the database in bulk
    (``loket.queue_state``), and the replay's minutes follow from them as
    ``(since - now).total_seconds() / 60`` does, without a datetime, a timedelta or a
    pair per ticket: at 5,000 waiting those were the replay's largest single cost."""

    __slots__ = ("now", "offsets", "services")

    def __init__(self, now: datetime, services: list[str], offsets: list[int]) -> None:
        if len(services) != len(offsets):
            raise ValueError("services and offsets differ in length")
        self.now = now
        self.services = services
        self.offsets = offsets  # microseconds from now, whole

    def minutes(self) -> list[float]:
        """Per ticket the minutes from ``now``: microseconds / 10**6 (as
        ``timedelta.total_seconds``, correctly rounded), then / 60."""
        return list(map(truediv, map(truediv, self.offsets, repeat(1_000_000)), repeat(60.0)))

    def _moment(self, offset: int) -> datetime:
        return self.now + timedelta(microseconds=offset)

    def __len__(self) -> int:
        return len(self.services)

    @overload
    def __getitem__(self, index: int) -> tuple[str, datetime]: ...

    @overload
    def __getitem__(self, index: slice) -> list[tuple[str, datetime]]: ...

    def __getitem__(self, index: int | slice) -> tuple[str, datetime] | list[tuple[str, datetime]]:
        if isinstance(index, slice):
            moments = map(self._moment, self.offsets[index])
            return list(zip(self.services[index], moments, strict=True))
        return self.services[index], self._moment(self.offsets[index])

    def __iter__(self) -> Iterator[tuple[str, datetime]]:
        return zip(self.services, map(self._moment, self.offsets), strict=True)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence):
            return NotImplemented
        return list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"WalkIns({list(self)!r})"


@dataclass(frozen=True)
class QueueState:
    now: datetime
    waiting: Sequence[WaitingTicket]
    counters: Sequence[CounterState]
    mean_minutes: Mapping[str, float]
    cv: Mapping[str, float] = field(default_factory=dict)
    upcoming: Sequence[tuple[str, datetime]] = ()  # booked, not yet checked in
    show_rate: float = 1.0
    appointment_head_start_minutes: float = 2.0
    early_call_minutes: float = 5.0
    # Tickets without a time (walk-ins), as (service, waiting since), in the order they
    # came: the same as walk-ins in ``waiting``, cheaper to build for a long queue. They
    # follow ``waiting`` when two start at the same moment.
    walk_ins: Sequence[tuple[str, datetime]] = ()
    # The dispatcher's norm and hard limit (``DispatchPolicy.target``/``limit``): a
    # ticket past the norm yields to those still within it (``missed_yield``), past
    # the limit it goes first.
    target_minutes: float = 5.0
    limit_minutes: float = 10.0
    missed_yield: bool = True


def mean_residual(mean: float, cv: float, elapsed: float) -> float:
    """E[S - e | S > e] for a lognormal service time S (minutes)."""
    if elapsed <= 0:
        return mean
    if cv <= 0:
        return max(mean - elapsed, 0.0)
    s2 = math.log(1.0 + cv * cv)
    s = math.sqrt(s2)
    mu = math.log(mean) - s2 / 2.0
    z = (math.log(elapsed) - mu) / s
    survival = 0.5 * math.erfc(z / math.sqrt(2.0))
    if survival < 1e-9:
        return mean * 0.1  # far in the tail: it must be ending soon, keep it small
    partial = mean * 0.5 * math.erfc((z - s) / math.sqrt(2.0))
    return max(partial / survival - elapsed, 0.0)


def _minutes_between(a: datetime, b: datetime) -> float:
    return (b - a).total_seconds() / 60.0


_MIN_SAMPLES = 11
_MAX_SAMPLES = 63
_CALL_BUDGET = 600
_SEED = 20240101
_NORMAL = NormalDist()


def _lognormal_params(mean: float, cv: float) -> tuple[float, float]:
    s2 = math.log(1.0 + cv * cv)
    return math.log(mean) - s2 / 2.0, math.sqrt(s2)


def _residual_draw(mean: float, cv: float, elapsed: float, u: float) -> float:
    """Remaining time of a visit that has run ``elapsed``: quantile ``u`` of S - e | S > e."""
    if cv <= 0:
        return max(mean - elapsed, 0.0)
    mu, s = _lognormal_params(mean, cv)
    lo = 0.0
    if elapsed > 0:
        lo = _NORMAL.cdf((math.log(elapsed) - mu) / s)
    p = lo + (1.0 - lo) * u
    p = min(max(p, 1e-12), 1.0 - 1e-12)
    return max(math.exp(mu + s * _NORMAL.inv_cdf(p)) - elapsed, 0.0)


class _Stream:
    """One seeded random stream, drawn once per process and kept: every prediction
    replays the same draws from the start (a fixed seed), so drawing them again for
    each ticket only cost time (``random.gauss`` is Python code)."""

    def __init__(self, seed: int, gaussian: bool) -> None:
        rng = random.Random(seed)
        self._draw = rng.gauss if gaussian else rng.random
        self.values: list[float] = []
        self._lock = threading.Lock()

    def upto(self, n: int) -> list[float]:
        """The stream with at least its first ``n`` values drawn."""
        if len(self.values) < n:
            with self._lock:
                missing = n - len(self.values)
                if missing > 0:
                    draw = self._draw
                    self.values.extend([draw() for _ in range(missing)])
        return self.values


# Separate streams (common random numbers): a booking that does not matter, or a visit
# after the new ticket, does not change the draws of the ones that do.
_GAUSS = _Stream(_SEED, gaussian=True)
_UNIFORM = _Stream(_SEED + 1, gaussian=False)
_SHOWS = _Stream(_SEED + 2, gaussian=False)


def predict_wait(
    new_ticket_service: str,
    state: QueueState,
    kind: str = "walk_in",
    *,
    min_samples: int = _MIN_SAMPLES,
    max_samples: int = _MAX_SAMPLES,
    call_budget: int = _CALL_BUDGET,
    long_replay: int | None = None,
) -> timedelta | None:
    """Median time until a ticket issued now for ``new_ticket_service`` is called.

    The replays stop after ``max_samples``, or once ``min_samples`` are done and the
    simulated calls reach ``call_budget``, or after the first when it alone simulated
    ``long_replay`` calls or more (``scheduler.live_prediction``).

    Each replay gives a free counter the first ticket, in call order, that it serves and
    that may be called by then. Tickets without a time (walk-ins) wait in one list per
    group of counters that serve the same of their services (one list for all when
    every counter serves all of them, taken in runs): the first of them a counter may
    take is at the head of its list, past those another group took, so a call costs the
    same with 5,000 waiting as with 5. The few tickets with a time (appointments, bookings, the
    new ticket) are looked through in order up to that head. The draws are the same, in
    the same order, as scanning the whole queue for every call
    (``tests/scheduler/test_prediction_equivalence.py``)."""
    counters = [c for c in state.counters if c.services]
    if not any(new_ticket_service in c.services for c in counters):
        return None
    now = state.now
    early = state.early_call_minutes
    callable_now = {
        t.service
        for t in state.waiting
        if t.kind != APPOINTMENT
        or t.appointment_time is None
        or _minutes_between(now, t.appointment_time) <= early
    }
    walk_ins = state.walk_ins
    # Columns with their offsets from this very moment: the minutes come from those.
    columns = walk_ins if isinstance(walk_ins, WalkIns) and walk_ins.now == now else None
    walk_services = columns.services if columns is not None else list(map(itemgetter(0), walk_ins))
    callable_now.update(walk_services)
    if any(
        c.busy_service is None
        and new_ticket_service in c.services
        and not any(s in c.services for s in callable_now)
        for c in counters
    ):
        # A capable counter is free and has nobody else it could call: no wait.
        return timedelta(0)
    head = state.appointment_head_start_minutes
    # Call order: by start, then by "may be called from", then as they came. Tickets
    # with a time (appointments, bookings, the new ticket) as (start, may be called
    # from, order, service, booked not yet here, the new ticket, waiting since): the
    # start of an appointment is its time minus the head start, its wait (for the
    # norm) counts from its time, or from the check-in when that is later.
    timed_jobs: list[tuple[float, float, int, str, bool, bool, float]] = []
    # The others (walk-ins) may be called at any moment; as (service, waiting since).
    untimed_pairs: list[tuple[str, datetime]] = []
    for seq, t in enumerate(state.waiting):
        if t.kind == APPOINTMENT and t.appointment_time is not None:
            appt = _minutes_between(now, t.appointment_time)
            since = _minutes_between(now, clock_starts(t))
            timed_jobs.append((appt - head, appt - early, seq, t.service, False, False, since))
        else:
            untimed_pairs.append((t.service, clock_starts(t)))
    base = len(state.waiting) + len(walk_ins)
    for k, (service, when) in enumerate(state.upcoming):
        appt = _minutes_between(now, when)
        timed_jobs.append((appt - head, appt, base + k, service, True, False, appt))
    timed_jobs.append((0.0, 0.0, base + len(state.upcoming), new_ticket_service, False, True, 0.0))
    timed_jobs.sort()
    # Untimed tickets by the moment they wait from; the stable sort keeps the order
    # they came in for equal moments (minutes from now only grow with the moment).
    if columns is not None:
        # The minutes from the offsets; they order the tickets as their moments do
        # (different microseconds give different minutes).
        services_in_order, starts_in_order = _in_call_order(
            [service for service, _since in untimed_pairs] + walk_services,
            [_minutes_between(now, since) for _service, since in untimed_pairs] + columns.minutes(),
        )
    else:
        untimed_pairs.extend(walk_ins)
        untimed_pairs.sort(key=itemgetter(1))
        # Per ticket in C (map), not a Python call each: at 5,000 waiting these passes
        # were most of a prediction. The same arithmetic as ``_minutes_between``.
        services_in_order = list(map(itemgetter(0), untimed_pairs))
        starts_in_order = list(
            map(
                truediv,
                map(_TOTAL_SECONDS, map(sub, map(itemgetter(1), untimed_pairs), repeat(now))),
                repeat(60.0),
            )
        )
    n_untimed = len(services_in_order)

    # An untimed ticket comes before a timed one that starts at the same moment (it
    # may be called from ever): the timed one goes after every untimed one that
    # starts no later. Positions count both kinds in call order.
    timed: list[int] = []
    inserted: list[int] = []
    for k, job in enumerate(timed_jobs):
        at = bisect_right(starts_in_order, job[0])
        inserted.append(at)
        timed.append(at + k)
    job_at = dict(zip(timed, timed_jobs, strict=True))
    booked = [job[4] for job in timed_jobs]
    n_jobs = n_untimed + len(timed_jobs)
    # The dispatcher's bands: a ticket that has waited past the norm (not yet the
    # limit) is called only when the counter has nobody who can still make the norm.
    # Without ``missed_yield`` one band: the call order alone.
    bands = state.missed_yield
    norm = state.target_minutes if bands else math.inf
    limit = state.limit_minutes
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
    # Untimed tickets are numbered in call order; each has its position (counting the
    # timed ones before it too). Counters that serve the same untimed services share
    # one list of the untimed tickets they serve (numbers, in call order): the first a
    # counter may take is near the head of its list, whichever services it holds.
    positions = _untimed_positions(n_untimed, inserted)
    untimed_services = set(services_in_order)
    served = [frozenset(s for s in own if s in untimed_services) for own in params]
    groups = list(dict.fromkeys(served))
    group_of = [groups.index(own) for own in served]
    everything = frozenset(untimed_services)
    members = [
        list(range(n_untimed))
        if group == everything
        else list(compress(count(), map(group.__contains__, services_in_order)))
        for group in groups
    ]
    # Every counter serves every untimed ticket: one list, taken in runs below.
    shared = len(groups) == 1 and groups[0] == everything
    n_everyone = n_untimed if shared else 0
    # For the lists per group (``members``, when there is no shared one): each with an
    # end past every ticket (number ``n_untimed``, never taken, after every timed one).
    ended = [[*mine, n_untimed] for mine in members] if not n_everyone else []
    at_end = [*positions, n_jobs + 1]
    per_counter: dict[int, tuple[list[float], list[float]]] = {}

    def run_params(i: int) -> tuple[list[float], list[float]]:
        """A counter's (mu, sigma) for each untimed ticket in call order."""
        if i not in per_counter:
            own = params[i]
            mus = {s: mu for s, (mu, _sigma) in own.items()}
            sigmas = {s: sigma for s, (_mu, sigma) in own.items()}
            per_counter[i] = (
                list(map(mus.__getitem__, services_in_order)),
                list(map(sigmas.__getitem__, services_in_order)),
            )
        return per_counter[i]

    # Counters with the same services at the same speeds are one kind (the first of them).
    kind_of = [params.index(own) for own in params]
    nowhere = n_jobs
    busy = [c.busy_service is not None for c in counters]
    n_busy = sum(busy)
    n_booked = sum(booked)
    exp = math.exp
    heappop = heapq.heappop
    heappush = heapq.heappush
    heapreplace = heapq.heapreplace
    show = state.show_rate
    draw_shows = show < 1.0 and n_booked > 0
    gi = ui = si = 0
    results: list[float] = []
    calls = 0
    while len(results) < max_samples and (len(results) < min_samples or calls < call_budget):
        gauss = _GAUSS.upto(gi + n_jobs)
        uniform = _UNIFORM.upto(ui + n_busy)
        free: list[tuple[float, int]] = []
        for i, c in enumerate(counters):
            ready = 0.0
            if c.busy_service is not None:
                speed = c.services.get(c.busy_service, 1.0) or 1.0
                ready = _residual_draw(
                    means.get(c.busy_service, 10.0) / speed,
                    cvs.get(c.busy_service, 0.5),
                    c.elapsed_minutes,
                    uniform[ui],
                )
                ui += 1
            free.append((ready, i))
        heapq.heapify(free)
        if draw_shows:
            shows = _SHOWS.upto(si + n_booked)
            pending: list[int] = []
            for p, is_booked in zip(timed, booked, strict=True):
                if is_booked:
                    si += 1
                    if not shows[si - 1] < show:
                        continue
                pending.append(p)
        else:
            pending = list(timed)
        # Per group's list: the first ticket not yet called, the first not yet called
        # that can still make the norm (no further than needed); and which were called
        # (lists of different groups overlap, and with bands a list is not called
        # strictly from its head).
        heads = [0] * len(groups)
        within = [0] * len(groups)
        taken = [False] * (n_untimed + 1)  # and the lists' end
        # In the shared list, the ones called out of turn (they only come later).
        out_of_turn: list[int] = []
        out_of_turn_at = 0
        result = math.inf
        while free:
            if n_everyone and heads[0] < n_everyone:
                # A run of untimed tickets before the next timed one: whichever counter
                # is free first takes the next of them, as the scan would; with bands,
                # up to the first that is past the norm when its counter is free, or
                # one already called out of turn.
                next_shared = heads[0]
                stop = bisect_left(positions, pending[0], next_shared) if pending else n_everyone
                if bands:
                    while out_of_turn_at < len(out_of_turn) and (
                        out_of_turn[out_of_turn_at] < next_shared
                    ):
                        out_of_turn_at += 1
                    if out_of_turn_at < len(out_of_turn):
                        stop = min(stop, out_of_turn[out_of_turn_at])
                if stop > next_shared:
                    draws = gauss[gi : gi + stop - next_shared]
                    run = stop - next_shared
                    if len(free) == 1:
                        ready, i = free[0]
                        mus, sigmas = run_params(i)
                        steps = map(
                            exp,
                            map(
                                add,
                                mus[next_shared:stop],
                                map(mul, sigmas[next_shared:stop], draws),
                            ),
                        )
                        if bands and run < _LONG_RUN:
                            readies = list(accumulate(steps, initial=ready))
                            for k, start in enumerate(starts_in_order[next_shared:stop]):
                                waited = readies[k] - start
                                if norm <= waited < limit:
                                    run = k
                                    break
                            free[0] = (readies[run], i)
                        elif bands:
                            readies = list(accumulate(steps, initial=ready))
                            # The first whose wait, when the counter is free, is past
                            # the norm but not the limit (``norm <= waited < limit``),
                            # in C; in a long queue usually none: all are past the limit.
                            waits = list(map(sub, readies, starts_in_order[next_shared:stop]))
                            if min(waits) < limit:
                                first = next(
                                    compress(
                                        count(),
                                        map(
                                            and_,
                                            map(le, repeat(norm), waits),
                                            map(gt, repeat(limit), waits),
                                        ),
                                    ),
                                    None,
                                )
                                if first is not None:
                                    run = first
                            free[0] = (readies[run], i)
                        else:
                            free[0] = (reduce(add, steps, ready), i)
                    elif run >= _LONG_RUN and len({kind_of[i] for _ready, i in free}) == 1:
                        # Free counters all of one kind (the same services at the same
                        # speeds): a visit takes as long whichever of them calls it, so
                        # the service times are drawn for the whole run in C, as above,
                        # and the heap holds only when each is free; which of them is
                        # which does not change a later call. The same sums as below.
                        mus, sigmas = run_params(free[0][1])
                        times = list(
                            map(
                                exp,
                                map(
                                    add,
                                    mus[next_shared:stop],
                                    map(mul, sigmas[next_shared:stop], draws),
                                ),
                            )
                        )
                        readies = sorted(ready for ready, _i in free)
                        if bands:
                            # A visitor who waited from at least the limit before the
                            # first counter is free has waited past the limit when called
                            # (the counters are only free later): the tickets up to the
                            # last such start go without the band check. A margin far
                            # above rounding keeps it the check's own answer.
                            starts_run = starts_in_order[next_shared:stop]
                            k = 0
                            while k < run:
                                ready = readies[0]
                                bound = ready - limit - (1.0 + abs(ready) + limit) * 1e-9
                                safe = bisect_right(starts_run, bound, k, run)
                                if safe > k:
                                    for step in times[k:safe]:
                                        heapreplace(readies, readies[0] + step)
                                    k = safe
                                    continue
                                if norm <= ready - starts_run[k] < limit:
                                    run = k
                                    break
                                heapreplace(readies, ready + times[k])
                                k += 1
                        else:
                            for step in times:
                                heapreplace(readies, readies[0] + step)
                        free = sorted(
                            zip(sorted(readies), sorted(i for _ready, i in free), strict=True)
                        )
                    else:
                        for k, (g, service, start) in enumerate(
                            zip(
                                draws,
                                services_in_order[next_shared:stop],
                                starts_in_order[next_shared:stop],
                                strict=True,
                            )
                        ):
                            ready, i = free[0]
                            waited = ready - start
                            if norm <= waited < limit:
                                run = k
                                break
                            mu, sigma = params[i][service]
                            heapreplace(free, (ready + exp(mu + sigma * g), i))
                    if run:
                        gi += run
                        calls += run
                        h = next_shared + run
                        while h < n_everyone and taken[h]:
                            h += 1
                        heads[0] = h
                        continue
            if ended:
                # Lists per group: while the first free counter's head is past the
                # limit or can still make the norm, and no timed ticket comes before
                # it, the counter calls that head, as the step below would (the usual
                # call in a long queue, in half the time). Each list ends in a ticket
                # nobody took that comes after every timed one, so the loop stops there.
                first_timed = pending[0] if pending else nowhere
                while True:
                    ready, i = free[0]
                    g = group_of[i]
                    mine = ended[g]
                    h = heads[g]
                    while taken[mine[h]]:
                        h += 1
                    heads[g] = h
                    u = mine[h]
                    if at_end[u] > first_timed or norm <= ready - starts_in_order[u] < limit:
                        break
                    taken[u] = True
                    mu, sigma = params[i][services_in_order[u]]
                    heapreplace(free, (ready + exp(mu + sigma * gauss[gi]), i))
                    gi += 1
                    calls += 1
            ready, i = free[0]
            own = params[i]
            # The first untimed ticket this counter serves that is past the limit or
            # can still make the norm, and the first past the norm (as numbers).
            best = late = nowhere
            best_u = late_u = 0
            g = group_of[i]
            mine = members[g]
            n = len(mine)
            h = heads[g]
            while h < n and taken[mine[h]]:
                h += 1
            heads[g] = h
            if h < n:
                u = mine[h]
                waited = ready - starts_in_order[u]
                if waited < norm or waited >= limit:
                    best, best_u = positions[u], u
                else:
                    # The starts only grow along a list (the ones after it are not
                    # past the limit), and ``ready`` only grows in a replay: the first
                    # that can make the norm only moves on.
                    late, late_u = positions[u], u
                    at = within[g]
                    if at < h:
                        at = h
                    while at < n and (taken[mine[at]] or ready - starts_in_order[mine[at]] >= norm):
                        at += 1
                    within[g] = at
                    if at < n:
                        best_u = mine[at]
                        best = positions[best_u]
            # A timed ticket before it that this counter serves and may call by now.
            pick = late_pick = -1
            next_avail = math.inf
            if pending and pending[0] < best:
                for k, p in enumerate(pending):
                    if p > best:
                        break
                    job = job_at[p]
                    if job[3] not in own:
                        continue
                    if job[1] <= ready:
                        waited = ready - job[6]
                        if waited < norm or waited >= limit:
                            pick = k
                            break
                        if late_pick < 0:
                            late_pick = k
                        continue
                    if job[1] < next_avail:
                        next_avail = job[1]
            if pick < 0 and best == nowhere:
                # Nobody who can still make the norm: the first past it.
                if late_pick >= 0 and pending[late_pick] < late:
                    pick = late_pick
                elif late < nowhere:
                    best, best_u = late, late_u
            if pick >= 0:
                job = job_at[pending.pop(pick)]
                calls += 1
                if job[5]:
                    result = max(ready, 0.0)
                    break
                service = job[3]
            elif best < nowhere:
                calls += 1
                service = services_in_order[best_u]
                taken[best_u] = True
                if n_everyone:
                    # The shared list's runs stop at one called out of turn.
                    h = heads[0]
                    if best_u > h:
                        out_of_turn.append(best_u)
                    while h < n_everyone and taken[h]:
                        h += 1
                    heads[0] = h
            else:
                heappop(free)
                if next_avail < math.inf:
                    heappush(free, (next_avail, i))
                continue
            mu, sigma = own[service]
            heapreplace(free, (ready + exp(mu + sigma * gauss[gi]), i))
            gi += 1
        results.append(result)
        if long_replay is not None and len(results) == 1 and calls >= long_replay:
            break
    finite = [r for r in results if r < math.inf]
    if not finite:
        return None
    return timedelta(minutes=statistics.median(finite))


_TOTAL_SECONDS = timedelta.total_seconds
# A run of walk-ins at least this long goes through the passes in C; a shorter one call
# by call (the passes' set-up cost more than they save; the same answers either way).
_LONG_RUN = 48


def _in_call_order(services: list[str], starts: list[float]) -> tuple[list[str], list[float]]:
    """Both lists in the order of ``starts``, equal ones as they came (a stable sort);
    most often they already are."""
    if all(map(le, starts, islice(starts, 1, None))):
        return services, starts
    order = sorted(range(len(starts)), key=starts.__getitem__)
    return list(map(services.__getitem__, order)), list(map(starts.__getitem__, order))


def _untimed_positions(n: int, inserted: list[int]) -> list[int]:
    """Each untimed ticket's position in call order, counting the timed tickets before
    it too: ``inserted`` (non-decreasing) holds, per timed ticket, how many untimed ones
    go before it."""
    positions: list[int] = []
    done = 0
    for k, at in enumerate(inserted):
        if at > done:
            positions.extend(range(done + k, at + k))
            done = at
    positions.extend(range(done + len(inserted), n + len(inserted)))
    return positions


def simple_rule(new_ticket_service: str, state: QueueState) -> timedelta | None:
    """The common estimate: tickets ahead for this service x mean duration / counters."""
    serving = sum(1 for c in state.counters if new_ticket_service in c.services)
    if serving == 0:
        return None
    ahead = sum(
        1 for t in state.waiting if t.service == new_ticket_service and clock_starts(t) <= state.now
    )
    # The walk-ins handed over apart count the same (``loket.queue_state.live_state``).
    ahead += sum(
        1
        for service, since in state.walk_ins
        if service == new_ticket_service and since <= state.now
    )
    mean = state.mean_minutes.get(new_ticket_service, 10.0)
    return timedelta(minutes=ahead * mean / serving)
