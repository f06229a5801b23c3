"""The demo: a throw-away database with the demo municipality and a lively morning.

No Qt here: the demo windows (``loket demo``) and the tests share this set-up.
"""

from __future__ import annotations

import random
import tempfile
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from loket.clock import Clock
from loket.db import Database
from loket.errors import DomainError
from loket.events import Actor
from loket.services import Loket

DEMO_CONFIG = Path(__file__).resolve().parent.parent / "assets" / "demo" / "municipality.toml"
DEMO_BRANCH = "dalfsen"
# Made-up residents: the demo never shows a real person's name.
DEMO_NAMES = [
    "J. de Vries",
    "M. Jansen",
    "A. Bakker",
    "S. Visser",
    "P. Smit",
    "L. Meijer",
    "R. Mulder",
    "E. de Boer",
    "T. Bos",
    "K. Vos",
]


def next_demo_moment(now: datetime) -> datetime:
    """The demo needs an open town hall: now if it is open, else the next weekday 09:30."""
    if now.weekday() < 5 and time(9, 0) <= now.time() < time(12, 0):
        return now.replace(microsecond=0)
    day = now.date() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime.combine(day, time(9, 30))


@dataclass
class Demo:
    loket: Loket
    directory: Path
    branch: str = DEMO_BRANCH


def create_demo(
    start: datetime | None = None, directory: Path | None = None, seed: int = 7
) -> Demo:
    """A fresh SQLite database, configured, with some tickets and appointments."""
    directory = directory or Path(tempfile.mkdtemp(prefix="loket-demo-"))
    clock = Clock(start or next_demo_moment(datetime.now()))
    loket = Loket(Database(f"sqlite:///{directory / 'demo.db'}"), clock, Actor.system("demo"))
    loket.upgrade()
    loket.apply_config(DEMO_CONFIG)
    seed_morning(loket, seed)
    return Demo(loket=loket, directory=directory)


def seed_morning(loket: Loket, seed: int = 7) -> None:
    """Appointments for today and a few visitors already waiting or at a counter."""
    rng = random.Random(seed)
    now = loket.now()
    today: date = now.date()
    services = [s for s in loket.services_at(DEMO_BRANCH) if s.appointment]
    slot = datetime.combine(today, time(now.hour, 0)) + timedelta(hours=1)
    for i, name in enumerate(DEMO_NAMES[:6]):
        service = services[i % len(services)]
        try:
            loket.book_appointment(
                DEMO_BRANCH,
                service.code,
                slot + timedelta(minutes=20 * i),
                name=name,
                channel=rng.choice(["online", "phone"]),
                call_by_name=(i == 2),
            )
        except DomainError:
            continue  # closed or full at that time: the demo simply has fewer
    # Visitors arrived over the last twenty minutes, so the screens show real waits.
    walk_in = [s.code for s in loket.services_at(DEMO_BRANCH) if s.walk_in]
    arrivals = sorted(rng.sample(range(1, 21), 7), reverse=True)
    for minutes_ago in arrivals:
        loket.clock.set(now - timedelta(minutes=minutes_ago))
        try:
            loket.issue_ticket(DEMO_BRANCH, rng.choice(walk_in))
        except DomainError:
            break
        if minutes_ago in arrivals[2:4]:
            counter = 1 if minutes_ago == arrivals[2] else 2
            ticket = loket.call_next(DEMO_BRANCH, counter)
            if ticket is not None:
                loket.start(DEMO_BRANCH, ticket.number)
    loket.clock.set(now)
