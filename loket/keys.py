"""Rotation of the keys that sign appointment codes (``loket keys rotate``).

A code carries the id of the key that signed it (``loket/codes.py``) and is valid only on
its appointment's day. Rotating adds a key under a new id and makes it current: every
code made from then on (a booking, a reprinted or re-sent confirmation) is signed with
it, and the old key still verifies the codes already on paper and phones. An old key is
retired (deleted) once no appointment that existed when it was replaced lies today or
later: after that no code it signed can be valid any more. Every rotation and
retirement is an event with the key id only, never the key.

The staff-card key is not rotated here: card fingerprints are stored with it, so a new
card key means enrolling every card again (``loket staff enrol-card``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from loket import codes, events
from loket.appointments import code_keys
from loket.errors import Refused
from loket.models import Appointment, SigningKey
from loket.tickets import Context

if TYPE_CHECKING:
    from loket.services.base import ServiceBase

PURPOSE = "code"


@dataclass(frozen=True)
class KeyView:
    """A code key as the administrator sees it: never the secret."""

    key_id: int
    created_at: datetime
    current: bool
    # The last day a code signed with this key can be valid (None: the current key, or
    # no appointment was made with it); retired the day after.
    last_valid_day: date | None

    def to_dict(self) -> dict[str, object]:
        return {
            "key_id": self.key_id,
            "created_at": self.created_at.isoformat(),
            "current": self.current,
            "last_valid_day": self.last_valid_day.isoformat() if self.last_valid_day else None,
        }


@dataclass(frozen=True)
class RotationReport:
    new_key_id: int
    retired: tuple[int, ...]
    keys: tuple[KeyView, ...]


def _rows(session: Session) -> list[SigningKey]:
    return list(
        session.scalars(
            select(SigningKey)
            .where(SigningKey.purpose == PURPOSE)
            .order_by(SigningKey.created_at, SigningKey.key_id)
            .with_for_update()
        )
    )


def _replaced_at(row: SigningKey, rows: list[SigningKey]) -> datetime | None:
    """When the next key took over from ``row`` (None: ``row`` is current)."""
    if row.current:
        return None
    later = [r.created_at for r in rows if r.created_at >= row.created_at and r is not row]
    return min(later) if later else row.created_at


def _last_valid_day(session: Session, row: SigningKey, rows: list[SigningKey]) -> date | None:
    replaced = _replaced_at(row, rows)
    if replaced is None:
        return None
    last = session.scalar(
        select(func.max(Appointment.start)).where(Appointment.created_at <= replaced)
    )
    return last.date() if last is not None else None


def _views(session: Session, rows: list[SigningKey]) -> tuple[KeyView, ...]:
    return tuple(
        KeyView(r.key_id, r.created_at, r.current, _last_valid_day(session, r, rows)) for r in rows
    )


def retire_expired(session: Session, ctx: Context) -> list[int]:
    """Delete old code keys whose codes can no longer be valid (today or later)."""
    rows = _rows(session)
    retired: list[int] = []
    for row in rows:
        if row.current:
            continue
        last = _last_valid_day(session, row, rows)
        if last is None or last < ctx.now.date():
            retired.append(row.key_id)
    for row in rows:
        if row.key_id in retired:
            session.delete(row)
            events.append(
                session,
                at=ctx.now,
                kind="keys.retired",
                actor=ctx.actor,
                data={"key_id": row.key_id},
            )
    session.flush()
    return retired


def rotate(session: Session, ctx: Context) -> RotationReport:
    code_keys(session, ctx.now)  # a new database: the first key, so there is one to replace
    retired = retire_expired(session, ctx)
    rows = _rows(session)
    used = {r.key_id for r in rows}
    newest = max(rows, key=lambda r: (r.created_at, r.key_id))
    candidates = [(newest.key_id + i) % (codes.MAX_KEY_ID + 1) for i in range(1, 33)]
    free = [k for k in candidates if k not in used]
    if not free:
        raise Refused(
            "Alle sleutelnummers zijn in gebruik door codes die nog geldig zijn. Probeer het "
            "opnieuw als de oudste afspraken voorbij zijn.",
            code="keys_full",
        )
    for row in rows:
        row.current = False
    # Never earlier than the key it replaces, so "replaced at" stays well ordered even
    # when a set clock (training, tests) runs behind.
    created = max(ctx.now, newest.created_at)
    key = SigningKey(
        purpose=PURPOSE,
        key_id=free[0],
        secret=codes.generate_key(),
        created_at=created,
        current=True,
    )
    session.add(key)
    session.flush()
    events.append(
        session, at=ctx.now, kind="keys.rotated", actor=ctx.actor, data={"key_id": key.key_id}
    )
    rows = _rows(session)
    return RotationReport(key.key_id, tuple(retired), _views(session, rows))


class KeyService:
    """``Loket.keys``: each method one transaction; the CLI's system actor only."""

    def __init__(self, loket: ServiceBase) -> None:
        self._loket = loket

    def _require(self) -> None:
        roles = self._loket.actor.roles
        if not roles & {"system", "admin"}:
            from loket.errors import PermissionDenied

            raise PermissionDenied("Alleen de beheerder vervangt de sleutels van de codes.")

    def rotate(self) -> RotationReport:
        self._require()
        with self._loket.db.write() as session:
            return rotate(session, self._loket._ctx())

    def retire_expired(self) -> list[int]:
        self._require()
        with self._loket.db.write() as session:
            return retire_expired(session, self._loket._ctx())

    def list(self) -> tuple[KeyView, ...]:
        self._require()
        with self._loket.db.read() as session:
            return _views(session, _rows(session))
