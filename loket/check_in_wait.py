"""The wait shown at check-in, predicted before the check-in's write transaction.

Like issuing a walk-in ticket (``Loket.issue_ticket``, loket/services/tickets.py), a
check-in (loket/services/appointments.py) first predicts the wait in a read transaction
and only then takes the write lock for the check-in itself, so no counter waits for
SQLite's single writer while the prediction runs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from sqlalchemy.orm import Session

from loket import appointments, codes
from loket.db import Database
from loket.errors import DomainError, Unavailable
from loket.models import Appointment
from loket.queue_state import LivePrediction
from loket.views import TicketView

__all__ = ["LivePrediction", "predicted", "with_note"]


def predicted(
    db: Database, now: datetime, find: Callable[[Session], Appointment]
) -> LivePrediction | None:
    """The checked-in ticket's expected wait, read without locking. None when the code
    does not lead to an appointment that can check in now: the write then refuses with
    the reason (and counts a wrong code)."""
    try:
        with db.read() as session:
            return appointments.predict_check_in(session, find(session), now)
    except (DomainError, codes.CodeError, Unavailable):
        # The write that follows refuses with the reason, or finds the database gone.
        return None


def with_note(
    result: tuple[TicketView, str], prediction: LivePrediction | None
) -> tuple[TicketView, str]:
    """The check-in's ticket with "Nu is er niemand voor deze dienst …" when nobody who
    does the service sits at a counter (the kiosk shows that instead of minutes)."""
    view, message = result
    if prediction is None or prediction.note is None or view.status != "waiting":
        return result
    return replace(
        view, wait_note=prediction.note, wait_expected_from=prediction.expected_from
    ), message
