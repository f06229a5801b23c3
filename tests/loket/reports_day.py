"""A known week driven through the core, with every figure worked out by hand.

Tuesday 24 November 2026 at the town hall (norm 5 minutes), times set with the clock
as ``--now`` sets them on the command line:

| ticket | kind | service (final) | wait at first call | end |
|---|---|---|---|---|
| A 1 | walk-in | paspoort | 09:00 -> 09:03 = 3:00 | served 09:10; rated 8 (5, 4, 5) |
| B 1 | walk-in | idkaart | 09:01 -> 09:09 = 8:00 | called 3x, did not come |
| G 1 | walk-in | uittreksel | 09:02 -> 09:08 = 6:00 | served 09:12; rated 6 (4, 3, -) |
| E 1 | walk-in | verhuizing | never called | cancelled 09:20 after 15:00 |
| C 1 | walk-in | ophalen | never called | cancelled 09:07 after 1:00 |
| A 2 | appointment 09:30 (online) | paspoort | 09:30 -> 09:31 = 1:00 | served; rated 8 (5, 5, 5) |
| B 2 | late appointment 09:40 (phone), in 09:55 | idkaart | 09:55 -> 10:02 = 7:00 | served |
| D 1 | walk-in | rijbewijs -> uittreksel | 10:00 -> 10:01 = 1:00 | transferred, served; rated 9 |
| E 2 | walk-in | verhuizing | never called (12:00) | still waiting when the day ended |

Also booked in the week: a follow-up at the counter for Thursday 26th, never came.
A year earlier (Tuesday 25 November 2025): one walk-in, called after 2:00, rated 6.
"""

from __future__ import annotations

from datetime import date, datetime

from loket.services import Loket

BRANCH = "dalfsen"
WEEK = (date(2026, 11, 23), date(2026, 11, 29))
YEAR_BEFORE = (date(2025, 11, 23), date(2025, 11, 29))


def _at(loket: Loket, hh: int, mm: int, day: int = 24, month: int = 11, year: int = 2026) -> None:
    loket.clock.set(datetime(year, month, day, hh, mm))


def drive_known_week(loket: Loket) -> dict[str, str]:
    """Runs the week above; returns the appointment references by name."""
    _at(loket, 10, 0, day=23)
    ap1 = loket.book_appointment(
        BRANCH,
        "paspoort",
        datetime(2026, 11, 24, 9, 30),
        name="J. de Vries",
        email="jdv@example.nl",
        channel="online",
    )
    ap2 = loket.book_appointment(
        BRANCH,
        "idkaart",
        datetime(2026, 11, 24, 9, 40),
        name="M. Jansen",
        phone="0612345678",
        channel="phone",
    )

    _at(loket, 9, 0)
    a1 = loket.issue_ticket(BRANCH, "paspoort").number
    _at(loket, 9, 1)
    b1 = loket.issue_ticket(BRANCH, "idkaart").number
    _at(loket, 9, 2)
    g1 = loket.issue_ticket(BRANCH, "uittreksel").number
    _at(loket, 9, 3)
    loket.call_ticket(BRANCH, 1, a1, "other")
    loket.start(BRANCH, a1)
    _at(loket, 9, 5)
    e1 = loket.issue_ticket(BRANCH, "verhuizing").number
    _at(loket, 9, 6)
    c1 = loket.issue_ticket(BRANCH, "ophalen").number
    _at(loket, 9, 7)
    loket.cancel_ticket(BRANCH, c1)
    _at(loket, 9, 8)
    loket.call_ticket(BRANCH, 3, g1, "other")
    loket.start(BRANCH, g1)
    _at(loket, 9, 9)
    loket.call_ticket(BRANCH, 2, b1, "other")
    _at(loket, 9, 10)
    loket.finish(BRANCH, a1)
    _at(loket, 9, 11)
    loket.recall(BRANCH, b1)
    loket.give_feedback(BRANCH, a1, 8, friendliness=5, speed=4, expertise=5)
    _at(loket, 9, 12)
    loket.finish(BRANCH, g1)
    _at(loket, 9, 13)
    loket.recall(BRANCH, b1)
    loket.give_feedback(BRANCH, g1, 6, friendliness=4, speed=3)
    _at(loket, 9, 15)
    loket.no_show(BRANCH, b1)
    _at(loket, 9, 20)
    loket.cancel_ticket(BRANCH, e1)

    _at(loket, 9, 25)
    a2 = loket.check_in_reference(ap1.reference, BRANCH)[0].number
    _at(loket, 9, 31)
    loket.call_ticket(BRANCH, 1, a2, "appointment")
    loket.start(BRANCH, a2)
    _at(loket, 9, 45)
    loket.finish(BRANCH, a2)
    _at(loket, 9, 46)
    loket.give_feedback(BRANCH, a2, 8, friendliness=5, speed=5, expertise=5)
    follow_up = loket.book_follow_up(
        BRANCH,
        "paspoort",
        datetime(2026, 11, 26, 10, 0),
        name="J. de Vries",
        follow_up_of=ap1.reference,
        channel="counter",
        notes="Nieuwe pasfoto meenemen",
    )
    _at(loket, 9, 55)
    b2 = loket.check_in_reference(ap2.reference, BRANCH)[0].number

    _at(loket, 10, 0)
    d1 = loket.issue_ticket(BRANCH, "rijbewijs").number
    _at(loket, 10, 1)
    loket.call_ticket(BRANCH, 1, d1, "other")
    loket.start(BRANCH, d1)
    _at(loket, 10, 2)
    loket.call_ticket(BRANCH, 2, b2, "other")
    loket.start(BRANCH, b2)
    _at(loket, 10, 5)
    loket.transfer(BRANCH, d1, service="uittreksel", note="Mevrouw Visser wil ook een uittreksel")
    _at(loket, 10, 10)
    loket.finish(BRANCH, b2)
    _at(loket, 10, 20)
    loket.call_ticket(BRANCH, 1, d1, "colleague")
    loket.start(BRANCH, d1)
    _at(loket, 10, 25)
    loket.finish(BRANCH, d1)
    _at(loket, 10, 26)
    loket.give_feedback(BRANCH, d1, 9)
    _at(loket, 12, 0)
    loket.issue_ticket(BRANCH, "verhuizing")

    # Thursday: the follow-up's late window passes.
    _at(loket, 11, 0, day=26)
    loket.expire_missed_appointments()

    # A year earlier.
    _at(loket, 9, 0, day=25, year=2025)
    old = loket.issue_ticket(BRANCH, "paspoort").number
    _at(loket, 9, 2, day=25, year=2025)
    loket.call_ticket(BRANCH, 1, old, "other")
    loket.start(BRANCH, old)
    _at(loket, 9, 10, day=25, year=2025)
    loket.finish(BRANCH, old)
    loket.give_feedback(BRANCH, old, 6)

    # The report is made the Monday after.
    _at(loket, 8, 0, day=30)
    return {"ap1": ap1.reference, "ap2": ap2.reference, "follow_up": follow_up.reference}
