"""The kiosk's connection probe runs beside the touch screen, not on it: a database host
that has gone silent (a connect waits up to 3 s) must not freeze the screen."""

from __future__ import annotations

import threading
import time

from PySide6.QtCore import QCoreApplication, QEvent, QTimer
from PySide6.QtWidgets import QWidget

from hardware.printer import FakeTicketPrinter
from kiosk.connection_watch import ConnectionWatch
from kiosk.kiosk_window import KioskWindow
from kiosk.settings import KioskSettings
from loket.errors import Unavailable
from loket.services import Loket


class HangingProbe:
    """A database that does not answer until ``release`` (a silent host)."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.calls = 0
        self.running = 0
        self.most_at_once = 0
        self.threads: set[int] = set()
        self._lock = threading.Lock()

    def __call__(self) -> int:
        with self._lock:
            self.calls += 1
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
            self.threads.add(threading.get_ident())
        try:
            self.release.wait(10)
        finally:
            with self._lock:
                self.running -= 1
        return 0


def _ticks(qtbot, ms: int) -> int:  # type: ignore[no-untyped-def]
    """How often a 20 ms timer on the GUI thread fires in ``ms``."""
    count = [0]
    timer = QTimer()
    timer.timeout.connect(lambda: count.__setitem__(0, count[0] + 1))
    timer.start(20)
    qtbot.wait(ms)
    timer.stop()
    return count[0]


def test_a_hanging_probe_leaves_the_screen_working_and_runs_once_at_a_time(qtbot) -> None:
    holder = QWidget()
    qtbot.addWidget(holder)
    probe = HangingProbe()
    watch = ConnectionWatch(probe, lambda: True, interval_ms=50, after_seconds=10, parent=holder)
    try:
        qtbot.waitUntil(lambda: probe.calls == 1, timeout=2000)
        ticks = _ticks(qtbot, 600)  # the probe hangs all along
        assert ticks >= 15  # 30 expected; a blocked GUI thread gives 0
        assert probe.calls == 1  # the timer fired 12 times meanwhile: no second probe
        assert threading.get_ident() not in probe.threads
        probe.release.set()
        qtbot.waitUntil(lambda: probe.calls >= 3, timeout=2000)  # answered: it goes on
        assert probe.most_at_once == 1
    finally:
        probe.release.set()
        watch.stop()
    assert not watch.prober.isRunning()


def test_lost_once_after_seconds_of_failures_and_not_while_a_visitor_is_busy(qtbot) -> None:
    holder = QWidget()
    qtbot.addWidget(holder)
    answers: list[bool] = []  # True: the database answers
    idle = [True]

    def probe() -> None:
        if answers and answers[-1]:
            return
        raise Unavailable("De gegevens zijn nu niet bereikbaar.")

    lost: list[float] = []
    watch = ConnectionWatch(
        probe, lambda: idle[0], interval_ms=30, after_seconds=0.4, parent=holder
    )

    def on_lost() -> None:
        lost.append(time.monotonic())
        idle[0] = False  # the kiosk shows "Even geduld"

    watch.lost.connect(on_lost)
    try:
        started = time.monotonic()
        answers.append(False)
        qtbot.waitUntil(lambda: len(lost) == 1, timeout=3000)
        assert lost[0] - started >= 0.4  # a blip shows nothing
        qtbot.wait(600)
        assert len(lost) == 1  # once: the kiosk shows "Even geduld" and stops probing
        # The database answers again and the start screen is back: failures count anew.
        answers.append(True)
        idle[0] = True
        qtbot.wait(200)
        assert watch.failing_since is None
        # A visitor on another screen: failures do not count while the screen is busy.
        idle[0] = False
        answers.append(False)
        qtbot.wait(600)
        assert len(lost) == 1
    finally:
        watch.stop()


def test_a_probe_that_hangs_for_the_connect_timeout_counts_its_whole_wait(qtbot) -> None:
    """A silent host fails each probe only after the connect timeout: one such probe
    is already as long as the kiosk waits, so "Even geduld" follows its answer."""
    holder = QWidget()
    qtbot.addWidget(holder)

    def probe() -> None:
        time.sleep(0.5)
        raise OSError("timeout expired")

    lost: list[float] = []
    watch = ConnectionWatch(probe, lambda: not lost, interval_ms=30, after_seconds=0.4)
    watch.setParent(holder)
    watch.lost.connect(lambda: lost.append(time.monotonic()))
    started = time.monotonic()
    try:
        qtbot.waitUntil(lambda: bool(lost), timeout=3000)
        assert lost[0] - started < 0.9  # after the first failing probe, not the second
    finally:
        watch.stop()


def _kiosk(qtbot, loket: Loket, *, watched: bool = True) -> KioskWindow:  # type: ignore[no-untyped-def]
    window = KioskWindow(
        loket, KioskSettings("dalfsen", fullscreen=False), printer=FakeTicketPrinter()
    )
    if watched:
        qtbot.addWidget(window)
    window.show()
    return window


def test_the_kiosk_answers_touches_while_its_probe_hangs(qtbot, sqlite_loket: Loket) -> None:
    window = _kiosk(qtbot, sqlite_loket)
    probe = HangingProbe()
    window.watch.prober.probe = probe
    window.watch.timer.setInterval(50)
    try:
        qtbot.waitUntil(lambda: probe.calls == 1, timeout=3000)
        assert _ticks(qtbot, 400) >= 10
        window.start.walk_in.click()  # a visitor: the kiosk reads the offer and shows it
        assert window.current == "services"
        assert probe.calls == 1
    finally:
        probe.release.set()
        window.unlock_and_close()
    assert not window.watch.prober.isRunning()


def test_the_probe_thread_ends_with_the_kiosk_even_without_closing(
    qtbot, sqlite_loket: Loket
) -> None:
    """Deleted without its closeEvent (a parent going, a test's clean-up): no thread
    stays behind, and Qt never destroys a running one (which aborts the program)."""
    window = _kiosk(qtbot, sqlite_loket, watched=False)  # this test deletes it
    prober = window.watch.prober
    assert prober.isRunning()
    window.close()  # refused: the kiosk stays
    assert window.isVisible()
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert prober.isFinished()


def test_even_geduld_stays_responsive_and_ends_when_the_database_answers(
    qtbot, sqlite_loket: Loket
) -> None:
    """On "Even geduld" the watch goes on asking beside the screen (the staff press and
    the language button keep working) and brings the start screen back at the first
    answer."""
    window = _kiosk(qtbot, sqlite_loket)
    probe = HangingProbe()
    window.watch.prober.probe = probe
    window.watch.timer.setInterval(50)
    backs: list[bool] = []
    window.watch.back.connect(lambda: backs.append(True))
    try:
        window._show_busy()  # as after a failed action
        assert window.current == "busy"
        qtbot.waitUntil(lambda: probe.calls == 1, timeout=3000)
        assert _ticks(qtbot, 400) >= 10
        assert window.current == "busy" and not backs
        probe.release.set()  # the database answers
        qtbot.waitUntil(lambda: window.current == "start", timeout=3000)
        assert backs
    finally:
        probe.release.set()
        window.unlock_and_close()
