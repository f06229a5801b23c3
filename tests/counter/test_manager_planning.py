"""The manager's Planning tab ([plan-live]): the plan per 15 minutes, and an absence
recorded there shows the new plan and what changed."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableWidget

from loket.services import Loket
from tests.counter.test_manager import _open
from tests.counter.test_workstation import shot

TUESDAY = date(2026, 11, 24)


def _cell(table: QTableWidget, row: int, column: int) -> str:
    item = table.item(row, column)
    assert item is not None
    return item.text()


def test_the_planning_tab_shows_the_plan_and_an_absence_replans_it(qtbot, sqlite_loket: Loket):
    for weekday in range(5):
        sqlite_loket.planning.set_expected_volume("dalfsen", "paspoort", weekday, 14, 10)
        sqlite_loket.planning.set_expected_volume("dalfsen", "ophalen", weekday, 12, 0)
    sqlite_loket.planning.plan(TUESDAY)
    window = _open(qtbot, sqlite_loket)
    tab = window.planning_tab
    window.tabs.setCurrentWidget(tab)
    window.resize(1400, 900)
    assert "versie 1" in tab.summary.text()
    assert "ingestelde verwachting" in tab.summary.text()
    assert "Binnen 5 min opgeroepen:" in tab.summary.text()
    assert "(doel 95%)" in tab.summary.text()
    assert "voorspelling uit de ingestelde verwachte aantallen" in tab.forecast.text()
    rows = {_cell(tab.table, r, 0): r for r in range(tab.table.rowCount())}
    assert "10:00" in rows
    who = _cell(tab.table, rows["10:00"], 4)
    assert "balie" in who
    shot(window, "manager-planning")

    name = who.split(" (balie")[0]
    tab.who.setCurrentIndex(tab.who.findText(name))
    tab.reason.setCurrentIndex(tab.reason.findData("sick"))
    qtbot.keyClick(window, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert "versie 2" in tab.summary.text()
    assert f"{name} (ziek)" in tab.absent.text()
    assert f"{name}: niet meer ingeroosterd" in tab.changes.text()
    assert name not in " ".join(_cell(tab.table, r, 4) for r in range(tab.table.rowCount()))
    shot(window, "manager-planning-after-absence")
