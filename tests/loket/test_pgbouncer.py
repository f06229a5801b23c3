"""Every PC through a real PgBouncer in front of the test PostgreSQL, set up as in
production (docs/architecture.md, "Connection budget"): the engines in transaction
pooling, the feed's LISTEN on a session-pooled alias of the same database. The feed and
the counters' concurrent calls work the same as directly."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from loket.feed import open_feed
from loket.services import Loket
from tests.loket import test_concurrency, test_db_roles
from tests.loket.test_db_roles import LOGINS, PASSWORD, RolesDb
from tests.loket.test_feed import _cli, _collect
from tests.rigs.pgbouncer import PgBouncer, start_pgbouncer

pytestmark = pytest.mark.postgres
roles_db = test_db_roles.roles_db  # the least-privilege logins, here through PgBouncer


@pytest.fixture(scope="module")
def bouncer(postgres_server, tmp_path_factory: pytest.TempPathFactory) -> Iterator[PgBouncer]:  # type: ignore[no-untyped-def]
    try:
        # Few server connections for many clients: a pooled connection really is shared.
        pooler = start_pgbouncer(
            postgres_server,
            tmp_path_factory.mktemp("pgbouncer"),
            pool_mode="transaction",
            default_pool_size=3,
        )
    except Exception as exc:  # no pgbouncer binary: installer/deps/apt-test.txt installs it
        pytest.fail(f"PgBouncer did not start: {exc}")
    yield pooler
    pooler.stop()


@pytest.fixture
def through_bouncer(  # type: ignore[no-untyped-def]
    bouncer: PgBouncer, postgres_server, postgres_template
) -> Iterator[Callable[[], str]]:
    made: list[str] = []

    def make() -> str:
        name = f"b_{uuid.uuid4().hex[:10]}"
        postgres_server.create_database(name, template=postgres_template)
        made.append(name)
        bouncer.add_alias(f"{name}_feed", name, pool_mode="session")
        return bouncer.pc_url(name, f"{name}_feed")

    yield make
    for name in made:
        postgres_server.drop_database(name)


def test_the_feed_listens_through_pgbouncer_on_one_connection(
    through_bouncer: Callable[[], str], bouncer: PgBouncer
) -> None:
    url = through_bouncer()
    database = make_url(url).database or ""
    feed = open_feed(url)
    try:
        assert bouncer.server_connections(database) == 1  # the feed: LISTEN and reads
        for _ in range(2):
            assert (
                _cli(
                    url, "ticket", "issue", "--branch", "dalfsen", "--service", "paspoort"
                ).returncode
                == 0
            )
        records = _collect(feed, 2)
        assert [r["data"]["number"] for r in records] == ["A 1", "A 2"]
        from loket.clock import Clock
        from loket.db import Database
        from loket.events import Actor
        from tests.conftest import TUESDAY_9

        counter = Loket(Database(url), Clock(TUESDAY_9, frozen=True), Actor.system("balie"))
        try:
            started = time.monotonic()
            called = counter.call_next("dalfsen", 1)
            assert called is not None and called.number == "A 1"
            arrived = _collect(feed, 1)
            assert [(r["kind"], r["data"]["counter"]) for r in arrived] == [("ticket.called", 1)]
            assert time.monotonic() - started < 5
        finally:
            counter.db.dispose()
    finally:
        feed.close()


def test_counters_calling_at_once_through_pgbouncer_serve_everyone_once(
    through_bouncer: Callable[[], str], tmp_path: Path
) -> None:
    test_concurrency.test_counters_calling_next_as_fast_as_they_can_serve_everyone_once(
        through_bouncer, tmp_path
    )


def test_role_logins_work_through_transaction_pooling(
    roles_db: RolesDb, bouncer: PgBouncer
) -> None:
    """The least-privilege logins of docs/architecture.md as PgBouncer serves them: the
    kiosk issues through its database functions, a counter serves, the display follows
    the feed on the session-pooled alias and reads over that one connection."""
    from loket.clock import Clock
    from loket.db import Database
    from loket.events import Actor
    from tests.conftest import TUESDAY_9

    alias = f"{roles_db.name}_feed"
    bouncer.add_alias(alias, roles_db.name, pool_mode="session")
    for login in LOGINS.values():
        bouncer.add_user(login, PASSWORD)

    def pc(key: str, roles: set[str]) -> Loket:
        url = bouncer.pc_url(roles_db.name, alias, (LOGINS[key], PASSWORD))
        clock = Clock(TUESDAY_9, frozen=True)
        return Loket(Database(url), clock, Actor(f"{key}-pc", roles=frozenset(roles)))

    kiosk, counter, display = (
        pc("kiosk", {"kiosk"}),
        pc("counter", {"counter"}),
        pc("display", {"display"}),
    )
    feed = display.open_feed()
    try:
        numbers = [kiosk.issue_ticket("dalfsen", "paspoort").number for _ in range(6)]
        assert kiosk.last_event_id() > 0  # the kiosk's between-visitors probe
        for _ in range(5):  # psycopg prepares what it ran 5 times
            called = counter.call_next("dalfsen", 1)
            assert called is not None
            counter.finish("dalfsen", counter.start("dalfsen", called.number).number)
        assert counter.call_next("dalfsen", 1) is not None
        heard = [r["data"]["number"] for r in _collect(feed, 22) if r["kind"] == "ticket.called"]
        assert heard == numbers
        state = display.reading_through(feed).display_state("dalfsen")
        assert state.calls[0].number == numbers[-1]
    finally:
        feed.close()
        for loket in (kiosk, counter, display):
            loket.db.dispose()
