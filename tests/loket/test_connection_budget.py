"""The connection budget (issue 15): more PCs than the server has connections, all
working at once through a real PgBouncer set up as in production, all succeed.

A server of its own with ``max_connections`` lowered to 30: 32 PCs straight onto it
are refused ("too many clients"); through PgBouncer (engines in transaction pooling,
the displays' feeds on a session-pooled alias) every PC does its work, every display
hears every call, and the server never holds more than the pools allow. The same run
at the issue's figure (50 displays, 40 counters, 10 kiosks, 5 reception PCs on 100) is
``benchmarks/connections.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.loket.connection_budget import (
    Budget,
    configure,
    direct_connections_until_refused,
    run_through_pgbouncer,
)
from tests.rigs.postgres import PostgresServer, start_postgres

pytestmark = pytest.mark.postgres
MAX_CONNECTIONS = 30
BUDGET = Budget(displays=15, counters=12, kiosks=3, receptions=2)
POOL = 8  # the engines' shared server connections (transaction pooling)


@pytest.fixture(scope="module")
def small_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PostgresServer]:
    server = start_postgres(
        tmp_path_factory.mktemp("pg_small"), {"max_connections": str(MAX_CONNECTIONS)}
    )
    yield server
    server.stop()


def test_more_pcs_than_connections_all_work_through_pgbouncer(
    small_server: PostgresServer, tmp_path: Path
) -> None:
    url = small_server.create_database("loket")
    configure(url, BUDGET.counters, tmp_path)
    assert BUDGET.pcs > MAX_CONNECTIONS

    # Straight onto the server, not every PC gets a connection.
    took, refused = direct_connections_until_refused(small_server.conninfo("loket"), BUDGET.pcs)
    assert took < BUDGET.pcs and "too many clients" in refused

    outcome = run_through_pgbouncer(
        small_server, tmp_path, BUDGET, engine_pool=POOL, feed_pool=BUDGET.displays + 2, timeout=60
    )
    print(
        f"{BUDGET.pcs} PCs on max_connections={MAX_CONNECTIONS}: {dict(outcome.actions)}, "
        f"peak {outcome.peak_server_connections} server connections, {outcome.seconds:.1f} s"
    )
    assert outcome.errors == []
    assert sorted(outcome.served) == sorted(outcome.issued)
    assert len(set(outcome.issued)) == BUDGET.tickets
    assert len(outcome.heard) == BUDGET.displays
    for display, heard in outcome.heard.items():
        assert heard == set(outcome.issued), f"{display} missed a call"
    assert all(outcome.display_reads[d] >= 1 for d in outcome.heard)
    # One server connection per display's feed, the pool for everyone else, the sampler.
    assert outcome.peak_server_connections <= BUDGET.displays + POOL + 1


def test_a_pc_on_the_real_clock_never_holds_two_connections(
    postgres_server, postgres_template, tmp_path: Path
) -> None:
    """The municipality's time zone is read every ten minutes; that read once took a
    second connection inside the action's transaction, on every PC."""
    import uuid

    from sqlalchemy import event

    from loket.clock import Clock
    from loket.db import Database
    from loket.events import Actor
    from loket.services import Loket
    from tests.loket.connection_budget import BRANCH, budget_config

    name = f"z_{uuid.uuid4().hex[:10]}"
    url = postgres_server.create_database(name, template=postgres_template)
    setup = Loket(Database(url), Clock(), Actor.system("setup"))
    setup.apply_config(budget_config(2, tmp_path / "budget.toml"))  # open day and night
    setup.db.dispose()
    db = Database(url)
    most = 0

    @event.listens_for(db.engine, "checkout")
    def _checked_out(*_args: object) -> None:
        nonlocal most
        most = max(most, db.engine.pool.checkedout())  # type: ignore[attr-defined]

    kiosk = Loket(db, Clock(), Actor("kiosk-1", roles=frozenset({"kiosk"})))
    try:
        kiosk.branch_status(BRANCH)
        kiosk.issue_ticket(BRANCH, "melding")
        clerk = kiosk.as_actor(Actor("balie-1", roles=frozenset({"counter"})))
        called = clerk.call_next(BRANCH, 1)
        assert called is not None
        assert most == 1
    finally:
        db.dispose()
        postgres_server.drop_database(name)


def test_a_pcs_pgbouncer_url_splits_into_engine_and_feed() -> None:
    """The URL installer/README.md C4 gives a PC: the driver never sees Loket's options,
    the feed goes to the session-pooled alias."""
    from loket.db import endpoints

    url = (
        "postgresql+psycopg://loket_balie:geheim@db.gemeente.local:6432/loket"
        "?sslmode=verify-full&loket_pooler=transaction&loket_feed_database=loket_feed"
    )
    ends = endpoints(url)
    assert ends.engine == (
        "postgresql+psycopg://loket_balie:geheim@db.gemeente.local:6432/loket?sslmode=verify-full"
    )
    assert ends.feed == (
        "postgresql+psycopg://loket_balie:geheim@db.gemeente.local:6432/loket_feed"
        "?sslmode=verify-full"
    )
    assert ends.transaction_pooled  # prepare_threshold=None (test_pgbouncer.py fails without)
    plain = "postgresql+psycopg://pc:pw@db:5432/loket"
    assert endpoints(plain) == type(ends)(plain, plain, False)


def test_a_wrong_option_in_the_database_address_is_named_in_dutch() -> None:
    from loket.db import endpoints
    from loket.errors import ConfigError

    base = "postgresql+psycopg://loket@db.example/loket"
    with pytest.raises(ConfigError, match="loket_pooler .*'transaction' of 'session'"):
        endpoints(f"{base}?loket_pooler=bogus")
    for port in ("abc", "0", "70000"):
        with pytest.raises(ConfigError, match="loket_feed_port .*poortnummer"):
            endpoints(f"{base}?loket_pooler=transaction&loket_feed_port={port}")
