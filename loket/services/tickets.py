"""The queue: walk-in numbers, calling, serving, transferring and parking tickets, and the
queue's snapshot (logic in loket.tickets).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from sqlalchemy.orm import Session

from loket import call_next_pg, clerk_sql, clerk_sqlite, issue_sql, staff, tickets
from loket.models import Ticket
from loket.services.base import ServiceBase
from loket.tickets import Context
from loket.views import QueueSnapshot, TicketView


class TicketService(ServiceBase):
    def issue_ticket(
        self, branch: str, service: str, *, needs_assistance: bool = False, let_in: bool = False
    ) -> TicketView:
        """A walk-in number; ``let_in`` (reception, team leader) during appointment-only
        hours. The wait is predicted first, then the ticket written: on SQLite in a read
        transaction of its own, so the write lock is held only for the insert; on
        PostgreSQL (no lock is taken while reading) in the same transaction, which saves
        a BEGIN, a COMMIT and a checkout."""
        from dataclasses import replace

        from loket.queue_state import LivePrediction, predict_live

        self.require("let_in" if let_in else "issue_ticket")

        def predict(session: Session, now: datetime) -> LivePrediction:
            return predict_live(session, clerk_sql.branch_id(session, branch), service, now)

        def issue(session: Session, ctx: Context, predicted: LivePrediction) -> TicketView:
            # A few statements for the common case (loket.issue_sql); the engine answers
            # the rest (refusals, letting someone in) exactly as before.
            fast = issue_sql.issue_walk_in(
                session,
                ctx,
                branch,
                service,
                needs_assistance=needs_assistance,
                predicted=predicted.seconds,
            )
            if fast is not None:
                return fast
            ticket = tickets.issue_walk_in(
                session,
                ctx,
                tickets.get_branch(session, branch),
                tickets.get_service(session, service),
                needs_assistance=needs_assistance,
                let_in=let_in,
                predicted=predicted,
            )
            return TicketView.of(ticket)

        if self.db.is_sqlite:
            now = self.now()
            predicted = self._read(lambda s: predict(s, now))
            view = self._write(lambda s, ctx: issue(s, ctx, predicted), "issue_ticket")
        else:

            def both(session: Session, ctx: Context) -> tuple[TicketView, LivePrediction]:
                predicted = predict(session, ctx.now)
                return issue(session, ctx, predicted), predicted

            view, predicted = self._write(both, "issue_ticket")
        if view.status != "waiting" or predicted.note is None:
            return view
        return replace(view, wait_note=predicted.note, wait_expected_from=predicted.expected_from)

    def call_next(self, branch: str, counter: int) -> TicketView | None:
        return self.call_next_or_why(branch, counter)[0]

    def call_next_or_why(self, branch: str, counter: int) -> tuple[TicketView | None, str]:
        """The called ticket and why it was chosen, or None and why nobody was called."""
        # One statement in autocommit (PostgreSQL: loket.call_next_pg) or one short
        # transaction on the driver (SQLite: loket.clerk_sqlite); the engine answers
        # whatever they hand back (nobody to call, a counter without services).
        self.require("serve")
        self._zone_fresh()
        fast = clerk_sqlite if self.db.is_sqlite else call_next_pg
        called = fast.call_next(self.db, self._ctx(), branch, counter)
        if called is not None:
            return called

        def run(session: Session, ctx: Context) -> tuple[TicketView | None, str]:
            b = tickets.get_branch(session, branch)
            ticket, reason = tickets.call_next(
                session, ctx, b, tickets.get_counter(session, b, counter)
            )
            return (TicketView.of(ticket, reason) if ticket else None), reason

        return self._write(run, "serve")

    def call_ticket(self, branch: str, counter: int, number: str, reason: str) -> TicketView:
        def run(session: Session, ctx: Context) -> TicketView:
            b = tickets.get_branch(session, branch)
            ticket = tickets.find_ticket(session, b, number, ctx.now.date())
            called = tickets.call_ticket(
                session, ctx, ticket, tickets.get_counter(session, b, counter), reason
            )
            return TicketView.of(called, tickets.CALL_REASONS[tickets.call_reason(reason)])

        return self._write(run, "serve")

    def _on_ticket(
        self,
        branch: str,
        number: str,
        action: Callable[[Session, Context, Ticket], Ticket],
        permission: str = "serve",
    ) -> TicketView:
        def run(session: Session, ctx: Context) -> TicketView:
            b = tickets.get_branch(session, branch)
            return TicketView.of(
                action(session, ctx, tickets.find_ticket(session, b, number, ctx.now.date()))
            )

        return self._write(run, permission)

    def recall(self, branch: str, number: str) -> TicketView:
        return self._on_ticket(branch, number, tickets.recall)

    def start(self, branch: str, number: str) -> TicketView:
        # One statement (PostgreSQL) or one short transaction; the engine explains a refusal.
        self.require("serve")
        fast = self._step(branch, number, None)
        if fast is not None:
            return fast
        return self._on_ticket(branch, number, tickets.start)

    def finish(self, branch: str, number: str, outcome: str = "helped") -> TicketView:
        self.require("serve")
        if outcome in tickets.OUTCOMES:
            fast = self._step(branch, number, outcome)
            if fast is not None:
                return fast
        return self._on_ticket(branch, number, lambda s, c, t: tickets.finish(s, c, t, outcome))

    def _step(self, branch: str, number: str, outcome: str | None) -> TicketView | None:
        """The fast "start" (``outcome`` None) or "finish"; None: the engine answers."""
        if self.db.is_sqlite:
            return clerk_sqlite.step(self.db, self._ctx(), branch, number, outcome)
        return clerk_sql.at_once(self.db, self._ctx(), branch, number, outcome)

    def no_show(self, branch: str, number: str) -> TicketView:
        return self._on_ticket(branch, number, tickets.no_show)

    def park(self, branch: str, number: str, note: str = "") -> TicketView:
        return self._on_ticket(branch, number, lambda s, c, t: tickets.park(s, c, t, note))

    def cancel_ticket(self, branch: str, number: str) -> TicketView:
        if staff.SYSTEM in self.actor.roles or "counter" in self.actor.roles:
            return self._on_ticket(branch, number, tickets.cancel)
        return self._on_ticket(branch, number, tickets.cancel, "manage_queue")

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
            return tickets.transfer(
                session,
                ctx,
                ticket,
                service=tickets.get_service(session, service) if service else None,
                counter=tickets.get_counter(session, b, counter) if counter else None,
                note=note,
            )

        return self._on_ticket(branch, number, action)

    def snapshot(self, branch: str, day: date | None = None) -> QueueSnapshot:
        def run(session: Session) -> QueueSnapshot:
            now = self.now()
            b = tickets.get_branch(session, branch)
            d = day or now.date()
            return QueueSnapshot(
                branch=b.code,
                branch_name=b.name,
                now=now,
                open_tickets=[TicketView.of(t) for t in tickets.waiting_tickets(session, b, d)],
                recent_calls=[TicketView.of(t) for t in tickets.recent_calls(session, b, d)],
                norm_minutes=tickets.settings(session).wait_norm_minutes,
            )

        return self._read(run)
