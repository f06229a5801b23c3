"""The waiting-room display: calls, names only by consent, live updates, the announcer."""

from __future__ import annotations

from datetime import datetime, timedelta

from hardware.announcer import FakeAnnouncer
from hardware.printer import FakeTicketPrinter
from kiosk.display_window import DisplayWindow
from kiosk.kiosk_window import KioskWindow
from kiosk.live_feed import LiveFeed
from kiosk.settings import DisplaySettings, KioskSettings
from loket.events import Actor


def settings() -> DisplaySettings:
    return DisplaySettings("dalfsen", fullscreen=False)


def test_display_shows_calls_and_waits(qtbot, sqlite_loket):
    for service in ("paspoort", "paspoort", "idkaart"):
        sqlite_loket.issue_ticket("dalfsen", service)
    sqlite_loket.call_next("dalfsen", 2)
    window = DisplayWindow(sqlite_loket, settings(), announcer=FakeAnnouncer())
    qtbot.addWidget(window)
    window.show()
    assert window.call_who.text() == "A 1"
    assert window.call_counter.text() == "Balie 2"
    rows = {
        prefix.text(): (waiting.text(), minutes.text())
        for prefix, _, waiting, minutes in window.wait_rows
    }
    assert rows["A"][0] == "1 wachtend" and rows["A"][1].startswith("± ")
    assert rows["B"][0] == "1 wachtend"
    assert "14 0529" in window.info.text()
    window.set_language("en")
    assert window.call_counter.text() == "Counter 2"
    assert window.call_caption.text() == "Now serving"


def test_name_only_for_visitors_who_asked(qtbot, sqlite_loket):
    nine = datetime(2026, 11, 24, 9, 0)
    sqlite_loket.clock.set(nine - timedelta(minutes=30))
    named = sqlite_loket.book_appointment(
        "dalfsen", "paspoort", nine, name="M. Jansen", call_by_name=True
    )
    plain = sqlite_loket.book_appointment(
        "dalfsen", "paspoort", nine + timedelta(minutes=20), name="A. Bakker"
    )
    sqlite_loket.clock.set(nine)
    first, _ = sqlite_loket.check_in(named.code, "dalfsen")
    second, _ = sqlite_loket.check_in(plain.code, "dalfsen")
    state = sqlite_loket.display_state("dalfsen")
    assert state.calls == []
    sqlite_loket.call_ticket("dalfsen", 1, first.number, "afspraak")
    sqlite_loket.call_ticket("dalfsen", 2, second.number, "afspraak")
    calls = {c.number: c.display_name for c in sqlite_loket.display_state("dalfsen").calls}
    assert calls == {first.number: "M. Jansen", second.number: None}
    window = DisplayWindow(sqlite_loket, settings())
    qtbot.addWidget(window)
    texts = [w.text() for w in window.findChildren(type(window.info))]
    assert "M. Jansen" in texts and "A. Bakker" not in " ".join(texts)


def test_end_to_end_kiosk_counter_display(qtbot, loket):
    """Kiosk issues a ticket; a counter on "another PC" calls it; the display shows and
    speaks it, in the language the visitor chose at the kiosk (German here). Runs on
    SQLite and PostgreSQL (the live feed and the kiosk's writes differ per backend)."""
    feed = LiveFeed(loket)
    announcer = FakeAnnouncer()
    display = DisplayWindow(loket, settings(), announcer=announcer, feed=feed)
    kiosk = KioskWindow(
        loket, KioskSettings("dalfsen", fullscreen=False), printer=FakeTicketPrinter()
    )
    qtbot.addWidget(display)
    qtbot.addWidget(kiosk)
    try:
        kiosk.set_language("de")
        kiosk.take_number("verhuizing", False)
        number = kiosk.ticket.number.text()
        assert number.startswith("E ")
        counter = loket.as_actor(Actor("balie-3", roles=frozenset({"counter"})))
        called = counter.call_next("dalfsen", 3)
        assert called is not None and called.number == number
        # The periodic refresh may show the number first; the highlight comes with the
        # call event from the feed.
        qtbot.waitUntil(
            lambda: (
                display.call_who.text() == number and display.call_panel.property("fresh") == "true"
            ),
            timeout=15000,
        )
        assert display.call_counter.text() == "Balie 3"
        qtbot.waitUntil(lambda: bool(announcer.phrases), timeout=10000)
        assert announcer.phrases == [f"Nummer E {number.split()[1]}, Schalter 3"]
    finally:
        feed.stop()
        kiosk.unlock_and_close()


def test_a_visitor_called_by_name_hears_the_name_others_their_number(qtbot, sqlite_loket):
    nine = datetime(2026, 11, 24, 9, 0)
    sqlite_loket.clock.set(nine - timedelta(minutes=30))
    named = sqlite_loket.book_appointment(
        "dalfsen", "paspoort", nine, name="M. Jansen", call_by_name=True
    )
    sqlite_loket.clock.set(nine)
    first, _ = sqlite_loket.check_in(named.code, "dalfsen")
    walk_in = sqlite_loket.issue_ticket("dalfsen", "idkaart")
    feed = LiveFeed(sqlite_loket)
    announcer = FakeAnnouncer()
    display = DisplayWindow(sqlite_loket, settings(), announcer=announcer, feed=feed)
    qtbot.addWidget(display)
    try:
        sqlite_loket.call_ticket("dalfsen", 1, first.number, "appointment")
        qtbot.waitUntil(lambda: len(announcer.phrases) == 1, timeout=10000)
        sqlite_loket.call_ticket("dalfsen", 2, walk_in.number, "other")
        qtbot.waitUntil(lambda: len(announcer.phrases) == 2, timeout=10000)
        assert announcer.phrases == [
            "M. Jansen, balie 1",
            f"Nummer B {walk_in.number[2:]}, balie 2",
        ]
    finally:
        feed.stop()
