"""The fast "call next" (loket.clerk_sql) picks exactly what the scheduler picks from the
whole queue, on random queues, on SQLite and PostgreSQL."""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import event, or_, select, text

from loket import call_next_pg, clerk_sqlite, logging_setup, tickets
from loket.errors import IllegalTransition
from loket.events import Actor
from loket.models import (
    Branch,
    Counter,
    Municipality,
    Service,
    Staff,
    StaffSkill,
    Ticket,
    TicketKind,
    TicketStatus,
)
from loket.queue_state import choose_next_id, waiting_candidates
from loket.services import Loket
from tests.conftest import DEMO_CONFIG, TUESDAY_9

NOW = TUESDAY_9 + timedelta(hours=1, minutes=7)
# Counter 4 in Dalfsen serves geboorte, huwelijk, verhuizing and uittreksel; paspoort
# tickets wait for other counters and must never be called here.
SERVICES = ["paspoort", "geboorte", "huwelijk", "verhuizing"]
PREFIXES = ["A", "E", "F", "H", "AB"]  # a transferred ticket keeps its old prefix

queues = st.lists(
    st.fixed_dictionaries(
        {
            "service": st.sampled_from(SERVICES),
            "prefix": st.sampled_from(PREFIXES),
            "appointment": st.booleans(),
            # Few distinct minutes: ties in waiting time are common (the clock has seconds).
            "waited": st.sampled_from([0, 1, 3, 3, 7, 12, 25]),
            # Odd microseconds: the SQL ranking must match the float arithmetic exactly.
            "micro": st.sampled_from([0, 0, 0, 1, 333_333, 999_999]),
            "slot": st.one_of(st.none(), st.integers(-30, 12)),
            "issued_before": st.integers(0, 40),
            "target": st.sampled_from([None, None, None, "here", "other"]),
            "assist": st.booleans(),
            "status": st.sampled_from(["waiting"] * 5 + ["called"]),
        }
    ),
    max_size=14,
)


def _ticket(service: str, waited: int, slot: int | None = None) -> dict[str, Any]:
    return {
        "service": service,
        "prefix": "E",
        "appointment": slot is not None,
        "waited": waited,
        "micro": 0,
        "slot": slot,
        "issued_before": 20,
        "target": None,
        "assist": False,
        "status": "waiting",
    }


skills = st.one_of(
    st.none(),
    st.dictionaries(st.sampled_from(SERVICES), st.sampled_from([0.5, 1.0, 1.3, 2.0]), max_size=4),
)


