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
from tests.loket import test_concurrency
from tests.loket.test_feed import _cli, _collect
from tests.rigs.pgbouncer import PgBouncer, start_pgbouncer

pytestmark = pytest.mark.postgres


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
