"""The live prediction's small reads in one statement (PostgreSQL, loket/live_reads.py)
give the queue state the separate reads give: the same services and rules, visits at
the counters, who sits where (a colleague who logged out does not), speeds, bookings
still to come and the day's plan."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from loket import live_reads, queue_state
from loket.events import Actor
from loket.models import Staff
from loket.services import Loket

TUESDAY = date(2026, 11, 24)


def test_one_statement_gives_the_state_of_the_separate_reads(loket: Loket, clock) -> None:  # type: ignore[no-untyped-def]
    if loket.db.is_sqlite:
        pytest.skip("PostgreSQL only: SQLite keeps the separate reads")
    clock.set(datetime(2026, 11, 24, 9, 0))
    loket.planning.plan(TUESDAY, work_limit=0.5)
    with loket.db.read() as session:
        people = {code: sid for code, sid in session.execute(select(Staff.code, Staff.id))}
    anna = loket.as_actor(Actor("balie-1", staff_id=people["anna"], roles=frozenset({"counter"})))
    numbers = [loket.issue_ticket("dalfsen", s).number for s in ("idkaart", "paspoort") * 3]
    loket.book_appointment("dalfsen", "paspoort", datetime(2026, 11, 24, 10, 0), name="J. Jansen")
    loket.book_appointment("dalfsen", "idkaart", datetime(2026, 11, 24, 9, 30), name="P. Smit")
    clock.set(datetime(2026, 11, 24, 9, 5))
    called = anna.call_next("dalfsen", 1)
    assert called is not None
    anna.start("dalfsen", called.number)
    loket.call_ticket("dalfsen", 2, numbers[-1], "manual")
    # Someone else called at counter 3, then logged out: nobody sits there now.
    other = next(code for code in people if code != "anna")
    bert = loket.as_actor(Actor("balie-3", staff_id=people[other], roles=frozenset({"counter"})))
    called_3 = bert.call_next("dalfsen", 3)
    if called_3 is not None:
        bert.start("dalfsen", called_3.number)
        bert.finish("dalfsen", called_3.number)
    bert.logout()
    clock.set(datetime(2026, 11, 24, 9, 12))
    now = clock.now()
    with loket.db.read() as session:
        fast = live_reads.read(session.connection(), 1, now)
        coverage = queue_state.branch_coverage(session, 1, now.date())
        slow = queue_state._small_reads(session, 1, now, coverage)
        assert coverage and fast.coverage == coverage
        assert fast.means == slow.means
        assert sorted(fast.at_counters) == sorted(slow.at_counters)
        assert len(fast.at_counters) == 2
        assert fast.presence == slow.presence
        assert sorted(fast.logouts) == sorted(slow.logouts)
        assert sorted(fast.equipment) == sorted(slow.equipment)
        assert fast.upcoming == slow.upcoming
        assert [code for code, _at in fast.upcoming] == ["idkaart", "paspoort"]
        one = queue_state.live_state(session, 1, now.date(), now, None, coverage)
        separate = queue_state._state(session, 1, now.date(), now, None, slow)
        assert one == separate
        assert [c.counter_id for c in one.counters] == [1, 2]
        assert [c.busy_service for c in one.counters] == [called.service, "paspoort"]
        assert one.counters[0].elapsed_minutes == pytest.approx(7.0)
        prediction = queue_state.predict_live(session, 1, "paspoort", now)
    assert prediction.seconds is not None and prediction.seconds > 0
    assert now - timedelta(minutes=15) <= fast.upcoming[0][1]
