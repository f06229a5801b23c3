"""The counter workstation and reception: the clerk's overview, the visitor card, follow-up
bookings, counter status and alerts (logic in loket.desk, loket.alerts).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from loket import appointments, tickets
from loket.services.base import BookingDetails, ServiceBase
from loket.tickets import Context
from loket.views import AppointmentView

if TYPE_CHECKING:  # loaded lazily, inside the methods below
    from typing_extensions import Unpack

    from loket.alerts import CounterState
    from loket.desk import CounterOverview, Visitor


class DeskService(ServiceBase):
    def counter_overview(self, branch: str, counter: int) -> CounterOverview:
        """The queues this counter serves, and the visitor at it (``loket.desk``)."""
        from loket import desk

        self.require("serve")

        def run(session: Session) -> desk.CounterOverview:
            b = tickets.get_branch(session, branch)
            return desk.overview(
                session,
                b,
                tickets.get_counter(session, b, counter),
                self.actor.staff_id,
                self.now(),
            )

        return self._read(run)

    def visitor(self, branch: str, number: str) -> Visitor:
        """Name, service, notes and what to bring of the visitor behind a ticket."""
        from loket import desk

        self.require("serve")
        return self._read(
            lambda s: desk.Visitor.of(
                tickets.find_ticket(s, tickets.get_branch(s, branch), number, self.now().date())
            )
        )

    def book_follow_up(
        self,
        branch: str,
        service: str,
        start: datetime,
        *,
        name: str,
        follow_up_of: str | None = None,
        **details: Unpack[BookingDetails],
    ) -> AppointmentView:
        """Book an appointment, optionally as follow-up of the appointment ``follow_up_of``
        (a reference); details as ``book_appointment``."""
        self._ensure_plans(start.date())

        def run(session: Session, ctx: Context) -> AppointmentView:
            previous = (
                appointments.get_by_reference(session, follow_up_of) if follow_up_of else None
            )
            a = appointments.book(
                session,
                ctx,
                tickets.get_branch(session, branch),
                tickets.get_service(session, service),
                start,
                name=name,
                follow_up_of=previous,
                **details,
            )
            code, short = appointments.make_codes(session, a, ctx.now)
            return AppointmentView.of(a, code, short)

        return self._write(run, "book")

    def set_counter_status(self, branch: str, counter: int, status: str) -> str:
        from loket import alerts

        def run(session: Session, ctx: Context) -> str:
            b = tickets.get_branch(session, branch)
            return alerts.set_status(
                session, ctx, b, tickets.get_counter(session, b, counter), status
            )

        return self._write(run, "serve")

    def raise_counter_alert(self, branch: str, counter: int) -> int:
        """Aggression protocol: a colleague is needed at this counter now."""
        from loket import alerts

        def run(session: Session, ctx: Context) -> int:
            b = tickets.get_branch(session, branch)
            return alerts.raise_counter_alert(
                session, ctx, b, tickets.get_counter(session, b, counter)
            )

        # Any logged-in staff member may ask for help; no permission stands in the way.
        return self._write(run)

    def clear_alert(self, branch: str, counter: int) -> None:
        from loket import alerts

        def run(session: Session, ctx: Context) -> None:
            b = tickets.get_branch(session, branch)
            alerts.clear_alert(session, ctx, b, tickets.get_counter(session, b, counter))

        self._write(run)

    def counter_states(self, branch: str) -> list[CounterState]:
        from loket import alerts

        self.require("monitor")
        return self._read(
            lambda s: alerts.counter_states(s, tickets.get_branch(s, branch), self.now())
        )
