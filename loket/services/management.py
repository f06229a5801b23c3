"""For team leaders and management: the live monitor against the norm and reports over any
period (logic in loket.monitor, loket.reports).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from loket import tickets
from loket.services.base import ServiceBase

if TYPE_CHECKING:  # loaded lazily, inside the methods below
    from loket.monitor import BranchMonitor
    from loket.reports.service import ReportService


class ManagementService(ServiceBase):
    @property
    def reports(self) -> ReportService:
        """Reports over any period as PDF, CSV or JSON, and the monthly mail."""
        from loket.reports.service import ReportService

        return ReportService(self.db, self.clock, self.actor)

    def monitor(self, branch: str) -> BranchMonitor:
        """Queues against the norm, today's share called within it, counters, open alerts."""
        from loket import monitor

        self.require("monitor")
        return self._read(lambda s: monitor.monitor(s, tickets.get_branch(s, branch), self.now()))
