"""Set-up shared by the tests of the stored day plan (tests/loket/test_plan_live.py,
tests/loket/test_demo_plan.py): expected volumes, the forecast before there is
history, and booking one time until the plan has no room left."""

from __future__ import annotations

from datetime import datetime

from loket.errors import Refused
from loket.services import Loket


def set_volumes(loket: Loket, walk_ins: float = 40.0) -> None:
    """Expected visits per weekday in every branch of the test municipality."""
    for weekday in range(5):
        loket.planning.set_expected_volume("dalfsen", "paspoort", weekday, walk_ins, 8)
        loket.planning.set_expected_volume("dalfsen", "idkaart", weekday, walk_ins / 2, 6)
        loket.planning.set_expected_volume("nieuwleusen", "paspoort", weekday, 6, 2)
        loket.planning.set_expected_volume("lemelerveld", "paspoort", weekday, 4, 1)


def book_until_full(loket: Loket, start: datetime, most: int) -> tuple[int, Refused | None]:
    """Books passports in Dalfsen at ``start`` for up to ``most`` residents: how many
    were accepted, and the refusal that stopped it (None if all were)."""
    for k in range(most):
        try:
            loket.book_appointment("dalfsen", "paspoort", start, name=f"Inwoner {k}")
        except Refused as exc:
            return k, exc
    return most, None
