"""Loket's services: the one entry point for the UIs and the CLI.

One class per area (``loket/services/<area>.py``), each method one transaction that
opens it, calls the engine, commits and returns plain views (``loket.views``); a
``DomainError`` rolls everything back. ``Loket`` composes the areas, so a screen holds
one object and calls ``loket.issue_ticket(...)`` or ``loket.day_plan(...)`` alike.
"""

from __future__ import annotations

from loket.reports.service import ReportService
from loket.services.appointment_calendar import CalendarService
from loket.services.appointments import AppointmentService
from loket.services.base import BookingDetails, ServiceBase
from loket.services.configuration import ConfigurationService
from loket.services.desk import DeskService
from loket.services.feed import FeedService
from loket.services.management import ManagementService
from loket.services.privacy import PrivacyService
from loket.services.public_screens import PublicScreenService
from loket.services.staff import StaffService
from loket.services.tickets import TicketService

__all__ = ["BookingDetails", "Loket", "ReportService", "ServiceBase"]


class Loket(
    ConfigurationService,
    TicketService,
    AppointmentService,
    CalendarService,
    DeskService,
    PublicScreenService,
    StaffService,
    FeedService,
    PrivacyService,
    ManagementService,
):
    """Every area's services for one actor (a clerk, a kiosk, the command line)."""
