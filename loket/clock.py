"""The one source of "now" for Loket.

A clock that can be set (``--now``, ``LOKET_NOW``) lets training sessions, scripts and
tests run a day at any hour. A set clock keeps running from the given moment, so a
demo started "at 09:00" still sees time pass.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from loket.errors import DomainError


def parse_moment(text: str) -> datetime:
    """Parse an ISO time as given on the command line; local wall-clock, no zone."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise DomainError(
            f"Tijd '{text}' is niet te lezen. Gebruik bijvoorbeeld 2026-11-24T09:00."
        ) from exc
    if moment.tzinfo is not None:
        # Stored times are local wall-clock (docs/architecture.md, "Time").
        moment = moment.astimezone().replace(tzinfo=None)
    return moment


class Clock:
    """Local wall-clock time, optionally started at a chosen moment."""

    def __init__(
        self,
        start: datetime | None = None,
        *,
        frozen: bool = False,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._monotonic = monotonic
        self._start = start
        self._frozen = frozen
        self._origin = monotonic()

    def now(self) -> datetime:
        # Whole seconds: every time shown or stored in the queue is to the second.
        if self._start is None:
            return datetime.now().replace(microsecond=0)
        if self._frozen:
            return self._start.replace(microsecond=0)
        moment = self._start + timedelta(seconds=self._monotonic() - self._origin)
        return moment.replace(microsecond=0)

    def set(self, moment: datetime) -> None:
        self._start = moment
        self._origin = self._monotonic()

    def advance(self, delta: timedelta) -> None:
        """Move a set clock forward (tests and training)."""
        self.set(self.now() + delta)

    @property
    def is_set(self) -> bool:
        return self._start is not None

    @classmethod
    def from_env(cls, override: str | None = None, *, frozen: bool = False) -> Clock:
        """``--now`` or ``LOKET_NOW``; a one-shot command freezes it at that moment."""
        text = override or os.environ.get("LOKET_NOW")
        return cls(parse_moment(text), frozen=frozen) if text else cls()
