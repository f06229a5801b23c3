"""Random sequences of queue operations keep the invariants (hypothesis, stateful).

- every ticket is in exactly the state the accepted operations put it in;
- no number is handed out twice on a day;
- replaying the event log gives the current state of every ticket.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import time, timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from loket.clock import Clock
from loket.db import Database
from loket.errors import DomainError, Refused
from loket.events import Actor
from loket.services import Loket
from tests.conftest import TUESDAY_9

SERVICES = ["paspoort", "idkaart", "geboorte", "verhuizing"]
# The lifecycle of DESIGN.md: the state each event leaves a ticket in.
AFTER_EVENT = {
    "ticket.issued": "waiting",
    "ticket.called": "called",
    "ticket.recalled": "called",
    "ticket.started": "serving",
    "ticket.finished": "done",
    "ticket.no_show": "no_show",
    "ticket.parked": "parked",
    "ticket.transferred": "waiting",
    "ticket.cancelled": "cancelled",
}
ALLOWED = {
    "call": {"waiting", "parked"},
    "recall": {"called"},
    "start": {"called"},
    "finish": {"serving"},
    "no_show": {"called"},
    "park": {"called", "serving"},
    "transfer": {"called", "serving"},
    "cancel_ticket": {"waiting", "parked"},
}


class QueueMachine(RuleBasedStateMachine):
    make_url: Callable[[], str]

    def __init__(self) -> None:
        super().__init__()
        self.clock = Clock(TUESDAY_9, frozen=True)
        self.loket = Loket(Database(self.make_url()), self.clock, Actor.system("hypothesis"))
        self.expected: dict[str, str] = {}

    def teardown(self) -> None:
        self.loket.db.dispose()

    @rule(service=st.sampled_from(SERVICES))
    def issue(self, service: str) -> None:
        try:
            ticket = self.loket.issue_ticket("dalfsen", service)
        except Refused as exc:
            # The walk may pass the end of the morning's walk-in hours (12:30).
            assert exc.code in ("closed", "appointment_only")
            assert self.clock.now().time() >= time(12, 30)
            return
        assert ticket.number not in self.expected
        self.expected[ticket.number] = "waiting"

    @rule(counter=st.integers(1, 4))
    def call_next(self, counter: int) -> None:
        try:
            ticket = self.loket.call_next("dalfsen", counter)
        except DomainError:
            return
        if ticket is not None:
            assert self.expected[ticket.number] == "waiting"
            self.expected[ticket.number] = "called"

    @rule(data=st.data(), action=st.sampled_from(sorted(ALLOWED)))
    def act(self, data: st.DataObject, action: str) -> None:
        if not self.expected:
            return
        number = data.draw(st.sampled_from(sorted(self.expected)))
        before = self.expected[number]
        try:
            if action == "call":
                ticket = self.loket.call_ticket(
                    "dalfsen", data.draw(st.integers(1, 4)), number, "test"
                )
            elif action == "transfer":
                ticket = self.loket.transfer(
                    "dalfsen", number, service=data.draw(st.sampled_from(SERVICES))
                )
            else:
                ticket = getattr(self.loket, action)("dalfsen", number)
        except DomainError:
            assert self.loket_status(number) == before
            return
        assert before in ALLOWED[action], f"{action} accepted from {before}"
        self.expected[number] = ticket.status

    @rule(minutes=st.integers(1, 20))
    def wait(self, minutes: int) -> None:
        self.clock.advance(timedelta(minutes=minutes))

    def loket_status(self, number: str) -> str:
        snap = self.loket.snapshot("dalfsen")
        found = [t.status for t in snap.open_tickets if t.number == number]
        return found[0] if found else self.expected[number]

    @invariant()
    def states_match_the_model_and_the_event_log(self) -> None:
        snap = self.loket.snapshot("dalfsen", TUESDAY_9.date())
        open_states = {t.number: t.status for t in snap.open_tickets}
        replayed: dict[str, str] = {}
        issued: list[str] = []
        for event in self.loket.events_after(0, limit=100_000):
            if event["kind"] in AFTER_EVENT:
                replayed[event["data"]["number"]] = AFTER_EVENT[event["kind"]]
                if event["kind"] == "ticket.issued":
                    issued.append(event["data"]["number"])
        assert len(issued) == len(set(issued)), "a number was issued twice"
        assert replayed == self.expected
        for number, state in self.expected.items():
            if state in ("waiting", "called", "serving", "parked"):
                assert open_states.get(number) == state
            else:
                assert number not in open_states
        busy = [t.counter for t in snap.open_tickets if t.status in ("called", "serving")]
        assert len(busy) == len(set(busy)), "a counter has two visitors at once"


def test_random_operations_keep_the_invariants(fresh_database) -> None:
    QueueMachine.make_url = staticmethod(fresh_database)
    run_state_machine_as_test(
        QueueMachine,
        settings=settings(
            max_examples=25,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
