"""Privacy: the purge of personal data after the configured window and the resident's right
of access (logic in loket.privacy).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from loket.services.base import ServiceBase

if TYPE_CHECKING:  # loket.privacy loads lazily, inside the methods below
    from loket.privacy import PrivacyExport, PurgeReport


class PrivacyService(ServiceBase):
    def purge_personal_data(self) -> PurgeReport:
        """Remove personal data of visits older than the configured window; a report."""
        from loket import privacy

        return self._write(privacy.purge, "privacy")

    def purge_if_due(self) -> PurgeReport | None:
        """The daily purge for a timer: at most once a day; None when it already ran
        today or this PC's role holds no rights on personal data (kiosk, display)."""
        from loket import privacy

        return self._write(privacy.purge_if_due)

    def privacy_export(self, reference: str) -> PrivacyExport:
        """Everything stored about one appointment (the resident's right of access)."""
        from loket import privacy

        return self._write(lambda s, c: privacy.export(s, c, reference), "privacy")
