"""The code-guessing throttle, kept in the database (table ``code_throttle``).

Someone typing made-up codes at a kiosk is slowed down per kiosk and per branch: a few
free failures within the window, then a wait that doubles with each further failure
(the rule of ``codes.FailedAttemptThrottle``). The counts live in the database, so
restarting the kiosk program or using another process does not start afresh, and
kiosks in one branch share the branch's count. When a count first passes its free
failures, staff get an alert (event ``alert.code_guessing``).

Time is the services' clock (``ctx.now``), like everything else in the queue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from loket.models import Branch, CodeThrottle
from loket.tickets import Context


@dataclass(frozen=True)
class Rule:
    free_failures: int
    window: timedelta
    base_delay: float = 2.0
    max_delay: float = 120.0

    def wait(self, row: CodeThrottle | None, now: datetime) -> float:
        if row is None or now - row.first_at > self.window:
            return 0.0
        excess = row.failures - self.free_failures
        if excess < 0:
            return 0.0
        delay = min(self.max_delay, self.base_delay * 2.0 ** min(excess, 64))
        return max(0.0, (row.last_at - now).total_seconds() + delay)


KIOSK_RULE = Rule(free_failures=5, window=timedelta(minutes=10))
# Several kiosks in one hall, and honest typing mistakes add up: a wider margin.
BRANCH_RULE = Rule(free_failures=20, window=timedelta(minutes=10))


def _scopes(ctx: Context, branch: Branch | None) -> list[tuple[str, Rule]]:
    scopes = [(f"kiosk:{ctx.actor.workstation[:70]}", KIOSK_RULE)]
    if branch is not None:
        scopes.append((f"branch:{branch.id}", BRANCH_RULE))
    return scopes


def seconds_to_wait(session: Session, ctx: Context, branch: Branch | None) -> float:
    """How long this kiosk must wait before it may try a code again; 0 if not."""
    return max(
        rule.wait(session.get(CodeThrottle, scope), ctx.now) for scope, rule in _scopes(ctx, branch)
    )


def record_failure(session: Session, ctx: Context, branch: Branch | None) -> None:
    """Count a wrong code; the first time a count passes its limit, alert staff."""
    from loket import display

    for scope, rule in _scopes(ctx, branch):
        row = session.get(CodeThrottle, scope, with_for_update=True)
        if row is None:
            row = CodeThrottle(
                scope=scope, failures=0, first_at=ctx.now, last_at=ctx.now, alerted=False
            )
            session.add(row)
        elif ctx.now - row.first_at > rule.window:
            row.failures, row.first_at, row.alerted = 0, ctx.now, False
        row.failures += 1
        row.last_at = ctx.now
        if row.failures > rule.free_failures and not row.alerted:
            row.alerted = True
            display.raise_device_alert(
                session,
                ctx,
                "code_guessing",
                branch,
                {"scope": scope.split(":", 1)[0], "failures": row.failures},
            )
        session.flush()


def record_success(session: Session, ctx: Context) -> None:
    """A real, unused appointment checked in: this kiosk's count starts again (an
    attacker cannot buy resets). The branch's count runs out with its window."""
    scope = _scopes(ctx, None)[0][0]
    session.execute(delete(CodeThrottle).where(CodeThrottle.scope == scope))
