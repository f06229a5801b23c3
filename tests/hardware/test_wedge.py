"""Keyboard-wedge scans are caught application-wide and never reach the text field."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from hardware.wedge import KeyboardWedgeFilter


def _app() -> QApplication:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    return app


@pytest.fixture
def field(qtbot):
    edit = QLineEdit()
    qtbot.addWidget(edit)
    edit.show()
    edit.setFocus()
    return edit


@pytest.fixture
def wedge():
    filt = KeyboardWedgeFilter(max_interval_ms=50, min_length=4)
    _app().installEventFilter(filt)
    yield filt
    _app().removeEventFilter(filt)


def test_fast_burst_with_enter_is_a_scan(qtbot, field, wedge):
    with qtbot.waitSignal(wedge.scanned, timeout=2000) as signal:
        qtbot.keyClicks(field, "LKT-A12")  # scanner speed: no delay between keys
        qtbot.keyClick(field, Qt.Key.Key_Return)
    assert signal.args == ["LKT-A12"]
    qtbot.wait(100)
    assert field.text() == ""


def test_human_typing_lands_in_the_field(qtbot, field, wedge):
    scans: list[str] = []
    wedge.scanned.connect(scans.append)
    qtbot.keyClicks(field, "Jansen", delay=90)
    qtbot.keyClick(field, Qt.Key.Key_Return, delay=90)
    qtbot.waitUntil(lambda: field.text() == "Jansen", timeout=2000)
    assert scans == []


def test_a_short_fast_burst_is_kept_as_typing(qtbot, field, wedge):
    qtbot.keyClicks(field, "ab")
    qtbot.waitUntil(lambda: field.text() == "ab", timeout=2000)


def test_prefix_mode(qtbot, field):
    filt = KeyboardWedgeFilter(prefix="§")
    _app().installEventFilter(filt)
    try:
        with qtbot.waitSignal(filt.scanned, timeout=2000) as signal:
            qtbot.keyClicks(field, "§APT-7QX2", delay=60)  # even a slow scanner
            qtbot.keyClick(field, Qt.Key.Key_Enter)
        assert signal.args == ["APT-7QX2"]
        assert field.text() == ""
    finally:
        _app().removeEventFilter(filt)
