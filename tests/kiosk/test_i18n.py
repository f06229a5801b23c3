"""Every kiosk and display text has its English translation."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from kiosk.i18n import TRANSLATIONS


def test_every_text_is_translated_to_english():
    root = ET.parse(TRANSLATIONS / "loket_en.ts").getroot()
    messages = list(root.iter("message"))
    assert len(messages) > 100
    unfinished = [
        m.findtext("source")
        for m in messages
        if m.findtext("translation") is None
        or m.find("translation").get("type") == "unfinished"  # type: ignore[union-attr]
        or not m.findtext("translation")
    ]
    assert not unfinished


def test_staff_screens_stay_dutch_after_a_visitor_chose_english(qtbot, kiosk):
    kiosk.set_language("en")
    kiosk.go("staff")
    staff = kiosk.staff
    assert staff.title.text() == "Alleen voor medewerkers"
    assert (staff.login.text(), staff.back.text()) == ("Inloggen", "Terug")
    # The core's refusal is Dutch too: one language on the screen.
    kiosk.staff_pin("eva", "0000")
    assert staff.problem.text() and "the" not in staff.problem.text().lower().split()
    kiosk._staff_in("Eva", ("manager",))
    assert kiosk.staff_menu.close_button.text() == "Kiosk afsluiten"
