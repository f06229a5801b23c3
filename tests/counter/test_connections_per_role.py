"""Connections each role PC holds on PostgreSQL, counted where the administrator would:
``pg_stat_activity``, by the application name every PC gives its connections."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt

from roles.pcs import SIMULATED, Composition, PcSettings, RoleOptions, compose, services_for
from tests.conftest import TUESDAY_9
from tests.loket.connection_budget import connections_by_role

pytestmark = pytest.mark.postgres
SETTINGS = PcSettings(SIMULATED, {}, None)


def connections(server, database: str) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Connections per role ("loket <role> <pc>")."""
    return connections_by_role(server.conninfo(), database)


@pytest.fixture
def database(postgres_server, postgres_template) -> Iterator[tuple[str, str]]:  # type: ignore[no-untyped-def]
    name = f"c_{uuid.uuid4().hex[:10]}"
    url = postgres_server.create_database(name, template=postgres_template)
    yield url, name
    postgres_server.drop_database(name)


def test_display_kiosk_counter_and_reception_hold_one_connection_each(
    qtbot, postgres_server, database: tuple[str, str]
) -> None:
    url, name = database
    now = TUESDAY_9.isoformat(timespec="minutes")
    pcs: dict[str, Composition] = {}
    bases = []
    try:
        for role in ("display", "kiosk", "counter", "reception", "manager"):
            options = RoleOptions(role, database=url, now=now, workstation=f"{role}-1")
            base = services_for(options)
            bases.append(base)
            pcs[role] = compose(options, SETTINGS, base)
            qtbot.addWidget(pcs[role].window)
            pcs[role].window.show()
        display = pcs["display"].window
        qtbot.waitUntil(lambda: display.state is not None, timeout=15000)  # type: ignore[attr-defined]
        # Work goes on at another PC (not counted): a number, a call; the display follows
        # over its one connection.
        from loket.clock import Clock
        from loket.db import Database
        from loket.events import Actor
        from loket.services import Loket

        clerk = Loket(
            Database(url),
            Clock(TUESDAY_9, frozen=True),
            Actor("balie-9", roles=frozenset({"counter"})),
        )
        bases.append(clerk)
        clerk.issue_ticket("dalfsen", "paspoort")
        called = clerk.call_next("dalfsen", 1)
        assert called is not None
        qtbot.waitUntil(lambda: display.call_who.text() == called.number, timeout=15000)  # type: ignore[attr-defined]
        qtbot.wait(1500)  # the counter's and reception's polls run meanwhile
        held = connections(postgres_server, name)
        assert held == {"display": 1, "kiosk": 1, "counter": 1, "reception": 1, "manager": 2}

        # The team leader at work adds none: the manager's two are its feed and one
        # pooled connection for everything the window does (docs/architecture.md,
        # "Why the manager keeps 2").
        manager = pcs["manager"].window
        qtbot.keyClicks(manager.login.code, "eva")  # type: ignore[attr-defined]
        qtbot.keyClicks(manager.login.pin, "5555")  # type: ignore[attr-defined]
        qtbot.keyClick(manager.login.pin, Qt.Key.Key_Return)  # type: ignore[attr-defined]
        assert manager.services is not None  # type: ignore[attr-defined]
        assert manager.state is not None  # type: ignore[attr-defined]
        reports = manager.reports_tab  # type: ignore[attr-defined]
        manager.tabs.setCurrentWidget(reports)  # type: ignore[attr-defined]
        reports.show_button.click()
        assert reports.report is not None
        qtbot.wait(500)
        assert connections(postgres_server, name)["manager"] == 2

        # The display's one connection is cut (an administrator, a firewall): it connects
        # again by itself and misses no call.
        with postgres_server.connect() as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = %s AND application_name LIKE 'loket display %%'",
                (name,),
            )
        clerk.finish("dalfsen", clerk.start("dalfsen", called.number).number)
        clerk.issue_ticket("dalfsen", "paspoort")
        again = clerk.call_next("dalfsen", 1)
        assert again is not None
        qtbot.waitUntil(lambda: display.call_who.text() == again.number, timeout=15000)  # type: ignore[attr-defined]
        assert connections(postgres_server, name)["display"] == 1
    finally:
        for comp in pcs.values():
            comp.stop()
        for base in bases:
            base.db.dispose()
