"""Rate your visit: one score (1-10) and three smiley ratings per ticket, given at the kiosk.

Only a ticket number is asked, never who the visitor is; the event log gets the ratings
and the ticket id, nothing personal. One rating per ticket keeps the figures honest: the
ticket row is locked (FOR UPDATE; BEGIN IMMEDIATE on SQLite) while the check is made.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from loket import events, hall, tickets
from loket.errors import Refused
from loket.models import Branch, Feedback, Ticket
from loket.tickets import Context

SCORE_RANGE = range(1, 11)
# Smileys: 1 = very unhappy ... 5 = very happy (the usual five-point scale in reports).
SMILEY_RANGE = range(1, 6)


def ticket_for_feedback(session: Session, branch: Branch, number: str, day: date) -> Ticket:
    """The ticket a visitor wants to rate, or a Refused/NotFound in plain Dutch."""
    # PostgreSQL: loket_give_feedback locks and checks again (a kiosk may not lock).
    ticket = tickets.find_ticket(
        session, branch, number, day, lock=not hall.uses_functions(session)
    )
    if ticket.first_called_at is None:
        raise Refused(
            "U bent nog niet aan de beurt geweest. Geef na uw bezoek aan de balie een cijfer.",
            code="not_served_yet",
        )
    if session.scalar(select(Feedback.id).where(Feedback.ticket_id == ticket.id)) is not None:
        raise Refused(
            "Voor dit nummer is al een cijfer gegeven. Dank u wel!", code="feedback_given"
        )
    return ticket


def _check(value: int | None, allowed: range, what: str, required: bool = False) -> None:
    if value is None and not required:
        return
    if not isinstance(value, int) or isinstance(value, bool) or value not in allowed:
        raise Refused(
            f"{what} moet een getal van {allowed.start} tot en met {allowed.stop - 1} zijn.",
            code="feedback_range",
        )


def give_feedback(
    session: Session,
    ctx: Context,
    branch: Branch,
    number: str,
    score: int,
    friendliness: int | None = None,
    speed: int | None = None,
    expertise: int | None = None,
) -> Feedback:
    _check(score, SCORE_RANGE, "Het cijfer", required=True)
    _check(friendliness, SMILEY_RANGE, "Vriendelijkheid")
    _check(speed, SMILEY_RANGE, "Snelheid")
    _check(expertise, SMILEY_RANGE, "Deskundigheid")
    ticket = ticket_for_feedback(session, branch, number, ctx.now.date())
    if hall.uses_functions(session):
        feedback_id = hall.give_feedback(
            session, ctx, ticket, score, friendliness, speed, expertise
        )
        return session.get_one(Feedback, feedback_id)
    feedback = Feedback(
        ticket_id=ticket.id,
        branch_id=branch.id,
        service_id=ticket.service_id,
        at=ctx.now,
        score=score,
        friendliness=friendliness,
        speed=speed,
        expertise=expertise,
    )
    session.add(feedback)
    session.flush()
    events.append(
        session,
        at=ctx.now,
        kind="feedback.given",
        actor=ctx.actor,
        branch_id=branch.id,
        ticket_id=ticket.id,
        data={
            "number": ticket.number,
            "service": ticket.service.code,
            "score": score,
            "friendliness": friendliness,
            "speed": speed,
            "expertise": expertise,
        },
    )
    return feedback
