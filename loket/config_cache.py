"""Fixed configuration, read once per process: branches, counters and services.

A clerk's "call next", "start" and "finish" used to re-read the branch (three times),
the counter, its services and the municipality in every transaction: six of the 31
statements a cycle sent. They change only when someone applies the configuration file,
so every process keeps them here and reloads them when

* this process records a configuration event (``loket.events.append`` calls
  :func:`invalidate` for the kinds in ``CONFIG_EVENTS``);
* its event feed delivers one another PC recorded (``loket.feed``);
* a code or number is not in the cache (a branch or counter added elsewhere);
* ``MAX_AGE`` has passed (a process without a feed, e.g. the command line).

What decides a call (the counter's services, the clerk's skills, the wait norm and
the policy) is not taken from here: the call's own statement reads it, so a change
counts from the next call. The cache only turns codes into ids and ids into names.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass

from sqlalchemy import URL, make_url, select
from sqlalchemy.orm import Session

from loket.models import Branch, Counter, Service

# Event kinds after which the fixed configuration may be different.
CONFIG_EVENTS = frozenset({"config.applied"})
MAX_AGE = 300.0  # seconds


@dataclass(frozen=True, slots=True)
class BranchInfo:
    id: int
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class CounterInfo:
    id: int
    branch_id: int
    number: int


@dataclass(frozen=True, slots=True)
class ServiceInfo:
    id: int
    code: str
    # Per language, as in the configuration ({"nl": ..., "de": ...}).
    names: dict[str, str]

    @property
    def name_nl(self) -> str:
        return self.names.get("nl", "")


@dataclass(frozen=True)
class Configuration:
    branches: dict[str, BranchInfo]
    branches_by_id: dict[int, BranchInfo]
    counters: dict[tuple[int, int], CounterInfo]
    counters_by_id: dict[int, CounterInfo]
    services: dict[int, ServiceInfo]
    loaded_at: float


def _load(session: Session) -> Configuration:
    branches = [
        BranchInfo(i, c, n)
        for i, c, n in session.execute(select(Branch.id, Branch.code, Branch.name))
    ]
    counters = [
        CounterInfo(i, b, n)
        for i, b, n in session.execute(
            select(Counter.id, Counter.branch_id, Counter.number).where(Counter.active)
        )
    ]
    services = [
        ServiceInfo(i, c, dict(names or {}))
        for i, c, names in session.execute(select(Service.id, Service.code, Service.name_text))
    ]
    return Configuration(
        branches={b.code: b for b in branches},
        branches_by_id={b.id: b for b in branches},
        counters={(c.branch_id, c.number): c for c in counters},
        counters_by_id={c.id: c for c in counters},
        services={s.id: s for s in services},
        loaded_at=time.monotonic(),
    )


class ConfigCache:
    """The configuration of one database in this process; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._current: Configuration | None = None

    def get(self, session: Session, *, reload: bool = False) -> Configuration:
        current = None if reload else self.peek()
        if current is None:
            current = _load(session)
            with self._lock:
                self._current = current
        return current

    def current(
        self, read: Callable[[], AbstractContextManager[Session]], *, reload: bool = False
    ) -> Configuration:
        """As ``get``, opening a session with ``read`` only when the configuration must
        be read (the clerk's fast paths: most calls need none)."""
        current = None if reload else self.peek()
        if current is not None:
            return current
        with read() as session:
            return self.get(session, reload=True)

    def peek(self) -> Configuration | None:
        """The configuration while it is fresh, without a session; else None."""
        with self._lock:
            current = self._current
        if current is None or time.monotonic() - current.loaded_at > MAX_AGE:
            return None
        return current

    def invalidate(self) -> None:
        with self._lock:
            self._current = None


_CACHES: dict[str, ConfigCache] = {}
_CACHES_LOCK = threading.Lock()
# The same caches by the URL object asked with (``cache_for``).
_BY_ID: dict[int, tuple[str | URL, ConfigCache]] = {}


def _key(url: str | URL) -> str:
    return make_url(url).render_as_string(hide_password=True)


def cache_for(url: str | URL) -> ConfigCache:
    """The one cache of the database at ``url`` in this process."""
    # By the object asked with (an engine's URL, kept here so its id is not reused):
    # hashing a URL renders it as text, which cost more than the lookup.
    seen = _BY_ID.get(id(url))
    if seen is not None and seen[0] is url:
        return seen[1]
    with _CACHES_LOCK:
        cache = _CACHES.setdefault(_key(url), ConfigCache())
        if len(_BY_ID) >= 256:  # engines made and dropped (tests): start over
            _BY_ID.clear()
        _BY_ID[id(url)] = (url, cache)
        return cache


def invalidate(url: str | URL) -> None:
    with _CACHES_LOCK:
        cache = _CACHES.get(_key(url))
    if cache is not None:
        cache.invalidate()
