"""Shared fixtures: the demo municipality on SQLite and on a real PostgreSQL server.

Each worker migrates and configures one template database per backend once; every
test gets a fresh copy (a file copy for SQLite, CREATE DATABASE … TEMPLATE on
PostgreSQL), so tests are independent and fast.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import delete

from loket.clock import Clock
from loket.db import Database
from loket.events import Actor
from loket.models import ExpectedVolume
from loket.services import Loket

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
DEMO_CONFIG = ROOT / "assets" / "demo" / "municipality.toml"
# Tuesday 24 November 2026, 09:00: the town hall is open for walk-ins and appointments.
TUESDAY_9 = datetime(2026, 11, 24, 9, 0)


def _configure(url: str) -> None:
    loket = Loket(Database(url), Clock(TUESDAY_9, frozen=True), Actor.system("setup"))
    loket.upgrade()
    loket.apply_config(DEMO_CONFIG)
    # The demo ships expected volumes, so its bookings follow the day plan (a CP-SAT
    # roster per booked day). Tests start without them: booking follows the counters
    # rule unless a test sets volumes (tests/loket/test_plan_live.py) or applies the
    # demo configuration again (tests/loket/test_demo_plan.py).
    with loket.db.write() as session:
        session.execute(delete(ExpectedVolume))
    loket.db.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    _configure(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from tests.rigs.postgres import start_postgres

    server = start_postgres(tmp_path_factory.mktemp("pg"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def postgres_template(postgres_server) -> str:  # type: ignore[no-untyped-def]
    name = "loket_template"
    postgres_server.create_database(name)
    _configure(postgres_server.superuser_url(name))
    return name


def _sqlite_url(template: Path, tmp_path: Path) -> str:
    path = tmp_path / "loket.db"
    shutil.copy(template, path)
    return f"sqlite:///{path}"


BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def fresh_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], str]]:
    """Makes as many fresh demo databases as a test needs, on each backend."""
    made: list[str] = []
    if request.param == "sqlite":
        template = request.getfixturevalue("sqlite_template")

        def make() -> str:
            directory = tmp_path / f"db{len(made)}"
            directory.mkdir()
            made.append(str(directory))
            return _sqlite_url(template, directory)

        yield make
        return
    server = request.getfixturevalue("postgres_server")
    template_name = request.getfixturevalue("postgres_template")

    def make_pg() -> str:
        name = f"t_{uuid.uuid4().hex[:12]}"
        server.create_database(name, template=template_name)
        made.append(name)
        return server.superuser_url(name)

    yield make_pg
    for name in made:
        server.drop_database(name)


@pytest.fixture
def database_url(fresh_database: Callable[[], str]) -> str:
    """A database with the demo municipality applied, on each backend."""
    return fresh_database()


@pytest.fixture
def clock() -> Clock:
    return Clock(TUESDAY_9, frozen=True)


@pytest.fixture
def loket(database_url: str, clock: Clock) -> Iterator[Loket]:
    services = Loket(Database(database_url), clock, Actor.system("test"))
    yield services
    services.db.dispose()


@pytest.fixture
def sqlite_loket(sqlite_template: Path, tmp_path: Path, clock: Clock) -> Iterator[Loket]:
    """SQLite only: for tests about the file, the process or the CLI."""
    services = Loket(Database(_sqlite_url(sqlite_template, tmp_path)), clock, Actor.system("test"))
    yield services
    services.db.dispose()
