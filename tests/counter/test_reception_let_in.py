"""Reception lets a walk-in in during appointment-only hours ([plan-live])."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt

from tests.counter.test_reception import _open
from tests.counter.test_workstation import shot


def test_reception_lets_a_walk_in_in_during_appointment_only_hours(qtbot, sqlite_loket):
    sqlite_loket.clock.set(datetime(2026, 11, 24, 14, 0))  # Tuesday afternoon: appointments only
    window = _open(qtbot, sqlite_loket, "carla", "3333")
    front = window.front
    front.service_list.setCurrentRow(0)
    qtbot.keyClick(window, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    assert front.issued.text() == ""
    assert "alleen mensen met een afspraak" in front.issued_text.text()
    assert "Toch binnenlaten" in front.issued_text.text()
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert front.issued.text() == "A 1"
    assert front.issued_text.text().startswith("Geef de bezoeker nummer A 1")
    let_in = [e for e in sqlite_loket.events_after(0, 5000) if e["kind"] == "ticket.let_in"]
    assert [e["data"]["number"] for e in let_in] == ["A 1"]
    shot(window, "reception-let-in")
