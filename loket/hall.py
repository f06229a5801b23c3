"""What the public-hall PCs write, through the database's own functions on PostgreSQL.

On PostgreSQL the kiosk and display logins may not insert or update tickets, events,
appointments, numbers or feedback (loket/db_roles.py). The services still decide
everything in Python first (opening hours, the visitor's message); the write itself is
a call of a SECURITY DEFINER function of migration 0005, which repeats the checks that
protect the data and writes its own event. Every PC uses the same functions on
PostgreSQL, so there is one write path per database; on SQLite (one PC, no roles) the
ORM writes the same rows (loket/tickets.py, loket/appointments.py, loket/feedback.py).

A function that refuses (SQLSTATE ``LK001``/``LK002``) means a race (another kiosk just
checked in the same appointment) or a forged request: it becomes a plain refusal.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, or_, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from loket import logging_setup, pg_driver, security
from loket.codes import CodeAlreadyUsed
from loket.errors import Refused
from loket.events import Logged
from loket.models import Appointment, Branch, Event, Service, Ticket

if TYPE_CHECKING:
    from loket.staff import LoginFailed, StaffView
    from loket.tickets import Context

REFUSED = "LK001"
ALREADY_DONE = "LK002"


def uses_functions(session: Session) -> bool:
    """PostgreSQL: writes of the public-hall operations go through the functions."""
    return session.get_bind().dialect.name == "postgresql"


def _sqlstate(exc: DBAPIError) -> str | None:
    return getattr(exc.orig, "sqlstate", None)


@contextmanager
def _refusals(already: Callable[[], Exception] | None = None) -> Iterator[None]:
    try:
        yield
    except DBAPIError as exc:
        state = _sqlstate(exc)
        if state == ALREADY_DONE and already is not None:
            raise already() from None
        if state in (REFUSED, ALREADY_DONE):
            raise Refused(
                "Dit kan nu niet. Vraag de receptie om hulp.", code="refused_by_database"
            ) from None
        raise


def _call(session: Session, sql: str, **params: object) -> object:
    return session.execute(text(sql), params).scalar_one()


def _log(session: Session, *where: Any) -> list[Event]:
    """The events the function just wrote go to the log at commit, like any other."""
    rows = list(session.scalars(select(Event).where(*where).order_by(Event.id)))
    logging_setup.log_at_commit(session, rows)
    return rows


def _load(session: Session, ticket_id: int) -> Ticket:
    from loket.tickets import TICKET_WITH_DETAILS

    ticket = session.get(Ticket, ticket_id, options=TICKET_WITH_DETAILS, populate_existing=True)
    assert ticket is not None
    return ticket


def issue_walk_in(
    session: Session,
    ctx: Context,
    branch: Branch,
    service: Service,
    needs_assistance: bool,
    predicted: int | None,
) -> Ticket:
    ticket_id, _ = issue_walk_in_number(
        session, ctx, branch.id, service.id, needs_assistance, predicted
    )
    return _load(session, ticket_id)


_ISSUE_WALK_IN = text(
    "SELECT loket_issue_walk_in(:branch, :service, :at, :assist, :predicted, :staff, :workstation)"
)
# The columns of ``events.Logged``, in its order.
_TICKET_EVENTS = text(
    "SELECT id, kind, branch_id, ticket_id, appointment_id, counter_id, staff_id, workstation, "
    "data FROM event WHERE ticket_id = :ticket ORDER BY id"
)


def issue_walk_in_number(
    session: Session,
    ctx: Context,
    branch_id: int,
    service_id: int,
    needs_assistance: bool,
    predicted: int | None,
) -> tuple[int, str]:
    """``loket_issue_walk_in``: the new ticket's id and its number as printed, from the
    event the function wrote (two statements; loket/issue_sql.py). On the driver's
    cursor: the ORM's execution and its Event objects were a tenth of issuing a ticket."""
    connection = session.connection()
    params = {
        "branch": branch_id,
        "service": service_id,
        "at": ctx.now,
        "assist": needs_assistance,
        "predicted": predicted,
        "staff": ctx.actor.staff_id,
        "workstation": ctx.actor.workstation,
    }
    with _refusals():
        ((ticket_id,),) = pg_driver.rows(connection, _ISSUE_WALK_IN, params)
    issued = [
        Logged(*row) for row in pg_driver.rows(connection, _TICKET_EVENTS, {"ticket": ticket_id})
    ]
    logging_setup.log_at_commit(session, issued)
    number = next(str((e.data or {})["number"]) for e in issued if e.kind == "ticket.issued")
    return int(ticket_id), number


def check_in(
    session: Session,
    ctx: Context,
    appointment: Appointment,
    branch: Branch | None,
    predicted: int | None,
    *,
    early: bool = False,
) -> Ticket:
    """``loket_check_in``; ``early``: ``loket_let_in_early`` (reception, migration 0013),
    the same without the check-in window, recording ``appointment.let_in_early``."""
    function = "loket_let_in_early" if early else "loket_check_in"
    with _refusals(CodeAlreadyUsed):
        ticket_id = _call(
            session,
            f"SELECT {function}(:appointment, :branch, :at, :predicted, :staff, :workstation)",
            appointment=appointment.id,
            branch=branch.id if branch else None,
            at=ctx.now,
            predicted=predicted,
            staff=ctx.actor.staff_id,
            workstation=ctx.actor.workstation,
        )
    session.expire(appointment, ["status", "checked_in_at"])
    _log(
        session,
        or_(
            Event.ticket_id == int(str(ticket_id)),
            and_(
                Event.appointment_id == appointment.id,
                Event.kind.in_(("appointment.checked_in", "appointment.let_in_early")),
            ),
        ),
    )
    return _load(session, int(str(ticket_id)))


