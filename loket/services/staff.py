"""Staff: login by PIN or card, logout, key management and the staff register."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from loket import appointments, staff
from loket.keys import KeyService
from loket.services.base import ServiceBase
from loket.staff import LoginFailed, StaffView
from loket.staff_admin import StaffAdmin
from loket.tickets import Context


class StaffService(ServiceBase):
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
