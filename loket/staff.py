"""Staff login (PIN or staff card) and the roles that decide what someone may do.

Roles are checked here, in the services layer, not only in the UI: a kiosk PC that
sends a "call next" gets the same refusal as a button that should not have been there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from loket import events, security
from loket.errors import DomainError, PermissionDenied
from loket.events import Actor
from loket.models import Staff
from loket.tickets import Context

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=5)
SYSTEM = "system"  # the command line and scheduled jobs on a staff PC
KIOSK = "kiosk"
DISPLAY = "display"

ROLE_NL = {
    "counter": "baliemedewerker",
    "reception": "receptie",
    "manager": "teamleider",
    "admin": "beheerder",
    KIOSK: "kiosk",
    DISPLAY: "wachtkamerscherm",
}

# Which roles may do what. "system" may do everything.
PERMISSIONS: dict[str, frozenset[str]] = {
    "issue_ticket": frozenset({KIOSK, "reception", "counter", "manager"}),
    "check_in": frozenset({KIOSK, "reception", "counter", "manager"}),
    "feedback": frozenset({KIOSK}),
    "serve": frozenset({"counter"}),
    "book": frozenset({"reception", "counter", "manager"}),
    "manage_queue": frozenset({"reception", "manager"}),
    "configure": frozenset({"admin"}),
    "privacy": frozenset({"manager", "admin"}),
    "monitor": frozenset({"manager", "admin", "reception"}),
    "report": frozenset({"manager", "admin"}),
    "plan": frozenset({"manager", "admin"}),
    "override_capacity": frozenset({"manager"}),
    "let_in": frozenset({"reception", "manager"}),
}
ACTION_NL = {
    "issue_ticket": "een nummer uitgeven",
    "check_in": "inchecken",
    "feedback": "een cijfer geven",
    "serve": "bezoekers helpen aan de balie",
    "book": "afspraken maken",
    "manage_queue": "de wachtrij beheren",
    "configure": "de instellingen wijzigen",
    "privacy": "persoonsgegevens inzien of verwijderen",
    "monitor": "de monitor bekijken",
    "report": "rapportages maken",
    "plan": "de planning en afwezigheid beheren",
    "override_capacity": "boven de planning boeken",
    "let_in": "iemand zonder afspraak binnenlaten",
}


@dataclass(frozen=True)
class StaffView:
    id: int
    code: str
    name: str
    roles: tuple[str, ...]

    def actor(self, workstation: str) -> Actor:
        return Actor(workstation=workstation, staff_id=self.id, roles=frozenset(self.roles))


def require(actor: Actor, action: str) -> None:
    if SYSTEM in actor.roles or actor.roles & PERMISSIONS[action]:
        return
    roles = ", ".join(ROLE_NL.get(r, r) for r in sorted(actor.roles)) or "geen rol"
    raise PermissionDenied(f"Met uw rol ({roles}) mag u niet {ACTION_NL[action]}.")


def _view(staff: Staff) -> StaffView:
    return StaffView(id=staff.id, code=staff.code, name=staff.name, roles=tuple(staff.roles))


def _check_lock(staff: Staff, ctx: Context) -> None:
    if staff.locked_until and staff.locked_until > ctx.now:
        minutes = max(1, round((staff.locked_until - ctx.now).total_seconds() / 60))
        raise PermissionDenied(
            f"Te vaak een verkeerde pincode. Probeer het over {minutes} "
            "minuten opnieuw, of log in met uw pas."
        )


class LoginFailed(DomainError):
    """A failed login; the failure counter must survive, so it is committed, not rolled back."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="login_failed")


def login_pin(session: Session, ctx: Context, code: str, pin: str) -> StaffView:
    staff = session.scalar(
        select(Staff).where(Staff.code == code.strip().lower(), Staff.active).with_for_update()
    )
    # The same words for an unknown name and a wrong PIN: nobody learns who exists.
    wrong = "Naam of pincode klopt niet."
    if staff is None or not staff.pin_hash:
        raise LoginFailed(wrong)
    _check_lock(staff, ctx)
    if not security.verify_pin(pin, staff.pin_hash):
        staff.failed_logins += 1
        if staff.failed_logins >= MAX_FAILED_LOGINS:
            staff.locked_until = ctx.now + LOCKOUT
            staff.failed_logins = 0
            events.append(
                session,
                at=ctx.now,
                kind="staff.locked",
                actor=ctx.actor,
                data={"staff": staff.code},
            )
            raise LoginFailed(
                f"Te vaak een verkeerde pincode. Probeer het over "
                f"{int(LOCKOUT.total_seconds() // 60)} minuten opnieuw."
            )
        raise LoginFailed(wrong)
    staff.failed_logins = 0
    staff.locked_until = None
    events.append(
        session,
        at=ctx.now,
        kind="staff.login",
        actor=Actor(ctx.actor.workstation, staff.id),
        data={"method": "pin"},
    )
    return _view(staff)


def login_card(session: Session, ctx: Context, uid: str | bytes, card_key: bytes) -> StaffView:
    fingerprint = security.card_fingerprint(uid, card_key)
    staff = session.scalar(select(Staff).where(Staff.card_hash == fingerprint, Staff.active))
    if staff is None:
        events.append(session, at=ctx.now, kind="staff.card_unknown", actor=ctx.actor)
        raise LoginFailed("Deze pas is niet bekend. Log in met uw pincode of vraag de beheerder.")
    events.append(
        session,
        at=ctx.now,
        kind="staff.login",
        actor=Actor(ctx.actor.workstation, staff.id),
        data={"method": "card"},
    )
    return _view(staff)


def logout(session: Session, ctx: Context, reason: str = "logout") -> None:
    events.append(
        session, at=ctx.now, kind="staff.logout", actor=ctx.actor, data={"reason": reason}
    )
