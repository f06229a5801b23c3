"""The language a visitor chose at the kiosk, kept on their ticket for the spoken call.

PostgreSQL public-hall PCs update no tables themselves: there it goes through the
function ``loket_ticket_language`` of migration 0014 (``loket.hall``).
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from loket import hall
from loket.errors import Refused
from loket.language import shipped
from loket.models import Ticket, TicketStatus
from loket.tickets import Context


def set_language(session: Session, ctx: Context, ticket: Ticket, language: str) -> bool:
    """Record ``language`` on a waiting ticket of today; False when nothing changed."""
    if language not in shipped():
        raise Refused(f"Onbekende taal '{language}'.", code="language")
    if hall.uses_functions(session):
        return hall.ticket_language(session, ctx, ticket, language)
    changed = session.execute(
        update(Ticket)
        .where(
            Ticket.id == ticket.id,
            Ticket.day == ctx.now.date(),
            Ticket.status == TicketStatus.WAITING,
        )
        .values(language=language)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(changed, "rowcount", 0))
