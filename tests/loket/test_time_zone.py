"""The municipality's time zone: at the same moment a PC on UTC and a PC on
Europe/Amsterdam say the same thing, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from loket.clock import Clock
from loket.db import Database
from loket.errors import ConfigError
from loket.events import Actor
from loket.models import Municipality
from loket.services import Loket
from tests.conftest import DEMO_CONFIG

# Tuesday 24 November 2026, 12:00 UTC = 13:00 in the Netherlands (CET): the morning's
# walk-in session (08:30-12:30) is over, appointments only until 16:30.
INSTANT = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def pc_in(zone: str) -> Callable[[tzinfo | None], datetime]:
    """datetime.now as a PC whose own zone is ``zone`` sees it at INSTANT."""

    def wall(tz: tzinfo | None) -> datetime:
        return (
            INSTANT.astimezone(tz)
            if tz
            else INSTANT.astimezone(ZoneInfo(zone)).replace(tzinfo=None)
        )

    return wall


def test_pcs_in_different_zones_agree(database_url: str) -> None:
    pcs = [
        Loket(Database(database_url), Clock(wall=pc_in(z)), Actor(f"pc-{z}"))
        for z in ("UTC", "Europe/Amsterdam", "Asia/Tokyo")
    ]
    try:
        assert {pc.now() for pc in pcs} == {datetime(2026, 11, 24, 13, 0)}
        states = {(s.mode, s.until) for s in (pc.branch_status("dalfsen") for pc in pcs)}
        assert len(states) == 1
        mode, until = states.pop()
        assert mode == "appointment_only" and until is not None and until.hour == 16
    finally:
        for pc in pcs:
            pc.db.dispose()


def test_a_changed_zone_reaches_a_running_pc(database_url: str) -> None:
    ticks = [0.0]
    clock = Clock(wall=pc_in("UTC"), monotonic=lambda: ticks[0])
    pc = Loket(Database(database_url), clock, Actor("pc"))
    try:
        assert pc.now() == datetime(2026, 11, 24, 13, 0)
        with pc.db.write() as s:
            m = s.query(Municipality).one()
            m.time_zone = "America/Kralendijk"  # Bonaire: UTC-4
        assert pc.now() == datetime(2026, 11, 24, 13, 0)  # read again every ten minutes
        ticks[0] = 601.0
        assert pc.now() == datetime(2026, 11, 24, 8, 0)
    finally:
        pc.db.dispose()


def test_the_setting_is_checked(sqlite_loket: Loket, tmp_path: Path) -> None:
    text = DEMO_CONFIG.read_text().replace(
        "[municipality]\n", '[municipality]\ntime_zone = "Europe/Amsterdm"\n', 1
    )
    path = tmp_path / "gemeente.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match="Europe/Amsterdm"):
        sqlite_loket.apply_config(path)
