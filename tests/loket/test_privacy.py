"""Privacy by design: personal data never reaches the logs or the event log, is purged
after the configured window, and a resident can see everything stored about a visit.

The full-day test runs part of the day through the real command line in subprocesses
(so the real log file is written by the real entry point) and the rest through the
services in this process with the same logging set up, then searches every log file,
every event row and the JSON of ``loket events`` for every name, e-mail address, phone
number and note it used.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from loket import logging_setup
from loket.clock import Clock
from loket.db import Database
from loket.errors import PermissionDenied
from loket.events import Actor
from loket.models import Event, Feedback, Ticket
from loket.services import Loket
from tests.conftest import TUESDAY_9, _sqlite_url

DAY = TUESDAY_9.date()
COUNTERS = (1, 2, 3)


def person(i: int) -> dict[str, str]:
    """Made-up residents with tokens that occur nowhere else in the code or data."""
    return {
        "name": f"Wobbeltje Quakkelaar{i:02d}",
        "email": f"wquak{i:02d}@voorbeeld.nl",
        "phone": f"06-9137{i:02d}45",
        "notes": f"Brengt oude pas Zuurvlieg{i:02d} mee",
    }


def secrets_of(people: list[dict[str, str]]) -> list[str]:
    found = []
    for p in people:
        found += list(p.values())
        found += [p["name"].split()[1]]  # the surname alone
    return found


@pytest.fixture
def log_dir(tmp_path: Path) -> Iterator[Path]:
    directory = tmp_path / "log"
    logging_setup.configure(directory=directory)
    yield directory
    logging_setup.reset()


def cli(url: str, log: Path, *args: str, now: datetime) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LOKET_DATABASE_URL": url, "LOKET_LOG_DIR": str(log)}
    env.pop("LOKET_NOW", None)
    done = subprocess.run(
        [sys.executable, "-m", "roles", "--now", now.isoformat(), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done


def serve_everyone(loket: Loket, clock: Clock, note: str) -> int:
    """Counters call, serve and finish until nobody waits; one transfer with a note."""
    served = 0
    transferred = False
    while True:
        called = False
        for counter in COUNTERS:
            ticket = loket.call_next("dalfsen", counter)
            if ticket is None:
                continue
            called = True
            clock.advance(timedelta(minutes=1))
            loket.start("dalfsen", ticket.number)
            clock.advance(timedelta(minutes=3))
            if note and not transferred and ticket.service == "idkaart":
                # A clerk's note for the colleague may name the visitor (allowed on the
                # ticket, never in events or logs, purged with the rest).
                loket.transfer("dalfsen", ticket.number, service="paspoort", note=note)
                transferred = True
                continue
            loket.finish("dalfsen", ticket.number)
            served += 1
        if not called:
            return served


def statistics(loket: Loket) -> dict[str, object]:
    with loket.db.read() as session:
        tickets = session.scalars(select(Ticket).order_by(Ticket.id)).all()
        waits = [
            (
                t.number,
                t.status.value,
                t.first_called_at - t.wait_from if t.first_called_at else None,
            )
            for t in tickets
        ]
        scores = sorted(session.scalars(select(Feedback.score)))
        kinds = sorted(session.scalars(select(Event.kind).where(~Event.kind.like("privacy.%"))))
    return {"waits": waits, "scores": scores, "events": kinds}


def test_a_full_day_leaves_no_personal_data_in_logs_or_events(
    sqlite_template: Path, tmp_path: Path, log_dir: Path
):
    url = _sqlite_url(sqlite_template, tmp_path)
    clock = Clock(TUESDAY_9, frozen=True)
    system = Loket(Database(url), clock, Actor.system("test"))
    kiosk = system.as_actor(Actor("kiosk-hal", roles=frozenset({"kiosk"})))
    reception = system.as_actor(Actor("receptie", roles=frozenset({"reception"})))
    people = [person(i) for i in range(22)]

    # Booking, the day before: two through the command line, twenty through the services.
    refs: list[str] = []
    shorts: list[str] = []
    the_day_before = TUESDAY_9 - timedelta(days=1)
    for i, p in enumerate(people):
        # On the 5-minute booking grid ([plan-live]).
        start = TUESDAY_9 + timedelta(minutes=5 * round((5 + 8 * i) / 5))
        service = "idkaart" if i % 2 else "paspoort"
        if i < 2:
            out = cli(
                url,
                log_dir,
                "appointment",
                "book",
                "--branch",
                "dalfsen",
                "--service",
                service,
                "--start",
                start.isoformat(),
                "--name",
                p["name"],
                "--email",
                p["email"],
                "--phone",
                p["phone"],
                "--notes",
                p["notes"],
                "--call-by-name",
                "--json",
                now=the_day_before,
            )
            booked = json.loads(out.stdout)
            refs.append(booked["reference"])
            shorts.append(booked["short_code"])
            continue
        clock.set(the_day_before)
        a = reception.book_appointment(
            "dalfsen",
            service,
            start,
            name=p["name"],
            email=p["email"],
            phone=p["phone"],
            notes=p["notes"],
            call_by_name=i % 3 == 0,
        )
        refs.append(a.reference)
        shorts.append(a.short_code or "")

    # The day: visitors check in (kiosk code, reception, command line), walk-ins come,
    # counters serve. Visitor 20 is called three times and does not come; 21 never shows.
    clock.set(TUESDAY_9)
    cli(url, log_dir, "appointment", "checkin", "--reference", refs[0], now=TUESDAY_9)
    for i in range(1, 20):
        clock.set(max(clock.now(), TUESDAY_9 + timedelta(minutes=8 * i)))
        if i % 2:
            kiosk.check_in(shorts[i], "dalfsen")
        else:
            reception.check_in_reference(refs[i], "dalfsen")
        if i % 4 == 0:
            kiosk.issue_ticket("dalfsen", "uittreksel")
        serve_everyone(system, clock, note=f"{people[i]['name']} komt terug" if i == 1 else "")

    # Through the command line: a call, start, transfer with a name in the note.
    walk_in = kiosk.issue_ticket("dalfsen", "paspoort").number
    now = clock.now()
    assert now.hour < 12
    cli(
        url,
        log_dir,
        "ticket",
        "call",
        "--branch",
        "dalfsen",
        "--counter",
        "1",
        "--number",
        walk_in,
        "--reason",
        "other",
        now=now,
    )
    cli(url, log_dir, "ticket", "start", "--branch", "dalfsen", "--number", walk_in, now=now)
    cli(
        url,
        log_dir,
        "ticket",
        "transfer",
        "--branch",
        "dalfsen",
        "--number",
        walk_in,
        "--to-counter",
        "2",
        "--note",
        people[0]["name"],
        now=now,
    )

    cli(url, log_dir, "appointment", "checkin", "--reference", refs[20], now=now)
    missing = system.call_ticket("dalfsen", 3, _ticket_of(system, refs[20]), reason="afspraak")
    for _ in range(2):
        system.recall("dalfsen", missing.number)
    system.no_show("dalfsen", missing.number)
    serve_everyone(system, clock, note="")
    clock.set(TUESDAY_9.replace(hour=12, minute=45))
    assert system.expire_missed_appointments() == 1

    # Feedback at the kiosk; a (future) comment with a name is stored on one rating.
    done = [t for t, status, _ in statistics(system)["waits"] if status == "done"]  # type: ignore[attr-defined]
    for number in done[:5]:
        kiosk.give_feedback("dalfsen", number, 8, friendliness=4, speed=5, expertise=4)
    with system.db.write() as session:
        session.execute(
            update(Feedback).where(Feedback.id == 1).values(comment=f"Dank aan {people[3]['name']}")
        )

    # The resident's right of access, before the purge: everything is there.
    export = json.loads(
        cli(
            url, log_dir, "privacy", "export", "--reference", refs[0], "--json", now=clock.now()
        ).stdout
    )
    assert export["appointment"]["name"] == people[0]["name"]
    assert [t["status"] for t in export["tickets"]] == ["done"]
    assert {"appointment.booked", "appointment.checked_in", "ticket.finished"} <= {
        e["kind"] for e in export["events"]
    }
    text = cli(url, log_dir, "privacy", "export", "--reference", refs[0], now=clock.now()).stdout
    assert f"Naam: {people[0]['name']}" in text and "Nummers" in text

    # Now search everything that is kept for the long term.
    events_json = cli(url, log_dir, "events", "--json", now=clock.now()).stdout
    logging.getLogger("loket").handlers[0].flush()
    logs = "\n".join(f.read_text(encoding="utf-8") for f in sorted(log_dir.iterdir()))
    with system.db.read() as session:
        rows = [
            json.dumps([e.kind, e.workstation, e.data], ensure_ascii=False)
            for e in session.scalars(select(Event))
        ]
    assert "ticket.called" in logs and "appointment.booked" in logs  # the log is written
    assert "command: appointment book" in logs
    assert len(rows) > 100
    for secret in secrets_of(people):
        assert secret not in logs, secret
        assert secret not in events_json, secret
        assert not [r for r in rows if secret in r], secret

    # After the window: the personal data is gone, the statistics are not.
    before = statistics(system)
    later = TUESDAY_9 + timedelta(days=31)
    purged = json.loads(cli(url, log_dir, "privacy", "purge", "--json", now=later).stdout)
    assert (purged["appointments"], purged["feedback"], purged["ticket_notes"]) == (22, 1, 2)
    assert statistics(system) == before
    clock.set(later)
    assert system.purge_if_due() is None  # the command line already ran today
    gone = system.privacy_export(refs[0])
    assert [gone["appointment"][k] for k in ("name", "email", "phone", "notes")] == [None] * 4
    assert gone["appointment"]["purged_at"] and gone["appointment"]["status"] == "completed"
    assert gone["tickets"][0]["waited_minutes"] is not None
    with system.db.read() as session:
        assert not session.scalars(
            select(Feedback.comment).where(Feedback.comment.is_not(None))
        ).all()
        assert not session.scalars(
            select(Ticket.transfer_note).where(Ticket.transfer_note.is_not(None))
        ).all()
    shown = cli(url, log_dir, "privacy", "export", "--reference", refs[1], now=later).stdout
    assert "Naam: (verwijderd op" in shown
    for secret in secrets_of(people):
        assert secret not in shown
    system.db.dispose()


def _ticket_of(loket: Loket, reference: str) -> str:
    with loket.db.read() as session:
        return next(
            t.number
            for t in session.scalars(select(Ticket))
            if t.appointment and t.appointment.reference == reference
        )


def test_purge_respects_the_window_and_runs_when_data_is_due(loket: Loket, clock: Clock):
    visit = TUESDAY_9.replace(hour=10)
    today = loket.book_appointment(
        "dalfsen", "idkaart", visit, name="Vandaag Bezoek", email="v@voorbeeld.nl"
    )
    future = loket.book_appointment(
        "dalfsen", "idkaart", visit + timedelta(days=35), name="Toekomst Bezoek"
    )
    clock.set(visit)
    loket.check_in_reference(today.reference, "dalfsen")

    clock.set(TUESDAY_9 + timedelta(days=30))
    assert loket.purge_if_due() is None  # 30 days: nothing is due yet
    clock.set(TUESDAY_9 + timedelta(days=31))
    second = loket.purge_if_due()
    assert second is not None and second.appointments == 1
    assert "1 afspraken" in second.text()
    assert loket.purge_if_due() is None  # done: nothing left that is due
    assert loket.privacy_export(today.reference)["appointment"]["email"] is None
    assert loket.privacy_export(future.reference)["appointment"]["name"] == "Toekomst Bezoek"
    assert [
        e["data"]["appointments"] for e in loket.events_after(0) if e["kind"] == "privacy.purged"
    ] == [1]


def test_a_forged_purge_event_does_not_stop_the_purge(loket: Loket, clock: Clock):
    """Attack 2 of issue 13: one 'privacy.purged' event dated 2099 switched the purge off."""
    from loket import events as event_log

    old = loket.book_appointment("dalfsen", "idkaart", TUESDAY_9.replace(hour=10), name="Oud")
    with loket.db.write() as session:
        event_log.append(
            session, at=datetime(2099, 1, 1), kind="privacy.purged", actor=Actor("vals")
        )
    clock.set(TUESDAY_9 + timedelta(days=31))
    report = loket.purge_if_due()
    assert report is not None and report.appointments == 1
    assert loket.privacy_export(old.reference)["appointment"]["name"] is None


def test_who_may_purge_and_inspect(loket: Loket):
    a = loket.book_appointment("dalfsen", "idkaart", TUESDAY_9.replace(hour=10), name="Iemand")
    kiosk = loket.as_actor(Actor("kiosk", roles=frozenset({"kiosk"})))
    counter = loket.as_actor(Actor("balie", staff_id=1, roles=frozenset({"counter"})))
    manager = loket.as_actor(Actor("tl", staff_id=1, roles=frozenset({"manager"})))
    assert manager.privacy_export(a.reference)["appointment"]["name"] == "Iemand"
    with pytest.raises(PermissionDenied, match="persoonsgegevens"):
        counter.privacy_export(a.reference)
    with pytest.raises(PermissionDenied):
        counter.purge_personal_data()
    loket.clock.set(TUESDAY_9 + timedelta(days=31))
    assert kiosk.purge_if_due() is None
    report = counter.purge_if_due()  # the daily timer on a staff PC
    assert report is not None and report.appointments == 1
    assert [e["kind"] for e in loket.events_after(0)][-2:] == ["privacy.exported", "privacy.purged"]


def test_log_lines_hold_ids_and_numbers_but_no_free_text(loket: Loket, log_dir: Path):
    loket.issue_ticket("dalfsen", "paspoort")
    loket.call_ticket("dalfsen", 1, "A 1", reason="Mevrouw Quakkelaar vroeg om balie 1")
    with pytest.raises(PermissionDenied):
        loket.as_actor(Actor("kiosk", roles=frozenset({"kiosk"}))).call_next("dalfsen", 1)
    logging.getLogger("loket").handlers[0].flush()
    text = (log_dir / "loket.log").read_text(encoding="utf-8")
    assert "ticket.issued" in text and "number='A 1'" in text and "counter=1" in text
    assert "Quakkelaar" not in text
    assert text.count("ticket.called") == 1
