"""A display that loses its database shows it, and catches up by itself afterwards."""

from __future__ import annotations

import uuid

import pytest

from hardware.announcer import FakeAnnouncer
from kiosk.display_window import OFFLINE_AFTER_SECONDS, DisplayWindow
from kiosk.live_feed import LiveFeed
from loket.clock import Clock
from loket.db import Database
from loket.events import Actor
from loket.services import Loket
from tests.conftest import TUESDAY_9
from tests.kiosk.conftest import screenshot
from tests.kiosk.test_display import settings


@pytest.mark.postgres
def test_display_marks_a_lost_database_and_catches_up_without_missing_a_call(
    qtbot, postgres_server, postgres_template
) -> None:
    url = postgres_server.create_database(f"o_{uuid.uuid4().hex[:10]}", template=postgres_template)
    loket = Loket(Database(url), Clock(TUESDAY_9, frozen=True), Actor.system("test"))
    counter = loket.as_actor(Actor("balie-1", roles=frozenset({"counter"})))
    for _ in range(3):
        loket.issue_ticket("dalfsen", "paspoort")
    feed = LiveFeed(loket)
    announcer = FakeAnnouncer()
    display = DisplayWindow(loket, settings(), announcer=announcer, feed=feed)
    qtbot.addWidget(display)
    display.show()
    try:
        first = counter.call_next("dalfsen", 1)
        assert first is not None
        qtbot.waitUntil(lambda: display.call_who.text() == first.number, timeout=15000)
        assert display.offline.isHidden()

        postgres_server.pause()  # the database server goes away; every connection is cut
        # A blip shows nothing; after a few seconds the room sees the screen is not current.
        qtbot.waitUntil(
            lambda: display.offline.isVisible(), timeout=(OFFLINE_AFTER_SECONDS + 10) * 1000
        )
        assert display.offline.text() == "Geen verbinding · bijgewerkt om 09:00"
        assert display.call_who.text() == first.number  # the last state stays on screen
        # The branch name stays whole beside the marker (smaller if it must).
        assert display.place.text() == "Gemeentehuis Dalfsen"  # not "Gemeentehu…"
        screenshot(display, "display_offline")

        postgres_server.resume()
        # Two calls on other PCs, possibly before the display has reconnected.
        counter.finish("dalfsen", counter.start("dalfsen", first.number).number)
        second = counter.call_next("dalfsen", 1)
        other = loket.as_actor(Actor("balie-2", roles=frozenset({"counter"})))
        third = other.call_next("dalfsen", 2)
        assert second is not None and third is not None
        qtbot.waitUntil(lambda: display.offline.isHidden(), timeout=30000)
        qtbot.waitUntil(lambda: len(announcer.phrases) == 3, timeout=30000)
        assert announcer.phrases == [
            f"Nummer {first.number}, balie 1",
            f"Nummer {second.number}, balie 1",
            f"Nummer {third.number}, balie 2",
        ]
        assert display.call_who.text() == third.number
    finally:
        feed.stop()
        loket.db.dispose()
