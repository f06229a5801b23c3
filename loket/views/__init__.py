"""Plain read-only views of domain objects, handed to the UIs and the CLI.

UIs never hold ORM objects (no lazy loads outside a session, no accidental writes).
"""

from __future__ import annotations

import importlib
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import inspect

from loket.language import pick
from loket.models import Appointment, Branch, Service, Ticket


def in_sentence(name: str) -> str:
    """A service name inside a sentence: "Paspoort aanvragen" -> "paspoort aanvragen",
    but "ID-kaart aanvragen" keeps its capitals (and so does "BRP" further on)."""
    if len(name) > 1 and name[1].isupper():
        return name
    return name[:1].lower() + name[1:]


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None


@dataclass(frozen=True)
class TicketView:
    id: int
    number: str
    branch: str
    service: str
    service_name: str  # Dutch
    service_names: dict[str, str]  # per language: service_in(language)
    kind: str
    status: str
    issued_at: datetime
    wait_from: datetime
    appointment_at: datetime | None
    called_at: datetime | None
    counter: int | None
    call_count: int
    predicted_wait_minutes: int | None
    needs_assistance: bool
    appointment_reference: str | None
    transfer_note: str | None = None
    reason: str | None = None
    # Why there is no expected wait: "Nu is er niemand voor deze dienst. Verwacht vanaf 13:00."
    wait_note: str | None = None
    # The language the visitor chose at the kiosk (the rating screen starts in it).
    language: str = "nl"
    wait_expected_from: str | None = None  # the "13:00" of that note, for translation

    @classmethod
    def of(cls, t: Ticket, reason: str | None = None) -> TicketView:
        return cls(
            id=t.id,
            number=t.number,
            branch=t.branch.code,
            service=t.service.code,
            service_name=t.service.name_nl,
            service_names=dict(t.service.name_text or {}),
            kind=t.kind.value,
            status=t.status.value,
            issued_at=t.issued_at,
            wait_from=t.wait_from,
            appointment_at=t.appointment_at,
            called_at=t.last_called_at,
            counter=t.counter.number if t.counter else None,
            call_count=t.call_count,
            predicted_wait_minutes=(
                round(t.predicted_wait_seconds / 60)
                if t.predicted_wait_seconds is not None
                else None
            ),
            needs_assistance=t.needs_assistance,
            appointment_reference=t.appointment.reference if t.appointment else None,
            # Only when loaded (staff operations load it): a public-hall PC may not read it.
            transfer_note=(None if "transfer_note" in inspect(t).unloaded else t.transfer_note),
            reason=reason,
            language=t.language,
        )

    def service_in(self, language: str) -> str:
        """The service's name in ``language`` (Dutch when it has none)."""
        return pick(self.service_names, language) or self.service_name

    def waited_minutes(self, now: datetime) -> int:
        """Minutes waited so far, or until the first call once called."""
        end = self.called_at if self.status != "waiting" and self.called_at else now
        return max(0, int((end - self.wait_from).total_seconds() // 60))

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("issued_at", "wait_from", "appointment_at", "called_at"):
            data[key] = _iso(data[key])
        return data


@dataclass(frozen=True)
class AppointmentView:
    id: int
    reference: str
    branch: str
    branch_name: str
    service: str
    service_name: str
    start: datetime
    duration_minutes: int
    status: str
    channel: str
    name: str | None
    code: str | None = None
    short_code: str | None = None

    @classmethod
    def of(
        cls, a: Appointment, code: str | None = None, short_code: str | None = None
    ) -> AppointmentView:
        return cls(
            id=a.id,
            reference=a.reference,
            branch=a.branch.code,
            branch_name=a.branch.name,
            service=a.service.code,
            service_name=a.service.name_nl,
            start=a.start,
            duration_minutes=a.duration_minutes,
            status=a.status.value,
            channel=a.channel,
            name=a.name,
            code=code,
            short_code=short_code,
        )

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["start"] = _iso(self.start)
        return data


@dataclass(frozen=True)
class ServiceView:
    code: str
    name_nl: str
    prefix: str
    duration_minutes: int
    bring_nl: str
    icon: str
    walk_in: bool = True
    appointment: bool = True
    names: dict[str, str] = field(default_factory=dict)
    brings: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, s: Service, walk_in: bool = True, appointment: bool = True) -> ServiceView:
        return cls(
            code=s.code,
            name_nl=s.name_nl,
            prefix=s.prefix,
            duration_minutes=s.duration_minutes,
            bring_nl=s.bring_nl,
            icon=s.icon,
            walk_in=walk_in,
            appointment=appointment,
            names=dict(s.name_text or {}),
            brings=dict(s.bring_text or {}),
        )

    def name(self, language: str = "nl") -> str:
        return pick(self.names, language) or self.name_nl

    def bring(self, language: str = "nl") -> str:
        return pick(self.brings, language) or self.bring_nl


@dataclass(frozen=True)
class BranchView:
    code: str
    name: str
    address: str
    wait_area: str  # Dutch
    counters: list[dict[str, Any]] = field(default_factory=list)
    # Per language; a language without its own text: the kiosk says "the waiting area".
    wait_areas: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, b: Branch) -> BranchView:
        return cls(
            code=b.code,
            name=b.name,
            address=b.address,
            wait_area=b.wait_area,
            wait_areas=dict(b.wait_area_text or {}),
            counters=[
                {"number": c.number, "name": c.name, "services": sorted(s.code for s in c.services)}
                for c in b.counters
                if c.active
            ],
        )