@settings(
    max_examples=int(os.environ.get("LOKET_PROPERTY_EXAMPLES", "30")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# The longest waiting of a service has missed the norm, a shorter wait can still make
# it: the scheduler calls the latter, so the heads must include it (walk-ins, and due
# appointments).
@example(
    queue_=[_ticket("geboorte", 7), _ticket("geboorte", 3)],
    sequences=list(range(1, 16)),
    staff_skills=None,
    policy_name="loket",
    norm=5,
)
@example(
    queue_=[_ticket("huwelijk", 0, slot=-7), _ticket("huwelijk", 0, slot=-3)],
    sequences=list(range(1, 16)),
    staff_skills=None,
    policy_name="loket",
    norm=5,
)
# Only an appointment later than the early-call window: nobody is called, and the clerk
# is told when it is due.
@example(
    queue_=[_ticket("huwelijk", 0, slot=12)],
    sequences=list(range(1, 16)),
    staff_skills=None,
    policy_name="loket",
    norm=5,
)
@given(
    queue_=queues,
    sequences=st.permutations(list(range(1, 16))),
    staff_skills=skills,
    policy_name=st.sampled_from(["loket", "longest_wait"]),
    norm=st.sampled_from([3, 5, 10]),
)
def test_fast_pick_is_the_schedulers_pick(
    loket: Loket,
    queue_: list[dict[str, Any]],
    sequences: list[int],
    staff_skills: dict[str, float] | None,
    policy_name: str,
    norm: int,
) -> None:
    session = loket.db._writer()
    try:
        with session.begin():
            branch = session.scalars(select(Branch).where(Branch.code == "dalfsen")).one()
            here, other = (
                session.scalars(
                    select(Counter).where(Counter.branch_id == branch.id, Counter.number == n)
                ).one()
                for n in (4, 3)
            )
            service = {s.code: s for s in session.scalars(select(Service))}
            muni = session.scalars(select(Municipality)).one()
            muni.dispatch_policy = policy_name
            muni.wait_norm_minutes = norm
            staff_id = None
            if staff_skills is not None:
                clerk = Staff(code="prop", name="Test", roles=["counter"])
                clerk.skills = [
                    StaffSkill(service_id=service[code].id, speed=speed)
                    for code, speed in staff_skills.items()
                ]
                session.add(clerk)
                session.flush()
                staff_id = clerk.id
            for spec, sequence in zip(queue_, sequences, strict=False):
                slot = (
                    NOW + timedelta(minutes=spec["slot"], microseconds=spec["micro"])
                    if spec["slot"] is not None
                    else None
                )
                issued = NOW - timedelta(minutes=spec["issued_before"])
                session.add(
                    Ticket(
                        branch_id=branch.id,
                        service_id=service[str(spec["service"])].id,
                        day=NOW.date(),
                        prefix=spec["prefix"],
                        sequence=sequence,
                        kind=TicketKind.APPOINTMENT if spec["appointment"] else TicketKind.WALK_IN,
                        status=TicketStatus(spec["status"]),
                        issued_at=issued,
                        wait_from=NOW
                        - timedelta(minutes=spec["waited"], microseconds=spec["micro"]),
                        appointment_at=slot,
                        needs_assistance=spec["assist"],
                        target_counter_id={"here": here.id, "other": other.id}.get(
                            str(spec["target"])
                        ),
                        call_count=0,
                    )
                )
            session.flush()

            # The engine's way: the whole queue for this counter, ranked by the policy.
            clerk_staff = session.get(Staff, staff_id) if staff_id else None
            allowed = tickets.counter_services(session, here, clerk_staff)
            expected: tuple[int, str] | None = None
            if allowed:
                candidates = waiting_candidates(
                    session,
                    Ticket.branch_id == branch.id,
                    Ticket.day == NOW.date(),
                    Ticket.status == TicketStatus.WAITING,
                    Ticket.service_id.in_(allowed),
                    or_(Ticket.target_counter_id.is_(None), Ticket.target_counter_id == here.id),
                )
                speeds = (
                    {}
                    if staff_skills is None
                    else {service[c].id: s for c, s in staff_skills.items()}
                )
                expected = next(
                    iter(
                        choose_next_id(
                            candidates,
                            here,
                            speeds,
                            NOW,
                            timedelta(minutes=norm),
                            policy_name,
                        )
                    ),
                    None,
                )

            if loket.db.is_sqlite:
                driver = session.connection().connection.driver_connection
                assert isinstance(driver, sqlite3.Connection)
                fast = clerk_sqlite.pick(driver, NOW, branch.id, here.id, staff_id)
                got = (fast.chosen["id"], fast.reason) if fast.chosen else None
                # Never more than five candidates per service are ranked.
                assert fast.heads <= 5 * max(1, len(allowed))
                if allowed and not fast.heads:
                    # Nobody to call: the fast path tells the clerk what the engine does.
                    ctx = tickets.Context(
                        now=NOW, actor=Actor(workstation="test", staff_id=staff_id)
                    )
                    engine = tickets.call_next(session, ctx, branch, here)
                    assert engine == (None, tickets.nobody_to_call(fast.next_appointment))
            else:
                # The one statement, ranked in SQL, run in this transaction.
                called = call_next_pg.run(
                    session.connection(),
                    now=NOW,
                    branch_id=branch.id,
                    counter_id=here.id,
                    counter_number=here.number,
                    staff_id=staff_id,
                    workstation="test",
                )
                row = called.row if called else None
                got = (row.id, row.reason) if row is not None else None
                if allowed and called is not None and row is None and not called.callable:
                    # Nobody to call: the fast path tells the clerk what the engine does.
                    assert expected is None
                    ctx = tickets.Context(
                        now=NOW, actor=Actor(workstation="test", staff_id=staff_id)
                    )
                    engine = tickets.call_next(session, ctx, branch, here)
                    assert engine == (None, tickets.nobody_to_call(called.next_appointment))
                if row is not None:
                    now_held = session.execute(
                        select(Ticket.status, Ticket.counter_id).where(Ticket.id == row.id)
                    ).one()
                    assert tuple(now_held) == (TicketStatus.CALLED, here.id)
            assert got == expected
            session.rollback()
    finally:
        session.close()


def _statements(loket: Loket) -> list[str]:
    """Every statement this Loket sends from now on, but BEGIN and COMMIT. SQLite's
    fast path talks to the driver directly, so there the driver's own trace counts."""
    sent: list[str] = []
    if loket.db.is_sqlite:

        def trace(statement: str) -> None:
            if not statement.startswith(("BEGIN", "COMMIT", "PRAGMA")):
                sent.append(statement)

        loket.db.dispose()  # every connection from now on is traced (kept ones too)
        event.listen(
            loket.db.engine, "connect", lambda conn, _record: conn.set_trace_callback(trace)
        )
        return sent

    def count(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        if not statement.startswith(("SAVEPOINT", "RELEASE")):
            sent.append(statement)

    event.listen(loket.db.engine, "before_cursor_execute", count)
    return sent


def test_a_clerks_cycle_takes_a_few_statements(loket: Loket) -> None:
    for _ in range(3):
        loket.issue_ticket("dalfsen", "paspoort")
    loket.call_next("dalfsen", 1)  # warms this process's configuration cache
    loket.finish("dalfsen", loket.start("dalfsen", "A 1").number)
    sent = _statements(loket)
    called = loket.call_next("dalfsen", 1)
    assert called is not None and called.number == "A 2" and called.counter == 1
    on_call = len(sent)
    started = loket.start("dalfsen", called.number)
    on_start = len(sent) - on_call
    done = loket.finish("dalfsen", called.number)
    on_finish = len(sent) - on_call - on_start
    assert (started.status, done.status) == ("serving", "done")
    # PostgreSQL: one statement each (call next ranks, calls, records and notifies at
    # once; start and finish the same), without BEGIN or COMMIT.
    # SQLite: in one BEGIN IMMEDIATE ... COMMIT each, the heads (call next) and the
    # update, then the event.
    # It was 31 statements for the three together.
    if loket.db.is_sqlite:
        assert (on_call, on_start, on_finish) == (3, 2, 2), sent
    else:
        assert (on_call, on_start, on_finish) == (1, 1, 1), sent
    kinds = [e["kind"] for e in loket.events_after(0)][-3:]
    assert kinds == ["ticket.called", "ticket.started", "ticket.finished"]


def test_the_fast_cycle_writes_its_events_to_the_log(loket: Loket, caplog) -> None:  # type: ignore[no-untyped-def]
    """The log file is the administrator's trail: a call, start and finish written by
    one SQL statement are in it as much as any other event, with their ids."""
    logging_setup.install_event_logging()
    loket.issue_ticket("dalfsen", "paspoort")
    with caplog.at_level(logging.INFO, logger="loket.events"):
        called = loket.call_next("dalfsen", 1)
        assert called is not None
        loket.start("dalfsen", called.number)
        loket.finish("dalfsen", called.number)
    lines = [r.getMessage() for r in caplog.records if r.name == "loket.events"]
    recorded = loket.events_after(0)[-3:]
    for kind, e in zip(
        ("ticket.called", "ticket.started", "ticket.finished"), recorded, strict=True
    ):
        assert e["kind"] == kind
        assert any(
            line.startswith(f"{kind} event={e['id']} ") and f"ticket={called.id}" in line
            for line in lines
        ), lines


def test_a_renamed_service_shows_after_the_configuration_is_applied(
    loket: Loket, tmp_path: Path
) -> None:
    loket.issue_ticket("dalfsen", "paspoort")
    loket.issue_ticket("dalfsen", "paspoort")
    first = loket.call_next("dalfsen", 1)
    assert first is not None and first.service_name == "Paspoort aanvragen"
    changed = tmp_path / "municipality.toml"
    changed.write_text(
        DEMO_CONFIG.read_text(encoding="utf-8").replace(
            'nl = "Paspoort aanvragen"', 'nl = "Reisdocument"', 1
        ),
        encoding="utf-8",
    )
    loket.apply_config(changed)
    loket.finish("dalfsen", loket.start("dalfsen", first.number).number)
    second = loket.call_next("dalfsen", 1)
    assert second is not None and second.service_name == "Reisdocument"


@pytest.mark.parametrize("how", ["next", "this number"])
def test_a_second_call_at_one_counter_waits_and_is_told_what_it_holds(
    loket: Loket, how: str
) -> None:
    """Two clerks at one desk click at the same moment: the one-statement call of the
    second sees the counter free in its snapshot; the database's one-ticket-per-counter
    index makes it wait for the first, then refuse with the number the first called.
    The engine's call of a chosen number (which the one-statement call does not
    serialise with) is refused the same way, not with a database error."""
    if loket.db.is_sqlite:
        pytest.skip("SQLite's BEGIN IMMEDIATE serialises the two calls")
    for _ in range(2):
        loket.issue_ticket("dalfsen", "paspoort")
    first = loket.db.engine.connect()
    try:
        # The first clerk's call, not yet committed: A 1 called at counter 1.
        first.execute(
            text(
                "UPDATE ticket SET status = 'called', counter_id ="
                " (SELECT c.id FROM counter c JOIN branch b ON b.id = c.branch_id"
                "  WHERE b.code = 'dalfsen' AND c.number = 1)"
                " WHERE prefix = 'A' AND sequence = 1"
            )
        )
        outcome: dict[str, object] = {}

        def second() -> None:
            try:
                if how == "next":
                    outcome["called"] = loket.call_next("dalfsen", 1)
                else:
                    outcome["called"] = loket.call_ticket("dalfsen", 1, "A 2", "manual")
            except IllegalTransition as exc:
                outcome["refused"] = str(exc)

        clerk = threading.Thread(target=second)
        clerk.start()
        clerk.join(1.0)
        assert clerk.is_alive(), "the second call did not wait for the first"
        first.commit()
        clerk.join(10)
    finally:
        first.close()
    assert outcome == {"refused": "Balie 1 heeft A 1 nog; rond dat eerst af."}
    # Nothing of the refused call stayed: A 2 still waits.
    waiting = [t.number for t in loket.snapshot("dalfsen").waiting]
    assert waiting == ["A 2"]


def test_a_clerks_connection_lost_in_the_pool_is_unavailable_then_works_again(
    loket: Loket,
) -> None:
    """The clerk's statements run on the driver's cursor (loket.pg_driver): when the
    server dropped the pooled connection a moment ago, the clerk gets the plain
    ``Unavailable`` (the banner), the broken connection leaves the pool, and the next
    click calls the ticket on a fresh one."""
    if loket.db.is_sqlite:
        pytest.skip("PostgreSQL only")
    from loket.errors import Unavailable
    from tests.rigs.postgres import drop_pooled_connection

    loket.issue_ticket("dalfsen", "paspoort")
    loket.issue_ticket("dalfsen", "paspoort")
    loket.call_next("dalfsen", 2)  # the configuration is cached: the call is the statement
    drop_pooled_connection(loket.db.engine)
    with pytest.raises(Unavailable):
        loket.call_next("dalfsen", 1)
    called = loket.call_next("dalfsen", 1)
    assert called is not None and called.number == "A 2"


def test_the_clerks_views_are_the_tickets_as_the_engine_shows_them(loket: Loket) -> None:
    """Call, start and finish answer with the ticket as the queue's own view shows it
    (``TicketView.of``), the language the visitor chose at the kiosk included: the
    one-statement paths build their views from their rows, not by loading the ticket."""
    from dataclasses import replace

    loket.issue_ticket("dalfsen", "paspoort")
    second = loket.issue_ticket("dalfsen", "paspoort")
    assert loket.record_language("dalfsen", "A 1", "en")

    def shown(number: str) -> Any:
        snapshot = loket.snapshot("dalfsen")
        return next(t for t in snapshot.open_tickets + snapshot.recent_calls if t.number == number)

    called = loket.call_next("dalfsen", 1)
    assert called is not None and called.number == "A 1"
    assert called.language == "en"
    assert replace(called, reason=None) == shown("A 1")
    started = loket.start("dalfsen", "A 1")
    assert started == shown("A 1") and started.language == "en"
    done = loket.finish("dalfsen", "A 1")
    assert done.status == "done" and done.language == "en"
    other = loket.call_next("dalfsen", 1)
    assert other is not None and other.number == second.number and other.language == "nl"
