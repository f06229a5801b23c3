"""The live prediction's small reads in one statement (PostgreSQL, loket/live_reads.py)
or on SQLite's driver (loket/live_reads_sqlite.py) give the queue state the separate
reads give: the same services and rules, visits at
the counters, who sits where (a colleague who logged out does not), speeds, bookings
still to come and the day's plan."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select, text

from loket import live_reads, live_reads_sqlite, pg_driver, queue_state, waiting_list
from loket.errors import Unavailable
from loket.events import Actor
from loket.models import Staff
from loket.services import Loket
from scheduler.prediction import WalkIns
from tests.rigs.postgres import drop_pooled_connection

TUESDAY = date(2026, 11, 24)


def test_the_fast_reads_give_the_state_of_the_separate_reads(loket: Loket, clock) -> None:  # type: ignore[no-untyped-def]
    """PostgreSQL's one statement, SQLite's reads on the driver: the same as the
    separate reads through SQLAlchemy."""
    clock.set(datetime(2026, 11, 24, 9, 0))
    loket.planning.plan(TUESDAY, work_limit=0.5)
    with loket.db.read() as session:
        people = {code: sid for code, sid in session.execute(select(Staff.code, Staff.id))}
    # Bram at counter 1: his own speeds (paspoort 0.9, verhuizing 1.1), no rijbewijs.
    bram = loket.as_actor(Actor("balie-1", staff_id=people["bram"], roles=frozenset({"counter"})))
    numbers = [loket.issue_ticket("dalfsen", s).number for s in ("idkaart", "paspoort") * 3]
    loket.book_appointment("dalfsen", "paspoort", datetime(2026, 11, 24, 10, 0), name="J. Jansen")
    loket.book_appointment("dalfsen", "idkaart", datetime(2026, 11, 24, 9, 30), name="P. Smit")
    clock.set(datetime(2026, 11, 24, 9, 5))
    called = bram.call_next("dalfsen", 1)
    assert called is not None
    bram.start("dalfsen", called.number)
    loket.call_ticket("dalfsen", 2, numbers[-1], "manual")
    # Someone else called at counter 3, then logged out: nobody sits there now.
    other = next(code for code in people if code != "bram")
    bert = loket.as_actor(Actor("balie-3", staff_id=people[other], roles=frozenset({"counter"})))
    called_3 = bert.call_next("dalfsen", 3)
    if called_3 is not None:
        bert.start("dalfsen", called_3.number)
        bert.finish("dalfsen", called_3.number)
    bert.logout()
    with loket.db.write() as session:  # out of use: its services are not on offer
        session.execute(text("UPDATE counter SET active = false WHERE number = 4"))
    clock.set(datetime(2026, 11, 24, 9, 12))
    now = clock.now()
    with loket.db.read() as session:
        if loket.db.is_sqlite:
            fast = live_reads_sqlite.read(session.connection(), 1, now)
        else:
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
        assert {counter for counter, _code in fast.equipment} == {1, 2, 3}
        assert fast.upcoming == slow.upcoming
        assert [code for code, _at in fast.upcoming] == ["idkaart", "paspoort"]
        one = queue_state.live_state(session, 1, now.date(), now, None, coverage)
        waiting = session.execute(
            text(
                "SELECT id, service_id, wait_from, kind = 'appointment' AND appointment_at "
                "IS NOT NULL FROM ticket WHERE branch_id = 1 AND day = :day "
                "AND status = 'waiting'"
            ),
            {"day": now.date()},
        )
        read_apart = waiting_list.columns(
            {i: (s, waiting_list.microseconds(_as_moment(m)), t) for i, s, m, t in sorted(waiting)},
            -1,
            now,
        )
        separate = queue_state._state(
            session, 1, now.date(), now, None, replace(slow, waiting=read_apart)
        )
        assert one == separate
        assert [c.counter_id for c in one.counters] == [1, 2]
        assert [c.busy_service for c in one.counters] == [called.service, "paspoort"]
        assert one.counters[0].elapsed_minutes == pytest.approx(7.0)
        assert one.counters[0].services == {
            "paspoort": 0.9,
            "idkaart": 0.9,
            "ophalen": 1.0,
            "verhuizing": 1.1,
            "uittreksel": 1.0,
        }
        prediction = queue_state.predict_live(session, 1, "paspoort", now)
    assert prediction.seconds is not None and prediction.seconds > 0
    assert now - timedelta(minutes=15) <= fast.upcoming[0][1]


def test_who_sits_where_is_todays_latest_event_per_counter(loket: Loket, clock) -> None:  # type: ignore[no-untyped-def]
    """Bram served at counter 3 yesterday: today nobody sits there. Anna is at counter 1
    today; the latest of today's events by its moment counts, also when one written after
    it carries an earlier moment (a PC whose clock runs behind)."""
    with loket.db.read() as session:
        people = {code: sid for code, sid in session.execute(select(Staff.code, Staff.id))}

    def clerk(code: str, counter: int) -> Loket:
        roles = frozenset({"counter"})
        return loket.as_actor(Actor(f"balie-{counter}", staff_id=people[code], roles=roles))

    bram, anna = clerk("bram", 3), clerk("anna", 1)
    clock.set(datetime(2026, 11, 23, 10, 0))  # Monday
    loket.issue_ticket("dalfsen", "paspoort")
    yesterday = bram.call_next("dalfsen", 3)
    assert yesterday is not None
    bram.start("dalfsen", yesterday.number)
    clock.set(datetime(2026, 11, 24, 9, 30))
    loket.issue_ticket("dalfsen", "idkaart")
    called = anna.call_next("dalfsen", 1)
    assert called is not None
    anna.start("dalfsen", called.number)
    clock.set(datetime(2026, 11, 24, 9, 20))  # written later, ten minutes "earlier"
    anna.finish("dalfsen", called.number)
    now = datetime(2026, 11, 24, 9, 40)
    with loket.db.read() as session:
        connection = session.connection()
        if loket.db.is_sqlite:
            fast = live_reads_sqlite.read(connection, 1, now)
        else:
            fast = live_reads.read(connection, 1, now)
        slow = queue_state._small_reads(session, 1, now, None)
        state = queue_state.live_state(session, 1, now.date(), now)
    assert fast.presence == slow.presence
    assert [(counter, kind) for _id, counter, _staff, kind, _data in fast.presence] == [
        (1, "ticket.started")
    ]
    assert [c.counter_id for c in state.counters] == [1]
    assert state.counters[0].busy_service is None  # finished, whatever its moment


def _as_moment(value: datetime | str) -> datetime:
    """A moment from a plain-text query: SQLite gives it as the text it stores."""
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def test_the_moments_from_postgresql_are_exact(loket: Loket, clock) -> None:  # type: ignore[no-untyped-def]
    """Walk-ins issued at odd microseconds, read at an odd moment before, between and
    after them: the microseconds from now the database gives are exact, so the moments
    and the replay's minutes are, to the last bit, ``(since - now).total_seconds() /
    60``."""
    if loket.db.is_sqlite:
        pytest.skip("PostgreSQL only: SQLite gives the moments as text")
    moments = [
        datetime(2026, 11, 24, 8, 30, 0, 1),
        datetime(2026, 11, 24, 9, 3, 7, 123457),
        datetime(2026, 11, 24, 9, 3, 7, 123458),
        datetime(2026, 11, 24, 11, 59, 59, 999999),
    ]
    for moment in moments:
        clock.set(moment.replace(microsecond=0))
        number = loket.issue_ticket("dalfsen", "paspoort").number
        with loket.db.write() as session:  # the clock gives whole seconds
            session.execute(
                text("UPDATE ticket SET wait_from = :at WHERE prefix || ' ' || sequence = :n"),
                {"at": moment, "n": number},
            )
    for now in (
        datetime(2026, 11, 24, 8, 0, 0, 333333),
        datetime(2026, 11, 24, 9, 3, 7, 123457),
        datetime(2026, 11, 24, 10, 17, 42, 987654),
        datetime(2026, 11, 24, 23, 59, 59, 999999),
        datetime(2026, 11, 27, 6, 0, 0, 1),  # days later
    ):
        with loket.db.read() as session:
            state = queue_state.live_state(session, 1, TUESDAY, now)
        walk_ins = state.walk_ins
        assert isinstance(walk_ins, WalkIns)
        assert [since for _service, since in walk_ins] == moments
        assert walk_ins.offsets == [(m - now) // timedelta(microseconds=1) for m in moments]
        assert walk_ins.minutes() == [(m - now).total_seconds() / 60 for m in moments]


def test_moments_read_as_microseconds_are_exact_for_any_moment(loket: Loket) -> None:
    """The driver's integer loader on a timestamp gives PostgreSQL's own count of
    microseconds since 2000: on 5,000 random moments (to the microsecond, from 1990 to
    2060) the same as Python's exact count; the moments of an issued ticket too."""
    if loket.db.is_sqlite:
        pytest.skip("PostgreSQL only")
    loket.issue_ticket("dalfsen", "paspoort")
    with loket.db.read() as session:
        connection = session.connection()
        moments = session.execute(
            text(
                "SELECT array_agg(m ORDER BY m) FROM (SELECT timestamp '1990-01-01'"
                " + random() * interval '70 years' AS m FROM generate_series(1, 5000)) s"
            )
        ).scalar_one()
        issued = session.execute(text("SELECT wait_from FROM ticket")).scalar_one()
        cursor = connection.connection.cursor(binary=True)
        live_reads.as_microseconds(cursor)
        cursor.execute(
            "SELECT %s::timestamp[], (SELECT array_agg(wait_from) FROM ticket)", (moments,)
        )
        row = cursor.fetchone()
        cursor.close()
    assert row is not None
    as_numbers, issued_numbers = row
    assert len(set(moments)) > 4900 and any(m.microsecond % 1000 for m in moments)
    assert as_numbers == [waiting_list.microseconds(m) for m in moments]
    assert issued_numbers == [waiting_list.microseconds(issued)]


