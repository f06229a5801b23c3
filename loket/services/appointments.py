"""Appointments: booking, check-in at the kiosk or reception, cancelling, confirmations by
letter and e-mail, and imports (logic in loket.appointments).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from loket import appointments, check_in_wait, codes, tickets
from loket.language import pick
from loket.models import Appointment, Branch
from loket.services.base import BookingDetails, ServiceBase
from loket.tickets import Context
from loket.views import AppointmentView, TicketView

if TYPE_CHECKING:  # loaded lazily, inside the methods below
    from typing_extensions import Unpack

    from loket.appointment_calendar import CalendarAppointment
    from loket.confirmations import Confirmation
    from loket.imports import ImportReport
    from loket.mailer import SmtpSettings


class AppointmentService(ServiceBase):
    def book_appointment(
        self,
        branch: str,
        service: str,
        start: datetime,
        *,
        name: str,
        **details: Unpack[BookingDetails],
    ) -> AppointmentView:
        self._ensure_plans(start.date())

        def run(session: Session, ctx: Context) -> AppointmentView:
            a = appointments.book(
                session,
                ctx,
                tickets.get_branch(session, branch),
                tickets.get_service(session, service),
                start,
                name=name,
                **details,
            )
            code, short = appointments.make_codes(session, a, ctx.now)
            return AppointmentView.of(a, code, short)

        return self._write(run, "book")

    def appointment(self, reference: str) -> AppointmentView:
        def run(session: Session) -> AppointmentView:
            a = appointments.get_by_reference(session, reference)
            code, short = appointments.make_codes(session, a, self.now())
            return AppointmentView.of(a, code, short)

        return self._write(lambda s, _c: run(s), "book")

    def appointment_details(self, reference: str) -> CalendarAppointment:
        from loket import appointment_calendar

        self.require("book")
        return self._read(
            lambda s: appointment_calendar.CalendarAppointment.of_details(
                appointments.get_by_reference(s, reference)
            )
        )

    def cancel_appointment(self, reference: str) -> AppointmentView:
        return self._write(
            lambda s, c: AppointmentView.of(
                appointments.cancel(s, c, appointments.get_by_reference(s, reference))
            ),
            "book",
        )

    def check_in(self, code: str, branch: str | None = None) -> tuple[TicketView, str]:
        """Check in with a scanned code or a typed short code (kiosk, reception).

        Wrong codes are counted in the database per kiosk and branch (loket.throttle)."""
        from loket import throttle

        self.require("check_in")

        def where(session: Session) -> Branch | None:
            return tickets.get_branch(session, branch) if branch else None

        wait = self._write(lambda s, c: throttle.seconds_to_wait(s, c, where(s)))
        if wait > 0:
            raise codes.CodeTooManyAttempts(wait)
        now = self.now()
        predicted = check_in_wait.predicted(
            self.db, now, lambda s: appointments.resolve_code(s, code, now, lock=False)
        )
        check_in = self._check_in(
            lambda s, c: appointments.resolve_code(s, code, c.now), branch, predicted
        )

        def run(session: Session, ctx: Context) -> tuple[TicketView, str]:
            result = check_in(session, ctx)
            throttle.record_success(session, ctx)
            return result

        try:
            return check_in_wait.with_note(self._write(run, "check_in"), predicted)
        except (codes.CodeInvalid, codes.CodeUnreadable):
            self._write(lambda s, c: throttle.record_failure(s, c, where(s)))
            raise

    def check_in_reference(
        self, reference: str, branch: str | None = None, *, early_ok: bool = False
    ) -> tuple[TicketView, str]:
        """Check in by reference (reception). ``early_ok``: the receptionist lets the
        visitor in before the check-in window opens; the event records it."""
        if early_ok:
            self.require("let_in")  # reception or a team leader, not a kiosk
        self.require("check_in")
        predicted = check_in_wait.predicted(
            self.db, self.now(), lambda s: appointments.get_by_reference(s, reference, lock=False)
        )
        run = self._check_in(
            lambda s, _c: appointments.get_by_reference(s, reference), branch, predicted, early_ok
        )
        return check_in_wait.with_note(self._write(run, "check_in"), predicted)

    @staticmethod
    def _check_in(
        find: Callable[[Session, Context], Appointment],
        branch: str | None,
        predicted: check_in_wait.LivePrediction | None = None,
        early_ok: bool = False,
    ) -> Callable[[Session, Context], tuple[TicketView, str]]:
        def run(session: Session, ctx: Context) -> tuple[TicketView, str]:
            b = tickets.get_branch(session, branch) if branch else None
            ticket, message = appointments.check_in(
                session, ctx, find(session, ctx), branch=b, predicted=predicted, early_ok=early_ok
            )
            return TicketView.of(ticket), message

        return run

    def expire_missed_appointments(self) -> int:
        return self._write(appointments.expire_missed, "manage_queue")

    def confirmation(self, reference: str) -> Confirmation:
        """Everything a confirmation letter or e-mail says (``loket.confirmations``)."""
        from loket.confirmations import Confirmation

        def run(session: Session, ctx: Context) -> Confirmation:
            a = appointments.get_by_reference(session, reference)
            code, short = appointments.make_codes(session, a, ctx.now)
            muni = tickets.settings(session)
            return Confirmation(
                municipality=muni.name,
                reference=a.reference,
                code=code,
                short_code=short,
                service_name=a.service.name(a.language),
                bring=pick(a.service.bring_text, a.language),
                start=a.start,
                duration_minutes=a.duration_minutes,
                branch_name=a.branch.name,
                address=a.branch.address,
                name=a.name,
                info_line=pick(muni.info_line_text, a.language),
                language=a.language,
                phone=muni.phone,
                website=muni.website,
            )

        # A write: the first code of a new database creates its signing key.
        return self._write(run, "book")

    def confirmation_pdf(self, reference: str) -> bytes:
        from loket.confirmations import letter_pdf

        return letter_pdf(self.confirmation(reference))

    def email_confirmation(self, reference: str, smtp: SmtpSettings, to: str | None = None) -> str:
        """Mail the letter (PDF) and an .ics to the appointment's address; returns it."""
        from loket import mailer
        from loket.confirmations import ics, letter_pdf
        from loket.errors import Refused

        conf = self.confirmation(reference)
        address = to or self.appointment_details(reference).email
        if not address:
            raise Refused(
                "Bij deze afspraak staat geen e-mailadres. Vul het adres in of print de brief.",
                code="no_email",
            )
        message = mailer.build_message(
            conf, address, smtp.sender, letter_pdf(conf), ics(conf, self.now())
        )
        mailer.send(smtp, message)

        def record(session: Session, ctx: Context) -> None:
            from loket import events

            a = appointments.get_by_reference(session, reference)
            # The fact that a confirmation went out; never the address itself.
            events.append(
                session,
                at=ctx.now,
                kind="appointment.confirmation_sent",
                actor=ctx.actor,
                branch_id=a.branch_id,
                appointment_id=a.id,
                data={"reference": a.reference, "by": "email"},
            )

        self._write(record, "book")
        return address

    def import_appointments(
        self, data: bytes | str, kind: str, default_branch: str | None = None
    ) -> ImportReport:
        """Book appointments from a CSV or iCalendar file; returns the report per row."""
        from loket import imports

        text = imports.decode(data) if kind == "csv" else ""
        rows = imports.read_csv(text) if kind == "csv" else imports.read_ics(data)
        self._ensure_plans(*(r.start.date() for r in rows if r.start is not None))

        def run(session: Session, ctx: Context) -> imports.ImportReport:
            b = tickets.get_branch(session, default_branch) if default_branch else None
            report = imports.import_rows(session, ctx, rows, b)
            warning = imports.count_check(text, rows) if kind == "csv" else None
            if warning:
                report.warnings.append(warning)
            return report

        return self._write(run, "book")
