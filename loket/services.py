"""Loket's services: the one entry point for the UIs and the CLI.

Each method is one transaction: it opens it, calls the engine, commits, and returns
plain views (``loket.views``). A ``DomainError`` rolls everything back.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from datetime import time as TimeOfDay
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from loket import appointments, codes, config, migrate, queue, staff
from loket.clock import Clock, municipality_zone
from loket.config_schema import MUNICIPALITY
from loket.db import Database
from loket.display import BranchStatus, DisplayState
from loket.errors import NotFound, PermissionDenied
from loket.events import Actor, EventRecord, event_record
from loket.feed import EventFeed, open_feed
from loket.keys import KeyService
from loket.models import (
    Appointment,
    Branch,
    BranchService,
    Counter,
    Event,
    Service,
    Staff,
    Ticket,
)
from loket.queue import Context
from loket.staff import LoginFailed, StaffView
from loket.staff_admin import StaffAdmin
from loket.views import AppointmentView, BranchView, QueueSnapshot, ServiceView, TicketView

if TYPE_CHECKING:  # the staff PCs' modules load lazily, inside the methods below
    from typing_extensions import Unpack

    from loket.alerts import CounterState
    from loket.calendar import CalendarAppointment, DayChange, DayPlan, SpecialDay
    from loket.confirmations import Confirmation
    from loket.desk import CounterOverview, Visitor
    from loket.imports import ImportReport
    from loket.mailer import SmtpSettings
    from loket.monitor import BranchMonitor
    from loket.plan_service import PlanService
    from loket.privacy import PurgeReport
    from loket.reports.service import ReportService


class BookingDetails(TypedDict, total=False):
    """The optional details of a booking (``loket.appointments.book``)."""

    email: str | None
    phone: str | None
    notes: str | None
    channel: str
    call_by_name: bool
    needs_assistance: bool


T = TypeVar("T")


class Loket:
    def __init__(
        self,
        db: Database,
        clock: Clock | None = None,
        actor: Actor | None = None,
    ) -> None:
        self.db = db
        self.clock = clock or Clock()
        self.actor = actor or Actor()

    # -- plumbing ---------------------------------------------------------------

    def now(self) -> datetime:
        if self.clock.zone_due():  # the municipality's zone, not the PC's (loket/clock.py)
            self.clock.use_zone(municipality_zone(self.db))
        return self.clock.now()

    def _ctx(self) -> Context:
        return Context(now=self.now(), actor=self.actor)

    def _write(self, fn: Callable[[Session, Context], T], action: str | None = None) -> T:
        if action is not None:
            self.require(action)
        with self.db.write() as session:
            return fn(session, self._ctx())

    def _read(self, fn: Callable[[Session], T]) -> T:
        with self.db.read() as session:
            return fn(session)

    def as_actor(self, actor: Actor) -> Loket:
        """The same services acting for someone else (a logged-in clerk, a kiosk)."""
        return Loket(self.db, self.clock, actor)

    def as_device(self, workstation: str, role: str) -> Loket:
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

    # -- set-up -------------------------------------------------------------------

    def upgrade(self) -> None:
        migrate.upgrade(self.db)

    def apply_config(self, path: Path) -> config.ApplyReport:
        self.require("configure")
        spec = config.load_config(path)

        def run(session: Session, ctx: Context) -> config.ApplyReport:
            return config.apply_config(
                session, spec, appointments.card_key(session, ctx.now), ctx.now
            )

        return self._write(run, "configure")

    def show_config(self) -> dict[str, Any]:
        def run(session: Session) -> dict[str, Any]:
            muni = queue.settings(session)
            branches = session.scalars(select(Branch).order_by(Branch.code)).all()
            services = session.scalars(
                select(Service).where(Service.active).order_by(Service.code)
            ).all()
            offers = session.scalars(select(BranchService)).all()
            staff = session.scalars(select(Staff).where(Staff.active).order_by(Staff.code)).all()
            by_id = {b.id: b.code for b in branches}
            return {
                "municipality": {
                    column: getattr(muni, column) for column in MUNICIPALITY.column_names()
                },
                "branches": [
                    {
                        **BranchView.of(b).__dict__,
                        "hours": [
                            {
                                "weekday": p.weekday,
                                "from": f"{p.start:%H:%M}",
                                "to": f"{p.end:%H:%M}",
                                "mode": p.mode.value,
                            }
                            for p in b.periods
                        ],
                    }
                    for b in branches
                ],
                "services": [
                    {
                        **ServiceView.of(s).__dict__,
                        "branches": sorted(
                            by_id[o.branch_id] for o in offers if o.service_id == s.id
                        ),
                    }
                    for s in services
                ],
                "staff": [
                    {
                        "code": s.code,
                        "name": s.name,
                        "roles": s.roles,
                        "skills": sorted(k.service.code for k in s.skills),
                    }
                    for s in staff
                ],
            }

        return self._read(run)

    def smtp_settings(self) -> SmtpSettings | None:
        """The municipality's mail server for confirmations, or None when not set."""
        from loket.mailer import SmtpSettings

        def run(session: Session) -> SmtpSettings | None:
            data = queue.settings(session).smtp
            return SmtpSettings(**data) if data else None

        return self._read(run)

    # -- reference data -------------------------------------------------------------

    def branches(self) -> list[BranchView]:
        return self._read(
            lambda s: [BranchView.of(b) for b in s.scalars(select(Branch).order_by(Branch.id))]
        )

    def services_at(self, branch_code: str) -> list[ServiceView]:
        def run(session: Session) -> list[ServiceView]:
            branch = queue.get_branch(session, branch_code)
            rows = session.execute(
                select(Service, BranchService)
                .join(BranchService, BranchService.service_id == Service.id)
                .where(BranchService.branch_id == branch.id, Service.active)
                .order_by(Service.prefix)
            )
            return [ServiceView.of(s, o.walk_in, o.appointment) for s, o in rows]

        return self._read(run)

    # -- queue ------------------------------------------------------------------------

    def issue_ticket(
        self, branch: str, service: str, *, needs_assistance: bool = False, let_in: bool = False
    ) -> TicketView:
        """A walk-in number; ``let_in`` (reception, team leader) during appointment-only
        hours. The wait is predicted in a read transaction first, so the write lock is
        held only for the insert."""
        from dataclasses import replace

        from loket.dispatch import predict_live

        self.require("let_in" if let_in else "issue_ticket")
        now = self.now()
        predicted = self._read(
            lambda s: predict_live(
                s, queue.get_branch(s, branch).id, queue.get_service(s, service).code, now
            )
        )

        def run(session: Session, ctx: Context) -> TicketView:
            ticket = queue.issue_walk_in(
                session,
                ctx,
                queue.get_branch(session, branch),
                queue.get_service(session, service),
                needs_assistance=needs_assistance,
                let_in=let_in,
                predicted=predicted,
            )
            return TicketView.of(ticket)

        view = self._write(run, "issue_ticket")
        return replace(view, wait_note=predicted.note) if view.status == "waiting" else view

    def call_next(self, branch: str, counter: int) -> TicketView | None:
        return self.call_next_or_why(branch, counter)[0]

    def call_next_or_why(self, branch: str, counter: int) -> tuple[TicketView | None, str]:
        """The called ticket and why it was chosen, or None and why nobody was called."""

        def run(session: Session, ctx: Context) -> tuple[TicketView | None, str]:
            b = queue.get_branch(session, branch)
            ticket, reason = queue.call_next(
                session, ctx, b, queue.get_counter(session, b, counter)
            )
            return (TicketView.of(ticket, reason) if ticket else None), reason

        return self._write(run, "serve")

    def call_ticket(self, branch: str, counter: int, number: str, reason: str) -> TicketView:
        def run(session: Session, ctx: Context) -> TicketView:
            b = queue.get_branch(session, branch)
            ticket = queue.find_ticket(session, b, number, ctx.now.date())
            called = queue.call_ticket(
                session, ctx, ticket, queue.get_counter(session, b, counter), reason
            )
            return TicketView.of(called, queue.CALL_REASONS[queue.call_reason(reason)])

        return self._write(run, "serve")

    def _on_ticket(
        self,
        branch: str,
        number: str,
        action: Callable[[Session, Context, Ticket], Ticket],
        permission: str = "serve",
    ) -> TicketView:
        def run(session: Session, ctx: Context) -> TicketView:
            b = queue.get_branch(session, branch)
            return TicketView.of(
                action(session, ctx, queue.find_ticket(session, b, number, ctx.now.date()))
            )

        return self._write(run, permission)

    def recall(self, branch: str, number: str) -> TicketView:
        return self._on_ticket(branch, number, queue.recall)

    def start(self, branch: str, number: str) -> TicketView:
        return self._on_ticket(branch, number, queue.start)

    def finish(self, branch: str, number: str, outcome: str = "helped") -> TicketView:
        return self._on_ticket(branch, number, lambda s, c, t: queue.finish(s, c, t, outcome))

    def no_show(self, branch: str, number: str) -> TicketView:
        return self._on_ticket(branch, number, queue.no_show)

    def park(self, branch: str, number: str, note: str = "") -> TicketView:
        return self._on_ticket(branch, number, lambda s, c, t: queue.park(s, c, t, note))

    def cancel_ticket(self, branch: str, number: str) -> TicketView:
        if staff.SYSTEM in self.actor.roles or "counter" in self.actor.roles:
            return self._on_ticket(branch, number, queue.cancel)
        return self._on_ticket(branch, number, queue.cancel, "manage_queue")

    def transfer(
        self,
        branch: str,
        number: str,
        *,
        service: str | None = None,
        counter: int | None = None,
        note: str = "",
    ) -> TicketView:
        def action(session: Session, ctx: Context, ticket: Ticket) -> Ticket:
            b = ticket.branch
            return queue.transfer(
                session,
                ctx,
                ticket,
                service=queue.get_service(session, service) if service else None,
                counter=queue.get_counter(session, b, counter) if counter else None,
                note=note,
            )

        return self._on_ticket(branch, number, action)

    def snapshot(self, branch: str, day: date | None = None) -> QueueSnapshot:
        def run(session: Session) -> QueueSnapshot:
            now = self.now()
            b = queue.get_branch(session, branch)
            d = day or now.date()
            return QueueSnapshot(
                branch=b.code,
                branch_name=b.name,
                now=now,
                open_tickets=[TicketView.of(t) for t in queue.waiting_tickets(session, b, d)],
                recent_calls=[TicketView.of(t) for t in queue.recent_calls(session, b, d)],
                norm_minutes=queue.settings(session).wait_norm_minutes,
            )

        return self._read(run)

    # -- appointments --------------------------------------------------------------------

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
                queue.get_branch(session, branch),
                queue.get_service(session, service),
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
            return queue.get_branch(session, branch) if branch else None

        wait = self._write(lambda s, c: throttle.seconds_to_wait(s, c, where(s)))
        if wait > 0:
            raise codes.CodeTooManyAttempts(wait)
        check_in = self._check_in(lambda s, c: appointments.resolve_code(s, code, c.now), branch)

        def run(session: Session, ctx: Context) -> tuple[TicketView, str]:
            result = check_in(session, ctx)
            throttle.record_success(session, ctx)
            return result

        try:
            return self._write(run, "check_in")
        except (codes.CodeInvalid, codes.CodeUnreadable):
            self._write(lambda s, c: throttle.record_failure(s, c, where(s)))
            raise

    def check_in_reference(
        self, reference: str, branch: str | None = None
    ) -> tuple[TicketView, str]:
        run = self._check_in(lambda s, _c: appointments.get_by_reference(s, reference), branch)
        return self._write(run, "check_in")

    @staticmethod
    def _check_in(
        find: Callable[[Session, Context], Appointment], branch: str | None
    ) -> Callable[[Session, Context], tuple[TicketView, str]]:
        def run(session: Session, ctx: Context) -> tuple[TicketView, str]:
            b = queue.get_branch(session, branch) if branch else None
            ticket, message = appointments.check_in(session, ctx, find(session, ctx), branch=b)
            return TicketView.of(ticket), message

        return run

    def expire_missed_appointments(self) -> int:
        return self._write(appointments.expire_missed, "manage_queue")

    # -- planning -------------------------------------------------------------------------

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

    # -- staff --------------------------------------------------------------------------

    def _unlock_in_database(self) -> bool:
        """A kiosk on PostgreSQL cannot read ``staff``: the database checks the team
        leader's PIN or card (loket/hall.py)."""
        return not self.db.is_sqlite and bool(self.actor.roles & {"kiosk", "display"})

    def _unlock(self, fn: Callable[[Session, Context], StaffView | LoginFailed]) -> StaffView:
        outcome = self._write(fn)  # committed either way: the failure count counts
        if isinstance(outcome, LoginFailed):
            raise outcome
        return outcome

    def login_pin(self, code: str, pin: str) -> StaffView:
        """Log in with a PIN; a failed attempt is recorded even though it raises."""
        if self._unlock_in_database():
            from loket import hall

            return self._unlock(lambda s, c: hall.unlock_with_pin(s, c, code, pin))
        failure: LoginFailed | None = None
        with self.db.write() as session:
            try:
                return staff.login_pin(session, self._ctx(), code, pin)
            except LoginFailed as exc:
                failure = exc
        raise failure

    def login_card(self, uid: str | bytes) -> StaffView:
        if self._unlock_in_database():
            from loket import hall

            return self._unlock(lambda s, c: hall.unlock_with_card(s, c, uid))
        failure: LoginFailed | None = None
        with self.db.write() as session:
            ctx = self._ctx()
            try:
                return staff.login_card(session, ctx, uid, appointments.card_key(session, ctx.now))
            except LoginFailed as exc:
                failure = exc
        raise failure

    def logout(self, reason: str = "logout") -> None:
        self._write(lambda s, c: staff.logout(s, c, reason))

    @property
    def keys(self) -> KeyService:
        """Rotation of the code-signing keys (loket/keys.py)."""
        return KeyService(self)

    @property
    def staff_admin(self) -> StaffAdmin:
        """Enrolment: add staff, set a PIN, enrol a card, disable (loket/staff_admin.py)."""
        return StaffAdmin(self)

    # -- events ------------------------------------------------------------------------

    def open_feed(self, last_id: int | None = None) -> EventFeed:
        """The live event feed of this database, from ``last_id`` (None: from now on).

        Open it in the thread that reads it (an SQLite connection stays in its thread);
        ``close()`` it when done.
        """
        return open_feed(self.db.url, last_id)

    def events_after(self, last_id: int = 0, limit: int = 500) -> list[EventRecord]:
        from loket import limits

        limits.integer(last_id, "Het eventnummer")
        limits.integer(limit, "Het aantal", 1, 100_000)

        def run(session: Session) -> list[EventRecord]:
            rows = session.scalars(
                select(Event).where(Event.id > last_id).order_by(Event.id).limit(limit)
            )
            return [event_record(e) for e in rows]

        return self._read(run)

    def counter_numbers(self, branch: str) -> list[int]:
        def run(session: Session) -> list[int]:
            b = queue.get_branch(session, branch)
            return list(
                session.scalars(
                    select(Counter.number)
                    .where(Counter.branch_id == b.id, Counter.active)
                    .order_by(Counter.number)
                )
            )

        return self._read(run)

    def require_branch(self, code: str) -> None:
        if code not in {b.code for b in self.branches()}:
            raise NotFound(f"Vestiging '{code}' bestaat niet.")

    # -- public screens: kiosk and waiting-room display (logic in loket.display) ---------

    def display_state(self, branch: str) -> DisplayState:
        """Recent calls (names only with consent), waits per service, the info line."""
        from loket import display

        return self._read(
            lambda s: display.display_state(s, queue.get_branch(s, branch), self.now())
        )

    def branch_status(self, branch: str) -> BranchStatus:
        """Can a visitor without an appointment take a number now; if not, why and when."""
        from loket import display

        return self._read(
            lambda s: display.branch_status(s, queue.get_branch(s, branch), self.now())
        )

    def municipality_name(self) -> str:
        return self._read(lambda s: queue.settings(s).name)

    def raise_device_alert(
        self, kind: str, branch: str | None = None, **data: str | int | None
    ) -> int:
        """Alert staff (event ``alert.<kind>``), e.g. the kiosk printer is out of paper.

        Named apart from ``raise_alert`` (the counter's aggression alert)."""
        from loket import display

        def run(session: Session, ctx: Context) -> int:
            b = queue.get_branch(session, branch) if branch else None
            payload: dict[str, object] = {**data}
            return display.raise_alert(session, ctx, kind, b, payload)

        return self._write(run)

    def feedback_ticket(self, branch: str, number: str) -> TicketView:
        """The ticket a visitor wants to rate, checked before the questions are shown."""
        from loket import feedback

        self.require("feedback")
        return self._read(
            lambda s: TicketView.of(
                feedback.ticket_for_feedback(
                    s, queue.get_branch(s, branch), number, self.now().date()
                )
            )
        )

    def give_feedback(
        self,
        branch: str,
        number: str,
        score: int,
        friendliness: int | None = None,
        speed: int | None = None,
        expertise: int | None = None,
    ) -> int:
        """Store a visitor's rating of their visit; one per ticket. Returns the feedback id."""
        from loket import feedback

        def run(session: Session, ctx: Context) -> int:
            return feedback.give_feedback(
                session,
                ctx,
                queue.get_branch(session, branch),
                number,
                score,
                friendliness,
                speed,
                expertise,
            ).id

        return self._write(run, "feedback")

    # -- counter workstation and reception (issue [desk]) ---------------------------------
    # Local imports: these modules are only needed by the staff PCs.

    def counter_overview(self, branch: str, counter: int) -> CounterOverview:
        """The queues this counter serves, and the visitor at it (``loket.desk``)."""
        from loket import desk

        self.require("serve")

        def run(session: Session) -> desk.CounterOverview:
            b = queue.get_branch(session, branch)
            return desk.overview(
                session, b, queue.get_counter(session, b, counter), self.actor.staff_id, self.now()
            )

        return self._read(run)

    def visitor(self, branch: str, number: str) -> Visitor:
        """Name, service, notes and what to bring of the visitor behind a ticket."""
        from loket import desk

        self.require("serve")
        return self._read(
            lambda s: desk.Visitor.of(
                queue.find_ticket(s, queue.get_branch(s, branch), number, self.now().date())
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
                queue.get_branch(session, branch),
                queue.get_service(session, service),
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
            b = queue.get_branch(session, branch)
            return alerts.set_status(
                session, ctx, b, queue.get_counter(session, b, counter), status
            )

        return self._write(run, "serve")

    def raise_alert(self, branch: str, counter: int) -> int:
        """Aggression protocol: a colleague is needed at this counter now."""
        from loket import alerts

        def run(session: Session, ctx: Context) -> int:
            b = queue.get_branch(session, branch)
            return alerts.raise_alert(session, ctx, b, queue.get_counter(session, b, counter))

        # Any logged-in staff member may ask for help; no permission stands in the way.
        return self._write(run)

    def clear_alert(self, branch: str, counter: int) -> None:
        from loket import alerts

        def run(session: Session, ctx: Context) -> None:
            b = queue.get_branch(session, branch)
            alerts.clear_alert(session, ctx, b, queue.get_counter(session, b, counter))

        self._write(run)

    def counter_states(self, branch: str) -> list[CounterState]:
        from loket import alerts

        self.require("monitor")
        return self._read(
            lambda s: alerts.counter_states(s, queue.get_branch(s, branch), self.now())
        )

    def day_plan(self, branch: str, service: str, day: date) -> DayPlan:
        from loket import calendar

        self.require("book")
        self._ensure_plans(day)
        return self._read(
            lambda s: calendar.day_plan(
                s, queue.get_branch(s, branch), queue.get_service(s, service), day, self.now()
            )
        )

    def week_plan(self, branch: str, service: str, day: date) -> list[DayPlan]:
        from loket import calendar

        self.require("book")
        return self._read(
            lambda s: calendar.week_plan(
                s, queue.get_branch(s, branch), queue.get_service(s, service), day, self.now()
            )
        )

    def find_appointments_today(self, branch: str, query: str) -> list[CalendarAppointment]:
        """Today's appointments by name or reference, for check-in at reception."""
        from loket import calendar

        self.require("check_in")
        return self._read(
            lambda s: calendar.find_today(s, queue.get_branch(s, branch), query, self.now())
        )

    def appointment_details(self, reference: str) -> CalendarAppointment:
        from loket import calendar

        self.require("book")
        return self._read(
            lambda s: calendar.CalendarAppointment.of(appointments.get_by_reference(s, reference))
        )

    def reschedule_appointment(
        self, reference: str, start: datetime, service: str | None = None
    ) -> AppointmentView:
        from loket import calendar

        self._ensure_plans(start.date())

        def run(session: Session, ctx: Context) -> AppointmentView:
            a = calendar.reschedule(
                session,
                ctx,
                appointments.get_by_reference(session, reference),
                start,
                queue.get_service(session, service) if service else None,
            )
            code, short = appointments.make_codes(session, a, ctx.now)
            return AppointmentView.of(a, code, short)

        return self._write(run, "book")

    def close_day(self, branch: str, day: date, reason: str) -> DayChange:
        from loket import calendar

        return self._write(
            lambda s, c: calendar.close_day(s, c, queue.get_branch(s, branch), day, reason),
            "manage_queue",
        )

    def add_session(
        self, branch: str, day: date, start: TimeOfDay, end: TimeOfDay, mode: str, reason: str
    ) -> DayChange:
        from loket import calendar
        from loket.models import PeriodMode

        return self._write(
            lambda s, c: calendar.add_session(
                s, c, queue.get_branch(s, branch), day, start, end, PeriodMode(mode), reason
            ),
            "manage_queue",
        )

    def restore_day(self, branch: str, day: date) -> DayChange:
        from loket import calendar

        return self._write(
            lambda s, c: calendar.restore_day(s, c, queue.get_branch(s, branch), day),
            "manage_queue",
        )

    def special_days(self, branch: str, days: int = 90) -> list[SpecialDay]:
        from loket import calendar

        return self._read(
            lambda s: calendar.special_days(queue.get_branch(s, branch), self.now().date(), days)
        )

    def confirmation(self, reference: str) -> Confirmation:
        """Everything a confirmation letter or e-mail says (``loket.confirmations``)."""
        from loket.confirmations import Confirmation

        def run(session: Session, ctx: Context) -> Confirmation:
            a = appointments.get_by_reference(session, reference)
            code, short = appointments.make_codes(session, a, ctx.now)
            muni = queue.settings(session)
            return Confirmation(
                municipality=muni.name,
                reference=a.reference,
                code=code,
                short_code=short,
                service_name=a.service.name_nl,
                bring=a.service.bring_nl,
                start=a.start,
                duration_minutes=a.duration_minutes,
                branch_name=a.branch.name,
                address=a.branch.address,
                name=a.name,
                info_line=muni.info_line_text.get("nl", ""),
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
            b = queue.get_branch(session, default_branch) if default_branch else None
            report = imports.import_rows(session, ctx, rows, b)
            warning = imports.count_check(text, rows) if kind == "csv" else None
            if warning:
                report.warnings.append(warning)
            return report

        return self._write(run, "book")

    # -- privacy (logic in loket.privacy) ---------------------------------------------

    def purge_personal_data(self) -> PurgeReport:
        """Remove personal data of visits older than the configured window; a report."""
        from loket import privacy

        return self._write(privacy.purge, "privacy")

    def purge_if_due(self) -> PurgeReport | None:
        """The daily purge for a timer: at most once a day; None when it already ran
        today or this PC's role holds no rights on personal data (kiosk, display)."""
        from loket import privacy

        return self._write(privacy.purge_if_due)

    def privacy_export(self, reference: str) -> dict[str, Any]:
        """Everything stored about one appointment (the resident's right of access)."""
        from loket import privacy

        return self._write(lambda s, c: privacy.export(s, c, reference), "privacy")

    # -- reports (logic in loket.reports) -----------------------------------------------

    def record_printed(self, branch: str, number: str) -> bool:
        """The kiosk's printer gave out today's ticket ``number`` (paper use in reports).

        False when it was already recorded. PostgreSQL: through the database function of
        migration 0007, as public-hall PCs update no tables themselves."""

        def run(session: Session, ctx: Context) -> bool:
            ticket = queue.find_ticket(
                session, queue.get_branch(session, branch), number, ctx.now.date(), lock=False
            )
            return queue.record_printed(session, ctx, ticket)

        return self._write(run, "issue_ticket")

    @property
    def reports(self) -> ReportService:
        """Reports over any period as PDF, CSV or JSON, and the monthly mail."""
        from loket.reports.service import ReportService

        return ReportService(self.db, self.clock, self.actor)

    # -- team leader's monitor (logic in loket.monitor) ---------------------------------

    def monitor(self, branch: str) -> BranchMonitor:
        """Queues against the norm, today's share called within it, counters, open alerts."""
        from loket import monitor

        self.require("monitor")
        return self._read(lambda s: monitor.monitor(s, queue.get_branch(s, branch), self.now()))
