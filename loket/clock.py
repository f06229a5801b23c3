"""The one source of "now" for Loket.

A clock that can be set (``--now``, ``LOKET_NOW``) lets training sessions, scripts and
tests run a day at any hour. A set clock keeps running from the given moment, so a
demo started "at 09:00" still sees time pass.

Time zone: stored and shown times are wall-clock times in the *municipality's* zone
(``[municipality] time_zone``), not the PC's: a kiosk whose PC runs on UTC says the same
"open until 16:30" as one on Europe/Amsterdam. ``Loket`` gives its clock the zone from
the database (``municipality_zone``) and reads it again every ten minutes, so a changed
setting reaches running PCs without a restart. Until a zone is known (a database not yet
configured) the PC's own zone is used.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from loket.errors import DomainError, Refused

if TYPE_CHECKING:
    from loket.db import Database

ZONE_REFRESH_SECONDS = 600.0


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


def parse_day(text: str) -> date:
    """Parse a date as given on the command line, with a Dutch message when it is not one."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise Refused(
            f"'{text}' is geen datum die bestaat. Schrijf de datum zo: 2026-11-24.", code="date"
        ) from exc


class Clock:
    """Wall-clock time in the municipality's zone, optionally started at a chosen moment."""

    def __init__(
        self,
        start: datetime | None = None,
        *,
        frozen: bool = False,
        monotonic: Callable[[], float] = time.monotonic,
        zone: tzinfo | None = None,
        wall: Callable[[tzinfo | None], datetime] = datetime.now,
    ) -> None:
        self._monotonic = monotonic
        self._start = start
        self._frozen = frozen
        self._origin = monotonic()
        self._wall = wall
        self.zone = zone
        self._zone_checked: float | None = None

    def zone_due(self) -> bool:
        """True when the municipality's zone should be (re)read from the database."""
        if self._start is not None:
            return False  # a set clock is already in the municipality's wall-clock time
        checked = self._zone_checked
        return checked is None or self._monotonic() - checked > ZONE_REFRESH_SECONDS

    def use_zone(self, zone: tzinfo | None) -> None:
        if zone is not None:
            self.zone = zone
        self._zone_checked = self._monotonic()

    def now(self) -> datetime:
        # Whole seconds: every time shown or stored in the queue is to the second.
        if self._start is None:
            if self.zone is None:
                return self._wall(None).replace(microsecond=0)
            return self._wall(self.zone).replace(tzinfo=None, microsecond=0)
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


def municipality_zone(db: Database) -> tzinfo | None:
    """The configured zone, or None when the database has none (yet)."""
    from sqlalchemy import text
    from sqlalchemy.exc import SQLAlchemyError

    try:
        with db.engine.connect() as conn:
            name = conn.execute(text("SELECT time_zone FROM municipality LIMIT 1")).scalar()
    except SQLAlchemyError:
        return None  # not migrated or configured yet; the role's start-up says so
    if not name:
        return None
    try:
        return ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        return None
