"""The live "call next" policies, by name: the municipality picks one in its file.

``[municipality] dispatch_policy = "loket"`` (the default) is the norm-aware dispatcher
of ``scheduler.dispatch``; ``"longest_wait"`` calls, among the tickets this counter may
serve, the one waiting longest (what most queue systems do). A new policy is one
function decorated with ``@register_policy("name")``: the configuration accepts the name
from then on (``loket.config_schema`` reads ``LIVE_POLICIES``), and the simulator's
baselines live apart in ``scheduler.policies``.

This module imports nothing from the database layer, so the configuration can list the
names without loading the models.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from scheduler.dispatch import (
    APPOINTMENT,
    CounterContext,
    Decision,
    DispatchPolicy,
    WaitingTicket,
    choose_next,
    clock_starts,
)

LivePolicy = Callable[
    [CounterContext, Sequence[WaitingTicket], datetime, DispatchPolicy], Decision | None
]
"""``(counter, waiting, now, rules)`` -> the ticket to call now, or None."""

LIVE_POLICIES: dict[str, LivePolicy] = {}
# The clerk's line for a "longest_wait" pick (as ``scheduler.dispatch.REASONS``).
LONGEST_WAIT_REASON = "{number}: {mins} min wachten, langst wachtend"
DEFAULT = "loket"


def register_policy(name: str) -> Callable[[LivePolicy], LivePolicy]:
    def register(policy: LivePolicy) -> LivePolicy:
        LIVE_POLICIES[name] = policy
        return policy

    return register


def live_policy(name: str) -> LivePolicy:
    """The policy called ``name``; an unknown name (an old database) falls back to the
    default, so a counter can always call."""
    return LIVE_POLICIES.get(name, LIVE_POLICIES[DEFAULT])


@register_policy("loket")
def _loket(
    counter: CounterContext, waiting: Sequence[WaitingTicket], now: datetime, rules: DispatchPolicy
) -> Decision | None:
    return choose_next(counter, waiting, now, rules)


@register_policy("longest_wait")
def _longest_wait(
    counter: CounterContext, waiting: Sequence[WaitingTicket], now: datetime, rules: DispatchPolicy
) -> Decision | None:
    servable = [
        t
        for t in waiting
        if t.service in counter.services
        and (counter.can_assist or not t.needs_assistance)
        and not (t.kind == APPOINTMENT and t.appointment_time and t.appointment_time > now)
    ]
    if not servable:
        return None
    first = min(servable, key=lambda t: (clock_starts(t), t.number, str(t.id)))
    wait = max(timedelta(0), now - clock_starts(first))
    minutes = int(wait.total_seconds() // 60)
    return Decision(
        first.id,
        LONGEST_WAIT_REASON.format(number=first.number, mins=minutes),
        {"wait_s": wait.total_seconds()},
    )
