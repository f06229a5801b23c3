"""Setting up: the schema, the municipality's configuration file, and the reference data
(branches, services, counters) every screen reads.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from loket import appointments, config, events, migrate, tickets
from loket.config_schema import MUNICIPALITY
from loket.errors import NotFound
from loket.models import Branch, BranchService, Counter, Service, Staff
from loket.services.base import ServiceBase
from loket.tickets import Context
from loket.views import BranchView, ServiceView

if TYPE_CHECKING:  # loaded lazily, inside the methods below
    from loket.mailer import SmtpSettings


OpeningHoursShown = TypedDict(
    "OpeningHoursShown", {"weekday": int, "from": str, "to": str, "mode": str}
)


class CounterShown(TypedDict):
    number: int
    name: str
    services: list[str]


class BranchShown(TypedDict):
    code: str
    name: str
    address: str
    wait_area: str
    counters: list[CounterShown]
    hours: list[OpeningHoursShown]


class ServiceShown(TypedDict):
    """``ServiceView``'s fields and the branches that offer the service."""

    code: str
    name_nl: str
    prefix: str
    duration_minutes: int
    bring_nl: str
    icon: str
    walk_in: bool
    appointment: bool
    names: dict[str, str]
    brings: dict[str, str]
    branches: list[str]


class StaffShown(TypedDict):
    code: str
    name: str
    roles: list[str]
    skills: list[str]


class ConfigShown(TypedDict):
    municipality: dict[str, object]
    branches: list[BranchShown]
    services: list[ServiceShown]
    staff: list[StaffShown]


class ConfigurationService(ServiceBase):
    def upgrade(self) -> None:
        migrate.upgrade(self.db)

    def apply_config(self, path: Path) -> config.ApplyReport:
        self.require("configure")
        spec = config.load_config(path)

        def run(session: Session, ctx: Context) -> config.ApplyReport:
            report = config.apply_config(
                session, spec, appointments.card_key(session, ctx.now), ctx.now
            )
            # Every PC reloads its cached branches, counters and services (config_cache).
            events.append(session, at=ctx.now, kind="config.applied", actor=ctx.actor)
            return report

        return self._write(run, "configure")

    def show_config(self) -> ConfigShown:
        """The applied configuration as ``loket config show`` prints it (JSON-ready)."""

        def run(session: Session) -> ConfigShown:
            muni = tickets.settings(session)
            branches = session.scalars(select(Branch).order_by(Branch.code)).all()
            services = session.scalars(
                select(Service).where(Service.active).order_by(Service.code)
            ).all()
            offers = session.scalars(select(BranchService)).all()
            staff = session.scalars(select(Staff).where(Staff.active).order_by(Staff.code)).all()
            by_id = {b.id: b.code for b in branches}
            return {
                "municipality": {
                    column: getattr(muni, column) for column in MUNICIPALITY.column_names()
                },
                "branches": [
                    {
                        "code": b.code,
                        "name": b.name,
                        "address": b.address,
                        "wait_area": b.wait_area,
                        "counters": [
                            {
                                "number": c.number,
                                "name": c.name,
                                "services": sorted(x.code for x in c.services),
                            }
                            for c in b.counters
                            if c.active
                        ],
                        "hours": [
                            {
                                "weekday": p.weekday,
                                "from": f"{p.start:%H:%M}",
                                "to": f"{p.end:%H:%M}",
                                "mode": p.mode.value,
                            }
                            for p in b.periods
                        ],
                    }
                    for b in branches
                ],
                "services": [
                    cast(
                        ServiceShown,
                        {
                            **asdict(ServiceView.of(s)),
                            "branches": sorted(
                                by_id[o.branch_id] for o in offers if o.service_id == s.id
                            ),
                        },
                    )
                    for s in services
                ],
                "staff": [
                    {
                        "code": s.code,
                        "name": s.name,
                        "roles": [str(r) for r in s.roles],
                        "skills": sorted(k.service.code for k in s.skills),
                    }
                    for s in staff
                ],
            }

        return self._read(run)

    def smtp_settings(self) -> SmtpSettings | None:
        """The municipality's mail server for confirmations, or None when not set."""
        from loket.mailer import SmtpSettings

        def run(session: Session) -> SmtpSettings | None:
            data = tickets.settings(session).smtp
            return SmtpSettings(**data) if data else None

        return self._read(run)

    def branches(self) -> list[BranchView]:
        return self._read(
            lambda s: [BranchView.of(b) for b in s.scalars(select(Branch).order_by(Branch.id))]
        )

    def services_at(self, branch_code: str) -> list[ServiceView]:
        def run(session: Session) -> list[ServiceView]:
            branch = tickets.get_branch(session, branch_code)
            rows = session.execute(
                select(Service, BranchService)
                .join(BranchService, BranchService.service_id == Service.id)
                .where(BranchService.branch_id == branch.id, Service.active)
                .order_by(Service.prefix)
            )
            return [ServiceView.of(s, o.walk_in, o.appointment) for s, o in rows]

        return self._read(run)

    def counter_numbers(self, branch: str) -> list[int]:
        def run(session: Session) -> list[int]:
            b = tickets.get_branch(session, branch)
            return list(
                session.scalars(
                    select(Counter.number)
                    .where(Counter.branch_id == b.id, Counter.active)
                    .order_by(Counter.number)
                )
            )

        return self._read(run)

    def require_branch(self, code: str) -> None:
        if code not in {b.code for b in self.branches()}:
            raise NotFound(f"Vestiging '{code}' bestaat niet.")

    def municipality_name(self) -> str:
        return self._read(lambda s: tickets.settings(s).name)
