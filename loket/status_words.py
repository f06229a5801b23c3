"""The one vocabulary for statuses, in plain Dutch: every screen, letter, export and
message takes its words from here, so a ticket is "Apart gezet" everywhere.

Labels (``TICKET``, ``APPOINTMENT``, ``AVAILABILITY``) name a state in a list or on a
card; ``TICKET_SENTENCE`` says it after a ticket number ("A 1 is opgeroepen").
"""

from __future__ import annotations

TICKET = {
    "waiting": "Wacht",
    "called": "Opgeroepen",
    "serving": "Aan de balie",
    "parked": "Apart gezet",
    "done": "Klaar",
    "no_show": "Niet gekomen",
    "cancelled": "Geannuleerd",
}
TICKET_SENTENCE = {
    "waiting": "wacht",
    "called": "is opgeroepen",
    "serving": "wordt geholpen",
    "parked": "staat even apart",
    "done": "is klaar",
    "no_show": "is niet gekomen",
    "cancelled": "is geannuleerd",
}
APPOINTMENT = {
    "booked": "Gepland",
    "checked_in": "Ingecheckt",
    "completed": "Geholpen",
    "cancelled": "Geannuleerd",
    "no_show": "Niet gekomen",
}
# A counter's availability, as a clerk sets it; "unused" only as the monitor shows it.
AVAILABILITY = {"available": "Beschikbaar", "break": "Pauze", "back_office": "Backoffice"}
UNUSED_COUNTER = "Nog niet actief"
