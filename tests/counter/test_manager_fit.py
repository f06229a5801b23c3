"""The team leader's window on the screens it meets: every tab at 1280x1024, 1366x768,
1920x1080 and portrait 1080x1920, filled with the known week's report, a morning's queue
and a day's plan.

Fails, as ``tests/test_screen_fit.py`` does for every window, when a label's or button's
text does not fit (``kiosk.fit_check``); further when a text in a table (a cell or a
header) is cut or shortened, and from 1366 pixels wide when the reports table needs a
horizontal scroll bar (a column out of sight). The screenshots are saved under the
test's tmp directory (path printed).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QRect, QSize, Qt
from PySide6.QtWidgets import QStyle, QTableWidget, QWidget

from counter.manager import ManagerWindow
from kiosk.fit_check import problems, settle
from loket.events import Actor
from loket.services import Loket
from tests.loket.reports_day import BRANCH, WEEK, drive_known_week

# Portrait first: a window shown narrow must take the wide layout when it gets the room.
SIZES = [(1080, 1920), (1280, 1024), (1366, 768), (1920, 1080)]
MONDAY = date(2026, 11, 30)  # drive_known_week ends at 08:00 that day


def _morning(loket: Loket) -> None:
    """Visitors waiting for services with long names, a counter busy, alerts, a plan."""
    anna = loket.as_actor(loket.login_pin("anna", "1111").actor("balie-anna"))
    for minute, service in enumerate(["uittreksel", "paspoort", "uittreksel", "verhuizing"]):
        loket.clock.set(datetime(2026, 11, 30, 8, 40 + minute))
        number = loket.issue_ticket(BRANCH, service).number
        if minute == 0:
            anna.call_ticket(BRANCH, 1, number, "test")
    loket.clock.set(datetime(2026, 11, 30, 9, 0))
    # A counter asks for help and the kiosk is out of paper: both banners over the tabs.
    anna.raise_counter_alert(BRANCH, 1)
    kiosk = loket.as_actor(Actor("kiosk-hal", roles=frozenset({"kiosk"})))
    kiosk.raise_device_alert("printer", BRANCH, problem="paper_out")
    for weekday in range(5):
        loket.planning.set_expected_volume(BRANCH, "paspoort", weekday, 14, 10)
    loket.planning.plan(MONDAY)


def cut_in_table(table: QTableWidget) -> list[str]:
    """The texts of ``table`` not shown whole: a cell whose words do not fit its column
    or whose lines do not fit its row (or, not wrapping, a line wider than the column),
    a header wider than its section."""
    found: list[str] = []
    metrics = table.fontMetrics()
    frame = table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, table)
    header = table.horizontalHeader()
    for column in range(table.columnCount()):
        width = table.columnWidth(column) - 2 * (frame + 1)
        title = table.horizontalHeaderItem(column)
        name = title.text().replace("\n", " ") if title is not None else str(column)
        if header.sectionSizeHint(column) > header.sectionSize(column) + 1:
            found.append(f"kop {name!r} past niet ({header.sectionSize(column)} px)")
        for row in range(table.rowCount()):
            item = table.item(row, column)
            if item is None or not item.text():
                continue
            if table.wordWrap():
                box = metrics.boundingRect(
                    QRect(0, 0, width, 10_000), Qt.TextFlag.TextWordWrap, item.text()
                )
                whole = box.width() <= width and box.height() <= table.rowHeight(row)
            else:
                whole = metrics.horizontalAdvance(item.text()) <= width
            if not whole:
                found.append(f"{name}: {item.text()!r} past niet in {width} px")
    return found


def hidden_columns(table: QTableWidget) -> list[str]:
    """Columns (partly) out of sight: only a horizontal scroll bar would show them."""
    room = table.viewport().width()
    header = table.horizontalHeader()
    return [
        (item.text() if (item := table.horizontalHeaderItem(c)) else str(c)).replace("\n", " ")
        for c in range(table.columnCount())
        if header.sectionPosition(c) + header.sectionSize(c) > room
    ]


def _box(widget: QWidget, window: QWidget) -> QRect:
    return QRect(widget.mapTo(window, widget.rect().topLeft()), widget.size())


def _shown_tables(window: QWidget) -> list[QTableWidget]:
    return [t for t in window.findChildren(QTableWidget) if t.isVisibleTo(window)]


def test_every_tab_of_the_manager_fits_every_staff_screen(
    qtbot, sqlite_loket: Loket, tmp_path_factory: pytest.TempPathFactory
):  # type: ignore[no-untyped-def]
    drive_known_week(sqlite_loket)
    _morning(sqlite_loket)
    shots: Path = tmp_path_factory.mktemp("manager-screens")
    print(f"screenshots: {shots}")
    window = ManagerWindow(sqlite_loket, BRANCH, sound=False)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    settle()
    qtbot.keyClicks(window.login.code, "eva")
    qtbot.keyClicks(window.login.pin, "5555")
    qtbot.keyClick(window.login.pin, Qt.Key.Key_Return)
    # "Bijgewerkt hh:mm:ss" has its room from the start: whole even in a screenshot taken
    # at once, before Qt lays the header out again (it was cut down to "B").
    updated = window.updated
    assert updated.text().startswith("Bijgewerkt")
    assert updated.width() >= updated.fontMetrics().horizontalAdvance(updated.text())
    tab = window.reports_tab
    tab.set_period(*WEEK)
    tab.refresh()
    window.planning_tab.day.setDate(QDate(MONDAY.year, MONDAY.month, MONDAY.day))

    found: list[str] = []
    window.tabs.setCurrentWidget(tab)
    for width, height in SIZES:
        size = f"{width}x{height}"
        # Staff PCs run maximised. The reports tab stays open while the window changes
        # size: it must take the wide layout as soon as it has the room.
        window.resize(width, height)
        settle()
        window.resize(width, height)  # again: the first was held to the old layout's minimum
        settle()
        others = [i for i in range(window.tabs.count()) if window.tabs.widget(i) is not tab]
        for index in [window.tabs.indexOf(tab), *others]:
            window.tabs.setCurrentIndex(index)
            settle()
            name = f"{size} {window.tabs.tabText(index)}"
            window.grab().save(str(shots / f"manager-{size}-tab{index}.png"), "PNG", 80)
            found += [f"{name}: {p}" for p in problems(window, QSize(width, height))]
            for table in _shown_tables(window):
                found += [f"{name}: {p}" for p in cut_in_table(table)]
        window.tabs.setCurrentWidget(tab)
        # On a landscape screen the satisfaction is beside the table, in portrait below.
        table_box, satisfaction = _box(tab.table, window), _box(tab.satisfaction, window)
        beside = satisfaction.left() > table_box.right()
        if beside != (width > height):
            found.append(f"{size}: tevredenheid {'naast' if beside else 'onder'} de tabel")
        for way in range(tab.breakdown.count()):  # each breakdown has its own names
            tab.breakdown.setCurrentIndex(way)
            settle()
            name = f"{size} {tab.breakdown.currentText()}"
            found += [f"{name}: {p}" for p in cut_in_table(tab.table)]
            if width >= 1366:
                hidden = hidden_columns(tab.table)
                if hidden or tab.table.horizontalScrollBar().isVisible():
                    found.append(f"{name}: schuifbalk, uit beeld: {', '.join(hidden)}")
        tab.breakdown.setCurrentIndex(0)
    assert not found, "\n".join(found)
