"""The public screens: what the waiting-room display and the kiosk show, the visitor's
rating, the printer's receipt and device alerts (logic in loket.display,
loket.feedback).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from loket import tickets
from loket.display import BranchStatus, DisplayState
from loket.services.base import ServiceBase
from loket.tickets import Context
from loket.views import TicketView


class PublicScreenService(ServiceBase):
    def display_state(self, branch: str) -> DisplayState:
        """Recent calls (names only with consent), waits per service, the info line."""
        from loket import display

        return self._read(
            lambda s: display.display_state(s, tickets.get_branch(s, branch), self.now())
        )

    def branch_status(self, branch: str) -> BranchStatus:
        """Can a visitor without an appointment take a number now; if not, why and when."""
        from loket import display

        return self._read(
            lambda s: display.branch_status(s, tickets.get_branch(s, branch), self.now())
        )

    def raise_device_alert(
        self, kind: str, branch: str | None = None, **data: str | int | None
    ) -> int:
        """Alert staff (event ``alert.<kind>``), e.g. the kiosk printer is out of paper.

        Named apart from ``raise_counter_alert`` (the counter's aggression alert)."""
        from loket import display

        def run(session: Session, ctx: Context) -> int:
            b = tickets.get_branch(session, branch) if branch else None
            payload: dict[str, object] = {**data}
            return display.raise_device_alert(session, ctx, kind, b, payload)

        return self._write(run)

    def feedback_ticket(self, branch: str, number: str) -> TicketView:
        """The ticket a visitor wants to rate, checked before the questions are shown."""
        from loket import feedback

        self.require("feedback")
        return self._read(
            lambda s: TicketView.of(
                feedback.ticket_for_feedback(
                    s, tickets.get_branch(s, branch), number, self.now().date()
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
                tickets.get_branch(session, branch),
                number,
                score,
                friendliness,
                speed,
                expertise,
            ).id

        return self._write(run, "feedback")

    def record_printed(self, branch: str, number: str) -> bool:
        """The kiosk's printer gave out today's ticket ``number`` (paper use in reports).

        False when it was already recorded. PostgreSQL: through the database function of
        migration 0007, as public-hall PCs update no tables themselves."""

        def run(session: Session, ctx: Context) -> bool:
            ticket = tickets.find_ticket(
                session, tickets.get_branch(session, branch), number, ctx.now.date(), lock=False
            )
            return tickets.record_printed(session, ctx, ticket)

        return self._write(run, "issue_ticket")

    def languages(self) -> tuple[str, ...]:
        """``[municipality] languages``: what the kiosk's chooser offers, Dutch first."""
        return self._read(lambda s: tuple(tickets.settings(s).languages or ("nl",)))

    def record_language(self, branch: str, number: str, language: str) -> bool:
        """The language the visitor chose at the kiosk, on today's waiting ticket
        ``number``: the spoken call uses it. PostgreSQL: through the database function of
        migration 0014 (loket.ticket_language)."""
        from loket import ticket_language

        def run(session: Session, ctx: Context) -> bool:
            ticket = tickets.find_ticket(
                session, tickets.get_branch(session, branch), number, ctx.now.date(), lock=False
            )
            return ticket_language.set_language(session, ctx, ticket, language)

        return self._write(run, "issue_ticket")