@dataclass(frozen=True)
class QueueSnapshot:
    """What a screen shows of one branch at one moment."""

    branch: str
    branch_name: str
    now: datetime
    open_tickets: list[TicketView]
    recent_calls: list[TicketView]
    norm_minutes: int

    @property
    def waiting(self) -> list[TicketView]:
        return [t for t in self.open_tickets if t.status == "waiting"]

    def to_dict(self) -> dict[str, Any]:
        return {
            "branch": self.branch,
            "branch_name": self.branch_name,
            "now": _iso(self.now),
            "norm_minutes": self.norm_minutes,
            "open": [t.to_dict() for t in self.open_tickets],
            "recent_calls": [t.to_dict() for t in self.recent_calls],
        }


# -- one place for the UI ---------------------------------------------------------------
# The views and the user-facing vocabulary made next to their area's logic, importable
# from here so the UIs import only loket.services, loket.views and loket.errors (a test
# walks the imports). Loaded lazily: those modules import this one.

_ELSEWHERE = {
    "BranchStatus": "loket.display",
    "DisplayCall": "loket.display",
    "DisplayState": "loket.display",
    "ServiceWait": "loket.display",
    "describe_day": "loket.hours",
    "MONTHS_EN": "loket.hours",
    "BranchMonitor": "loket.monitor",
    "CounterMonitor": "loket.monitor",
    "DeviceAlert": "loket.monitor",
    "TARGET_SHARE": "loket.monitor",
    "CounterOverview": "loket.desk",
    "Visitor": "loket.desk",
    "StaffView": "loket.staff",
    "ROLE_NL": "loket.staff",
    "AVAILABILITY_NL": "loket.status_words",  # loket.status_words.AVAILABILITY
    "TICKET_STATUS_NL": "loket.status_words",  # loket.status_words.TICKET
    "UNUSED_COUNTER": "loket.status_words",
    "OUTCOMES": "loket.tickets",
    "CALL_REASONS": "loket.tickets",
    "SmtpSettings": "loket.mailer",
    "REFERENCE_ALPHABET": "loket.codes",
    "SHORT_CODE_LENGTH": "loket.codes",
    "qr_png": "loket.codes",
    "EventRecord": "loket.events",
    "PlanView": "loket.plan_service",
    "REASONS_NL": "loket.plan_service",
    "SOURCE_NL": "loket.plan_builder",
    "STAFF_ROLES": "loket.staff_admin",
    "StaffEntry": "loket.staff_admin",
    "Report": "loket.reports.figures",
    "Breakdown": "loket.reports.texts",
}

if TYPE_CHECKING:  # explicit re-exports, for mypy
    from loket.codes import REFERENCE_ALPHABET as REFERENCE_ALPHABET
    from loket.codes import SHORT_CODE_LENGTH as SHORT_CODE_LENGTH
    from loket.codes import qr_png as qr_png
    from loket.desk import CounterOverview as CounterOverview
    from loket.desk import Visitor as Visitor
    from loket.display import BranchStatus as BranchStatus
    from loket.display import DisplayCall as DisplayCall
    from loket.display import DisplayState as DisplayState
    from loket.display import ServiceWait as ServiceWait
    from loket.events import EventRecord as EventRecord
    from loket.hours import MONTHS_EN as MONTHS_EN
    from loket.hours import describe_day as describe_day
    from loket.mailer import SmtpSettings as SmtpSettings
    from loket.monitor import TARGET_SHARE as TARGET_SHARE
    from loket.monitor import BranchMonitor as BranchMonitor
    from loket.monitor import CounterMonitor as CounterMonitor
    from loket.monitor import DeviceAlert as DeviceAlert
    from loket.plan_builder import SOURCE_NL as SOURCE_NL
    from loket.plan_service import REASONS_NL as REASONS_NL
    from loket.plan_service import PlanView as PlanView
    from loket.reports.figures import Report as Report
    from loket.reports.texts import Breakdown as Breakdown
    from loket.staff import ROLE_NL as ROLE_NL
    from loket.staff import StaffView as StaffView
    from loket.staff_admin import STAFF_ROLES as STAFF_ROLES
    from loket.staff_admin import StaffEntry as StaffEntry
    from loket.status_words import AVAILABILITY as AVAILABILITY_NL  # noqa: F401
    from loket.status_words import TICKET as TICKET_STATUS_NL  # noqa: F401
    from loket.status_words import UNUSED_COUNTER as UNUSED_COUNTER
    from loket.tickets import CALL_REASONS as CALL_REASONS
    from loket.tickets import OUTCOMES as OUTCOMES


_RENAMED = {"AVAILABILITY_NL": "AVAILABILITY", "TICKET_STATUS_NL": "TICKET"}


def __getattr__(name: str) -> Any:
    module = _ELSEWHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'loket.views' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), _RENAMED.get(name, name))
    globals()[name] = value
    return value
