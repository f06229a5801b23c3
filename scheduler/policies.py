"""Call-next policies for the simulator: Loket's dispatcher and baselines.

The baselines model what other queue systems do:

* ``fixed``: every counter has its own services (assigned to balance the forecast
  load over the clerks present) and calls them first in, first out; it only takes
  another service when no clerk on duty has that one as their own.
* ``longest_wait``: one pool; call the longest waiting ticket the clerk may serve.
* ``priority_aging``: appointments have a higher priority level than walk-ins, and
  a ticket gains one level per ``aging_minutes`` of waiting.
* ``pooled``: a *reference*, not a policy and not a bound: every clerk does every
  service at every counter at least at average speed, one first-in-first-out queue.
  It shows what pooling alone would give; Loket can beat it (it calls by urgency).

Every policy calls an appointment from its time, and - the same rule as Loket's
dispatcher - may call one that checked in early up to ``early_call`` minutes before
its time when the clerk has nothing else to call. So the comparison measures the
call order, not a privilege.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from scheduler.dispatch import CounterContext, DispatchPolicy, WaitingTicket, choose_next


@dataclass(eq=False)
class SimTicket:
    id: int
    number: str
    service: str
    kind: str  # "walk_in" | "appointment"
    arrival: float  # minute of day
    appointment: float | None
    base_minutes: float  # service time at speed 1.0
    patience: float
    wt: WaitingTicket | None = None
    refused: bool = False  # an appointment request without a slot, come as a walk-in

    @property
    def clock_start(self) -> float:
        if self.appointment is None:
            return self.arrival
        return max(self.arrival, self.appointment)


@dataclass(eq=False)
class SimClerk:
    id: str
    skills: Mapping[str, float]
    segments: tuple[tuple[int, int], ...]
    home: frozenset[str] = frozenset()
    ctx: CounterContext | None = None
    busy_service: str | None = None
    busy_since: float = 0.0
    on_duty: bool = False
    extra: dict = field(default_factory=dict)


class SimView(Protocol):
    clerks: list[SimClerk]

    def to_datetime(self, minute: float) -> datetime: ...


class Policy(Protocol):
    name: str
    pooled: bool

    def prepare(self, clerks: list[SimClerk], load: Mapping[str, float]) -> None: ...

    def choose(
        self, clerk: SimClerk, waiting: Iterable[SimTicket], now: float, view: SimView
    ) -> SimTicket | None: ...


EARLY_CALL_MINUTES = 5.0  # the same as DispatchPolicy.early_call


def _callable(t: SimTicket, now: float) -> bool:
    return t.appointment is None or now >= t.appointment


def _early(clerk: SimClerk, waiting: Iterable[SimTicket], now: float) -> SimTicket | None:
    """Nothing else to call: the appointment due soonest within the early-call window."""
    best = None
    for t in waiting:
        if t.service not in clerk.skills or t.appointment is None:
            continue
        if now < t.appointment <= now + EARLY_CALL_MINUTES and (
            best is None or (t.appointment, t.id) < (best.appointment or 0.0, best.id)
        ):
            best = t
    return best


class LoketPolicy:
    name = "loket"
    pooled = False

    def __init__(self, policy: DispatchPolicy | None = None) -> None:
        self.policy = policy or DispatchPolicy()

    def prepare(self, clerks: list[SimClerk], load: Mapping[str, float]) -> None:
        for c in clerks:
            c.ctx = CounterContext(c.id, dict(c.skills))

    def choose(
        self, clerk: SimClerk, waiting: Iterable[SimTicket], now: float, view: SimView
    ) -> SimTicket | None:
        tickets = {t.id: t for t in waiting}
        if not tickets:
            return None
        assert clerk.ctx is not None
        # The simulator gives every ticket its WaitingTicket when it arrives.
        wts = [t.wt for t in tickets.values() if t.wt is not None]
        decision = choose_next(clerk.ctx, wts, view.to_datetime(now), self.policy)
        return None if decision is None else tickets[decision.ticket_id]


class LongestWaitPolicy:
    name = "longest_wait"
    pooled = False

    def prepare(self, clerks: list[SimClerk], load: Mapping[str, float]) -> None:
        pass

    def choose(
        self, clerk: SimClerk, waiting: Iterable[SimTicket], now: float, view: SimView
    ) -> SimTicket | None:
        waiting = list(waiting)
        best = None
        for t in waiting:
            if t.service not in clerk.skills or not _callable(t, now):
                continue
            if best is None or (t.clock_start, t.id) < (best.clock_start, best.id):
                best = t
        return best if best is not None else _early(clerk, waiting, now)


class PooledPolicy(LongestWaitPolicy):
    """Every clerk serves everything, one FIFO queue: a reference, not a bound."""

    name = "pooled"
    pooled = True


class PriorityAgingPolicy:
    name = "priority_aging"
    pooled = False

    def __init__(
        self,
        appointment_level: float = 2.0,
        walk_in_level: float = 1.0,
        aging_minutes: float = 10.0,
    ) -> None:
        self.levels = {"appointment": appointment_level, "walk_in": walk_in_level}
        self.aging = aging_minutes

    def prepare(self, clerks: list[SimClerk], load: Mapping[str, float]) -> None:
        pass

    def choose(
        self, clerk: SimClerk, waiting: Iterable[SimTicket], now: float, view: SimView
    ) -> SimTicket | None:
        waiting = list(waiting)
        best, best_key = None, None
        for t in waiting:
            if t.service not in clerk.skills or not _callable(t, now):
                continue
            score = self.levels[t.kind] + (now - t.clock_start) / self.aging
            key = (-score, t.clock_start, t.id)
            if best_key is None or key < best_key:
                best, best_key = t, key
        return best if best is not None else _early(clerk, waiting, now)


class FixedCounterPolicy:
    name = "fixed"
    pooled = False

    def prepare(self, clerks: list[SimClerk], load: Mapping[str, float]) -> None:
        # Greedy balancing: biggest service first, to the least loaded clerk who has
        # the skill; clerks with a heavy load share a service with nobody else.
        assigned: dict[str, float] = {c.id: 0.0 for c in clerks}
        homes: dict[str, set[str]] = {c.id: set() for c in clerks}
        for service, lo in sorted(load.items(), key=lambda kv: (-kv[1], kv[0])):
            skilled = [c for c in clerks if service in c.skills]
            if not skilled:
                continue
            c = min(skilled, key=lambda c: (assigned[c.id], c.id))
            homes[c.id].add(service)
            assigned[c.id] += lo
        for c in clerks:
            c.home = frozenset(homes[c.id])

    def choose(
        self, clerk: SimClerk, waiting: Iterable[SimTicket], now: float, view: SimView
    ) -> SimTicket | None:
        waiting = list(waiting)
        covered: set[str] = set()
        for other in view.clerks:
            if other.on_duty:
                covered |= other.home
        best, best_key = None, None
        for t in waiting:
            if t.service not in clerk.skills or not _callable(t, now):
                continue
            own = t.service in clerk.home
            if not own and t.service in covered:
                continue
            key = (0 if own else 1, t.clock_start, t.id)
            if best_key is None or key < best_key:
                best, best_key = t, key
        if best is not None:
            return best
        early = _early(clerk, waiting, now)
        if early is not None and (early.service in clerk.home or early.service not in covered):
            return early
        return None


# Each policy registers a factory under its name: the simulator, the benchmark and
# ``loket simulate --policy`` find it here, so a new policy is one class and one
# decorated factory in this module (or any module imported before the run).
PolicyFactory = Callable[[float, float], Policy]  # (target_minutes, limit_minutes)
_FACTORIES: dict[str, PolicyFactory] = {}


def register_policy(name: str) -> Callable[[PolicyFactory], PolicyFactory]:
    def add(factory: PolicyFactory) -> PolicyFactory:
        if name in _FACTORIES:
            raise ValueError(f"policy {name!r} is registered twice")
        _FACTORIES[name] = factory
        return factory

    return add


@register_policy("loket")
def _loket(target_minutes: float, limit_minutes: float) -> Policy:
    return LoketPolicy(
        DispatchPolicy(
            target=timedelta(minutes=target_minutes), limit=timedelta(minutes=limit_minutes)
        )
    )


@register_policy("fixed")
def _fixed(_target: float, _limit: float) -> Policy:
    return FixedCounterPolicy()


@register_policy("longest_wait")
def _longest_wait(_target: float, _limit: float) -> Policy:
    return LongestWaitPolicy()


@register_policy("priority_aging")
def _priority_aging(_target: float, _limit: float) -> Policy:
    return PriorityAgingPolicy()


@register_policy("pooled")
def _pooled(_target: float, _limit: float) -> Policy:
    return PooledPolicy()


def policy_names() -> tuple[str, ...]:
    return tuple(_FACTORIES)


def make_policy(name: str, target_minutes: float = 5.0, limit_minutes: float = 10.0) -> Policy:
    factory = _FACTORIES.get(name)
    if factory is None:
        raise ValueError(f"unknown policy {name!r}; choose from {', '.join(_FACTORIES)}")
    return factory(target_minutes, limit_minutes)


POLICIES = policy_names()  # the shipped ones, in the order the reports list them