def give_feedback(
    session: Session,
    ctx: Context,
    ticket: Ticket,
    score: int,
    friendliness: int | None,
    speed: int | None,
    expertise: int | None,
) -> int:
    def given() -> Exception:
        return Refused(
            "Voor dit nummer is al een cijfer gegeven. Dank u wel!", code="feedback_given"
        )

    with _refusals(given):
        feedback_id = _call(
            session,
            "SELECT loket_give_feedback(:ticket, :at, :score, :friendliness, :speed, "
            ":expertise, :workstation)",
            ticket=ticket.id,
            at=ctx.now,
            score=score,
            friendliness=friendliness,
            speed=speed,
            expertise=expertise,
            workstation=ctx.actor.workstation,
        )
    _log(session, Event.ticket_id == ticket.id, Event.kind == "feedback.given")
    return int(str(feedback_id))


def raise_device_alert(
    session: Session, ctx: Context, kind: str, branch: Branch | None, data: dict[str, object]
) -> int:
    with _refusals():
        event_id = _call(
            session,
            "SELECT loket_raise_alert(:kind, :branch, :at, :workstation, CAST(:data AS jsonb))",
            kind=kind,
            branch=branch.id if branch else None,
            at=ctx.now,
            workstation=ctx.actor.workstation,
            data=json.dumps(data),
        )
    _log(session, Event.id == int(str(event_id)))
    return int(str(event_id))


# -- a team leader unlocks the kiosk (the kiosk cannot read ``staff``) ----------------


def pin_digest(session: Session, code: str, pin: str) -> str | None:
    """The scrypt hash of ``pin`` with the salt and cost the database hands out for
    ``code``, base64 as stored; None for a PIN of the wrong format."""
    spec = str(_call(session, "SELECT loket_pin_salt(:code)", code=code.strip().lower()[:40]))
    try:
        cost, salt, _ = security._parse(f"{spec}$AAAAAAAAAAAAAAAAAAAAAA")
        security.validate_pin(pin)
    except ValueError:
        return None
    return security._b64(security._scrypt(pin, salt, cost, 32))


def _staff(row: Any) -> StaffView:
    from loket.staff import StaffView

    roles = tuple(str(r) for r in json.loads(str(row.staff_roles or "[]")))
    return StaffView(
        id=int(row.staff_id), code=str(row.staff_code), name=str(row.staff_name), roles=roles
    )


def unlock_with_pin(session: Session, ctx: Context, code: str, pin: str) -> StaffView | LoginFailed:
    """A team leader's PIN checked by the database; a failure is returned, not raised, so
    the failure count the function wrote is committed."""
    from loket.staff import LoginFailed

    digest = pin_digest(session, code, pin)
    row = session.execute(
        text("SELECT * FROM loket_login_pin(:code, :digest, :at, :workstation)"),
        {
            "code": code.strip().lower()[:40],
            "digest": digest,
            "at": ctx.now,
            "workstation": ctx.actor.workstation,
        },
    ).one()
    if row.outcome == "ok":
        return _staff(row)
    if row.outcome == "locked":
        return LoginFailed(
            f"Te vaak een verkeerde pincode. Probeer het over {row.wait_minutes} "
            "minuten opnieuw, of gebruik uw pas."
        )
    return LoginFailed("Naam of pincode klopt niet, of u bent geen teamleider.")


def unlock_with_card(session: Session, ctx: Context, uid: str | bytes) -> StaffView | LoginFailed:
    from loket.staff import LoginFailed

    try:
        raw = security._uid_bytes(uid)
    except (TypeError, ValueError):
        return LoginFailed("Deze pas is niet bekend.")
    row = session.execute(
        text("SELECT * FROM loket_login_card(:uid, :at, :workstation)"),
        {"uid": raw, "at": ctx.now, "workstation": ctx.actor.workstation},
    ).one()
    if row.outcome == "ok":
        return _staff(row)
    return LoginFailed("Deze pas is niet bekend als pas van een teamleider.")


def ticket_printed(session: Session, ctx: Context, ticket: Ticket) -> bool:
    """``loket_ticket_printed`` (migration 0007): False when it was already recorded."""
    with _refusals():
        return bool(
            _call(
                session, "SELECT loket_ticket_printed(:ticket, :at)", ticket=ticket.id, at=ctx.now
            )
        )


def ticket_language(session: Session, ctx: Context, ticket: Ticket, language: str) -> bool:
    """``loket_ticket_language`` (migration 0014): the visitor's language on the ticket."""
    with _refusals():
        return bool(
            _call(
                session,
                "SELECT loket_ticket_language(:ticket, :language, :at)",
                ticket=ticket.id,
                language=language,
                at=ctx.now,
            )
        )
