"""Staff enrolment: add a member of staff, give them a PIN or a card, disable them.

Used by ``loket staff …`` (loket/cli/staff.py) and the team leader's staff tab
(counter/manager_staff.py). Every change is an event (``staff.added``, ``staff.changed``,
``staff.pin_set``, ``staff.card_enrolled``, ``staff.card_removed``, ``staff.disabled``,
``staff.enabled``) naming the staff code and what changed, never the PIN, its hash, the
card UID or its fingerprint.

Who may: the team leader (manager) and the administrator. Only an administrator gives
or takes the admin role, or changes an administrator, so a team leader cannot make
themselves one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from loket import appointments, events, security
from loket.errors import DomainError, NotFound, PermissionDenied, Refused
from loket.models import Staff
from loket.staff import ROLE_NL, SYSTEM
from loket.tickets import Context

if TYPE_CHECKING:
    from loket.services.base import ServiceBase

T = TypeVar("T")

STAFF_ROLES = ("counter", "reception", "manager", "admin")
_CODE = re.compile(r"[a-z][a-z0-9._-]{1,39}")
_UID = re.compile(r"([0-9A-F]{2}){4,10}")


@dataclass(frozen=True)
class StaffEntry:
    """One member of staff as the staff list shows them: no secret, only whether set."""

    code: str
    name: str
    roles: tuple[str, ...]
    active: bool
    has_pin: bool
    has_card: bool
    locked: bool

    @property
    def roles_nl(self) -> str:
        return ", ".join(ROLE_NL.get(r, r) for r in self.roles)

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "name": self.name,
            "roles": list(self.roles),
            "active": self.active,
            "has_pin": self.has_pin,
            "has_card": self.has_card,
            "locked": self.locked,
        }


def normalise_uid(uid: str) -> str:
    """A card UID as typed or read: hex, spaces or colons allowed, 4-10 bytes."""
    text = re.sub(r"[\s:-]", "", uid).upper()
    if not _UID.fullmatch(text):
        raise Refused(
            "Dit is geen pasnummer (UID): gebruik 4 tot 10 bytes in hex, bijvoorbeeld 04A1B2C3.",
            code="card_uid",
        )
    return text


def check_code(code: str) -> str:
    code = code.strip().lower()
    if not _CODE.fullmatch(code):
        raise Refused(
            "Een inlognaam bestaat uit 2 tot 40 kleine letters, cijfers, '.', '-' of '_' "
            "en begint met een letter, bijvoorbeeld j.devries.",
            code="staff_code",
        )
    return code


def check_roles(roles: Sequence[str]) -> tuple[str, ...]:
    wanted = tuple(dict.fromkeys(r.strip().lower() for r in roles if r.strip()))
    if not wanted:
        raise Refused("Kies minstens één rol: " + ", ".join(STAFF_ROLES) + ".", code="role")
    unknown = [r for r in wanted if r not in STAFF_ROLES]
    if unknown:
        raise Refused(
            f"Onbekende rol '{unknown[0]}'. Kies uit: {', '.join(STAFF_ROLES)}.", code="role"
        )
    return wanted


def _entry(member: Staff, ctx: Context) -> StaffEntry:
    return StaffEntry(
        code=member.code,
        name=member.name,
        roles=tuple(member.roles),
        active=member.active,
        has_pin=bool(member.pin_hash),
        has_card=bool(member.card_hash),
        locked=bool(member.locked_until and member.locked_until > ctx.now),
    )


class StaffAdmin:
    """Staff enrolment services; each method is one transaction (``Loket.staff_admin``)."""

    def __init__(self, loket: ServiceBase) -> None:
        self._loket = loket

    # -- plumbing -------------------------------------------------------------------

    def _may(self, *roles_touched: str) -> None:
        actor = self._loket.actor
        if SYSTEM in actor.roles or "admin" in actor.roles:
            return
        if "manager" not in actor.roles:
            raise PermissionDenied("Alleen de teamleider of de beheerder beheert medewerkers.")
        if "admin" in roles_touched:
            raise PermissionDenied("Alleen een beheerder geeft of wijzigt de rol beheerder.")

    def _write(self, fn: Callable[[Session, Context], T]) -> T:
        with self._loket.db.write() as session:
            return fn(session, self._loket._ctx())

    @staticmethod
    def _member(session: Session, code: str) -> Staff:
        member = session.scalar(
            select(Staff).where(Staff.code == code.strip().lower()).with_for_update()
        )
        if member is None:
            raise NotFound(f"Er is geen medewerker met inlognaam '{code}'.")
        return member

    def _record(
        self, session: Session, ctx: Context, kind: str, member: Staff, **data: object
    ) -> None:
        events.append(
            session, at=ctx.now, kind=kind, actor=ctx.actor, data={"staff": member.code, **data}
        )

    # -- reading ----------------------------------------------------------------------

    def list(self, include_disabled: bool = True) -> list[StaffEntry]:
        self._may()
        ctx = self._loket._ctx()
        with self._loket.db.read() as session:
            query = select(Staff).order_by(Staff.name, Staff.code)
            if not include_disabled:
                query = query.where(Staff.active)
            return [_entry(m, ctx) for m in session.scalars(query)]

    # -- changes ----------------------------------------------------------------------

    def add(self, code: str, name: str, roles: Sequence[str], pin: str | None = None) -> StaffEntry:
        code = check_code(code)
        wanted = check_roles(roles)
        name = " ".join(name.split())
        if not 1 <= len(name) <= 120:
            raise Refused("Vul de naam van de medewerker in (hoogstens 120 tekens).", code="name")
        self._may(*wanted)
        if pin is not None:
            _check_new_pin(pin)

        def run(session: Session, ctx: Context) -> StaffEntry:
            if session.scalar(select(Staff.id).where(Staff.code == code)) is not None:
                raise Refused(
                    f"Er is al een medewerker met inlognaam '{code}'. Kies een andere naam, "
                    "of wijzig deze medewerker.",
                    code="exists",
                )
            member = Staff(code=code, name=name, roles=list(wanted), active=True)
            if pin is not None:
                member.pin_hash = security.hash_pin(pin)
            session.add(member)
            session.flush()
            self._record(session, ctx, "staff.added", member, roles=list(wanted))
            if pin is not None:
                self._record(session, ctx, "staff.pin_set", member)
            return _entry(member, ctx)

        return self._write(run)

    def change(
        self, code: str, *, name: str | None = None, roles: Sequence[str] | None = None
    ) -> StaffEntry:
        wanted = check_roles(roles) if roles is not None else None

        def run(session: Session, ctx: Context) -> StaffEntry:
            member = self._member(session, code)
            self._may(*member.roles, *(wanted or ()))
            changed: list[str] = []
            if name is not None and " ".join(name.split()) != member.name:
                member.name = " ".join(name.split())
                changed.append("name")
            if wanted is not None and tuple(member.roles) != wanted:
                member.roles = list(wanted)
                changed.append("roles")
            if changed:
                self._record(
                    session, ctx, "staff.changed", member, fields=changed, roles=list(member.roles)
                )
            return _entry(member, ctx)

        return self._write(run)

    def set_pin(self, code: str, pin: str) -> StaffEntry:
        _check_new_pin(pin)
        pin_hash = security.hash_pin(pin)  # slow (scrypt): outside the transaction

        def run(session: Session, ctx: Context) -> StaffEntry:
            member = self._member(session, code)
            self._may(*member.roles)
            member.pin_hash = pin_hash
            member.failed_logins = 0
            member.locked_until = None
            self._record(session, ctx, "staff.pin_set", member)
            return _entry(member, ctx)

        return self._write(run)

    def enrol_card(self, code: str, uid: str) -> StaffEntry:
        uid = normalise_uid(uid)

        def run(session: Session, ctx: Context) -> StaffEntry:
            member = self._member(session, code)
            self._may(*member.roles)
            fingerprint = security.card_fingerprint(uid, appointments.card_key(session, ctx.now))
            holder = session.scalar(select(Staff).where(Staff.card_hash == fingerprint))
            if holder is not None and holder.id != member.id:
                raise Refused(
                    f"Deze pas hoort al bij {holder.name}. Haal de pas daar eerst weg.",
                    code="card_taken",
                )
            member.card_hash = fingerprint
            self._record(session, ctx, "staff.card_enrolled", member)
            return _entry(member, ctx)

        return self._write(run)

    def remove_card(self, code: str) -> StaffEntry:
        def run(session: Session, ctx: Context) -> StaffEntry:
            member = self._member(session, code)
            self._may(*member.roles)
            if member.card_hash:
                member.card_hash = None
                self._record(session, ctx, "staff.card_removed", member)
            return _entry(member, ctx)

        return self._write(run)

    def set_active(self, code: str, active: bool) -> StaffEntry:
        def run(session: Session, ctx: Context) -> StaffEntry:
            member = self._member(session, code)
            self._may(*member.roles)
            if ctx.actor.staff_id == member.id and not active:
                raise Refused("U kunt uzelf niet uitschakelen.", code="self")
            if member.active != active:
                member.active = active
                self._record(session, ctx, "staff.enabled" if active else "staff.disabled", member)
            return _entry(member, ctx)

        return self._write(run)

    def disable(self, code: str) -> StaffEntry:
        return self.set_active(code, False)


def _check_new_pin(pin: str) -> None:
    try:
        security.validate_new_pin(pin)
    except security.PinFormatError as exc:
        raise DomainError(exc.message, code="pin") from exc