def test_a_driver_error_on_the_drivers_cursor_is_unavailable(loket: Loket) -> None:
    """Any error of a read on the driver's own cursor (here: division by zero) reaches
    the services as SQLAlchemy's, so they answer ``Unavailable``, not a traceback."""
    if loket.db.is_sqlite:
        pytest.skip("PostgreSQL only")
    with pytest.raises(Unavailable), loket.db.read() as session:
        connection = session.connection()
        with pg_driver.driver_errors(connection, "SELECT 1 / 0"):
            cursor = connection.connection.cursor()
            cursor.execute("SELECT 1 / 0")


def test_a_connection_lost_in_the_pool_is_unavailable_not_a_crash(loket: Loket) -> None:
    """The prediction's statement, a transaction's first, runs on the driver's cursor:
    when the server dropped the pooled connection a moment ago (before the idle check
    would look), the kiosk gets the plain ``Unavailable`` (its calm screen) and the
    next ticket goes through on a fresh connection."""
    if loket.db.is_sqlite:
        pytest.skip("PostgreSQL only")
    loket.issue_ticket("dalfsen", "paspoort")
    drop_pooled_connection(loket.db.engine)
    with pytest.raises(Unavailable):
        loket.issue_ticket("dalfsen", "paspoort")
    assert loket.issue_ticket("dalfsen", "paspoort").number == "A 2"
