"""What every area's services share: one transaction per method, the acting person or
device, the one permission check, and the day plans booking depends on.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Self, TypedDict, TypeVar

from sqlalchemy.orm import Session

from loket import staff
from loket.clock import Clock, municipality_zone
from loket.db import Database
from loket.errors import PermissionDenied
from loket.events import Actor
from loket.tickets import Context

if TYPE_CHECKING:  # loaded lazily, inside the methods below
    from loket.plan_service import PlanService


class BookingDetails(TypedDict, total=False):
    """The optional details of a booking (``loket.appointments.book``)."""

    email: str | None
    phone: str | None
    notes: str | None
    channel: str
    call_by_name: bool
    needs_assistance: bool
    language: str  # of the letter, e-mail and .ics (loket.language)


T = TypeVar("T")


class ServiceBase:
    """Plumbing for the area services; ``loket.services.Loket`` composes them."""

    def __init__(
        self,
        db: Database,
        clock: Clock | None = None,
        actor: Actor | None = None,
    ) -> None:
        self.db = db
        self.clock = clock or Clock()
        self.actor = actor or Actor()

    def now(self) -> datetime:
        self._zone_fresh()
        return self.clock.now()

    def _zone_fresh(self) -> None:
        if self.clock.zone_due():  # the municipality's zone, not the PC's (loket/clock.py)
            self.clock.use_zone(municipality_zone(self.db))

    def _ctx(self) -> Context:
        return Context(now=self.now(), actor=self.actor)

    def _write(self, fn: Callable[[Session, Context], T], action: str | None = None) -> T:
        if action is not None:
            self.require(action)
        # The zone is read before the transaction, not on a second connection inside it
        # (one connection per PC: docs/architecture.md, "Connection budget").
        self._zone_fresh()
        with self.db.write() as session:
            return fn(session, self._ctx())

    def _read(self, fn: Callable[[Session], T]) -> T:
        self._zone_fresh()  # see _write
        with self.db.read() as session:
            return fn(session)

    def as_actor(self, actor: Actor) -> Self:
        """The same services acting for someone else (a logged-in clerk, a kiosk)."""
        return type(self)(self.db, self.clock, actor)

    def as_device(self, workstation: str, role: str) -> Self:
        """The services acting as a public device: ``role`` is "kiosk" or "display"."""
        return self.as_actor(Actor(workstation, roles=frozenset({role})))

    def require(self, action: str) -> None:
        """``PermissionDenied`` (plain Dutch) unless this actor may do ``action``.

        The one permission check: service methods call it (directly or through
        ``_write(fn, action)``), UIs call it or ``may`` to show only what is allowed.
        """
        staff.require(self.actor, action)

    def may(self, action: str) -> bool:
        try:
            self.require(action)
        except PermissionDenied:
            return False
        return True

    @property
    def planning(self) -> PlanService:
        """Stored day plans, absences, booking slots (logic in loket.plan_service)."""
        from loket.plan_service import PlanService

        return PlanService(self)

    def _ensure_plans(self, *days: date) -> None:
        # Booking capacity comes from the day's plan; build it first, outside the write.
        for day in sorted(set(days)):
            if day >= self.now().date():
                self.planning.ensure(day)
