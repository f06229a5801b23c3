"""The team leader's staff window: a new colleague gets a PIN and a card and can log in;
disabled, they cannot; a screenshot as the team leader sees it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from counter.manager_staff import StaffDialog
from loket import security
from loket.services import Loket
from loket.staff import LoginFailed
from tests.counter.test_manager import _open
from tests.counter.test_workstation import shot


@pytest.fixture(autouse=True)
def cheap_scrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(security, "COST", security.ScryptCost(n=2**10, r=8, p=1))


def test_team_leader_enrols_a_colleague(qtbot, sqlite_loket: Loket) -> None:  # type: ignore[no-untyped-def]
    window = _open(qtbot, sqlite_loket)
    dialog = StaffDialog(window)
    window.staff_dialog = dialog
    qtbot.addWidget(dialog)
    dialog.show()

    qtbot.keyClicks(dialog.new_code, "J.Bakker")
    qtbot.keyClicks(dialog.new_name, "Joke  Bakker")
    dialog.role_boxes["reception"].setChecked(True)
    dialog.add()
    assert "Joke Bakker is toegevoegd" in dialog.message.text()
    assert dialog.current() is not None and dialog.current().code == "j.bakker"  # type: ignore[union-attr]

    qtbot.keyClicks(dialog.pin1, "1234")
    qtbot.keyClicks(dialog.pin2, "1234")
    dialog.save_pin()
    assert "te makkelijk" in dialog.message.text()
    qtbot.keyClicks(dialog.pin1, "6071")
    qtbot.keyClicks(dialog.pin2, "6071")
    qtbot.mouseClick(dialog.pin_button, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == "Nieuwe pincode opgeslagen voor Joke Bakker."
    assert dialog.pin1.text() == ""  # the PIN does not stay on screen

    # Held on the reader while the window waits for it (the monitor routes the card).
    qtbot.mouseClick(dialog.card_button, Qt.MouseButton.LeftButton)
    assert "Houd de pas van Joke Bakker op de lezer" in dialog.message.text()
    window.card_inserted("04AABBCCDD")
    assert dialog.message.text() == "De pas is gekoppeld aan Joke Bakker."
    row = dialog.table.currentRow()
    cells = [dialog.table.item(row, c).text() for c in range(dialog.table.columnCount())]  # type: ignore[union-attr]
    assert cells == ["j.bakker", "Joke Bakker", "baliemedewerker, receptie", "ja", "ja", "actief"]
    shot(dialog, "manager_staff")

    assert sqlite_loket.login_pin("j.bakker", "6071").name == "Joke Bakker"
    assert sqlite_loket.login_card("04AABBCCDD").name == "Joke Bakker"

    qtbot.mouseClick(dialog.active_button, Qt.MouseButton.LeftButton)
    assert "Joke Bakker is uitgeschakeld" in dialog.message.text()
    with pytest.raises(LoginFailed):
        sqlite_loket.login_pin("j.bakker", "6071")
