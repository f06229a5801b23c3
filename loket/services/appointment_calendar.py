"""Reception's appointment calendar: day and week plans with free places, moving an
appointment, closing a day and extra sessions (logic in loket.appointment_calendar).
"""

from __future__ import annotations

from datetime import date, datetime
from datetime import time as TimeOfDay
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from loket import appointments, tickets
from loket.services.base import ServiceBase
from loket.tickets import Context
from loket.views import AppointmentView

if TYPE_CHECKING:  # loaded lazily, inside the methods below
    from loket.appointment_calendar import CalendarAppointment, DayChange, DayPlan, SpecialDay


class CalendarService(ServiceBase):
    def day_plan(self, branch: str, service: str, day: date) -> DayPlan:
        from loket import appointment_calendar

        self.require("book")
        self._ensure_plans(day)
        return self._read(
            lambda s: appointment_calendar.day_plan(
                s, tickets.get_branch(s, branch), tickets.get_service(s, service), day, self.now()
            )
        )

    def week_plan(self, branch: str, service: str, day: date) -> list[DayPlan]:
        from loket import appointment_calendar

        self.require("book")
        return self._read(
            lambda s: appointment_calendar.week_plan(
                s, tickets.get_branch(s, branch), tickets.get_service(s, service), day, self.now()
            )
        )

    def find_appointments_today(self, branch: str, query: str) -> list[CalendarAppointment]:
        """Today's appointments by name or reference, for check-in at reception."""
        from loket import appointment_calendar

        self.require("check_in")
        return self._read(
            lambda s: appointment_calendar.find_today(
                s, tickets.get_branch(s, branch), query, self.now()
            )
        )

    def reschedule_appointment(
        self, reference: str, start: datetime, service: str | None = None
    ) -> AppointmentView:
        from loket import appointment_calendar

        self._ensure_plans(start.date())

        def run(session: Session, ctx: Context) -> AppointmentView:
            a = appointment_calendar.reschedule(
                session,
                ctx,
                appointments.get_by_reference(session, reference),
                start,
                tickets.get_service(session, service) if service else None,
            )
            code, short = appointments.make_codes(session, a, ctx.now)
            return AppointmentView.of(a, code, short)

        return self._write(run, "book")

    def close_day(self, branch: str, day: date, reason: str) -> DayChange:
        from loket import appointment_calendar

        return self._write(
            lambda s, c: appointment_calendar.close_day(
                s, c, tickets.get_branch(s, branch), day, reason
            ),
            "manage_queue",
        )

    def add_session(
        self, branch: str, day: date, start: TimeOfDay, end: TimeOfDay, mode: str, reason: str
    ) -> DayChange:
        from loket import appointment_calendar
        from loket.models import PeriodMode

        return self._write(
            lambda s, c: appointment_calendar.add_session(
                s, c, tickets.get_branch(s, branch), day, start, end, PeriodMode(mode), reason
            ),
            "manage_queue",
        )

    def restore_day(self, branch: str, day: date) -> DayChange:
        from loket import appointment_calendar

        return self._write(
            lambda s, c: appointment_calendar.restore_day(s, c, tickets.get_branch(s, branch), day),
            "manage_queue",
        )

    def special_days(self, branch: str, days: int = 90) -> list[SpecialDay]:
        from loket import appointment_calendar

        return self._read(
            lambda s: appointment_calendar.special_days(
                tickets.get_branch(s, branch), self.now().date(), days
            )
        )
