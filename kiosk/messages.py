"""Refusals worded for the visitor, in their language, from the error's code and params.

The core raises errors with a ``code`` and structured ``params`` (a time, a day, a
branch); this table holds the visitor's words for each code, in plain Dutch, translated
through the catalogues like every other text (``loket.views.language``). Nothing here
reads the Dutch text of the error.
"""

from __future__ import annotations

from datetime import datetime

from loket.views.language import N_, format_day, say

# code -> (title, text); {name} in the text comes from the error's params.
REFUSALS: dict[str, tuple[str, str]] = {
    # Codes on a letter or typed at the kiosk (loket.codes).
    "code_unreadable": (
        N_("De code is niet goed gelezen"),
        N_("De code is niet goed gelezen. Probeer het nog een keer."),
    ),
    "code_typo": (
        N_("Deze code klopt niet"),
        N_("Deze code klopt niet. Kijk goed en typ de code nog een keer."),
    ),
    "code_invalid": (
        N_("Deze code kennen we niet"),
        # The help line below the text says where to go: no second person to ask here.
        N_("We vinden geen afspraak bij deze code. Kijk of de code klopt en probeer het opnieuw."),
    ),
    "code_expired": (
        N_("Uw afspraak is voorbij"),
        N_(
            "De tijd van uw afspraak is voorbij. Neem een nummer, dan helpen we u zonder "
            "afspraak. Of maak een nieuwe afspraak."
        ),
    ),
    "code_wrong_day": (
        N_("Uw afspraak is op een andere dag"),
        N_("Uw afspraak is niet vandaag. Kijk in uw bevestiging wanneer u kunt komen."),
    ),
    "code_wrong_branch": (
        N_("Uw afspraak is op een andere plek"),
        N_("Uw afspraak is niet op deze locatie. Kijk in uw bevestiging waar u moet zijn."),
    ),
    "code_used": (
        N_("U bent al ingecheckt"),
        N_("Deze code is al gebruikt. Heeft u een vraag? Ga dan naar de balie."),
    ),
    "code_attempts": (
        N_("Even wachten"),
        N_("Er zijn te veel foute codes ingevoerd. Wacht even en probeer het opnieuw."),
    ),
    "code_error": (N_("Dat lukte niet"), N_("Er ging iets mis met deze code.")),
    # Refusals of the core (loket.appointments, loket.tickets, loket.feedback).
    "too_early": (
        N_("U bent te vroeg"),
        N_("U bent te vroeg. Kom later terug om in te checken."),
    ),
    "cancelled": (
        N_("Deze afspraak is geannuleerd"),
        N_("Deze afspraak is geannuleerd. De receptie helpt u graag."),
    ),
    "expired": (
        N_("Uw afspraak is voorbij"),
        N_(
            "De tijd van uw afspraak is voorbij. Neem een nummer, dan helpen we u zonder "
            "afspraak. Of maak een nieuwe afspraak."
        ),
    ),
    "closed": (
        N_("We zijn nu gesloten"),
        N_(
            "We zijn nu gesloten. Een afspraak maken kan bij de receptie, "
            "op de website of via de telefoon."
        ),
    ),
    "appointment_only": (
        N_("Nu alleen op afspraak"),
        N_(
            "Nu helpen we alleen mensen met een afspraak. Een afspraak maken kan bij "
            "de receptie, op de website of via de telefoon."
        ),
    ),
    "appointment_needed": (
        N_("Hiervoor heeft u een afspraak nodig"),
        N_(
            "Hiervoor heeft u een afspraak nodig. Een afspraak maken kan bij de "
            "receptie, op de website of via de telefoon."
        ),
    ),
    "not_found": (
        N_("Dit nummer kennen we niet"),
        N_(
            "We vinden dit nummer niet voor vandaag. Kijk goed op uw bonnetje en "
            "probeer het opnieuw."
        ),
    ),
    "not_served_yet": (
        N_("U bent nog niet geholpen"),
        N_("U bent nog niet aan de beurt geweest. Geef na uw bezoek aan de balie een cijfer."),
    ),
    "feedback_given": (
        N_("U heeft al een cijfer gegeven"),
        N_("Voor dit nummer is al een cijfer gegeven. Dank u wel!"),
    ),
}
GENERAL = (N_("Dat kan nu niet"), N_("Dit kan nu niet. De receptie helpt u graag."))

# With the error's params: a sentence that says the time, the day or the place.
DETAILS: dict[str, str] = {
    # Refusals with a next step on the screen ("Nummer nemen") say so.
    "too_early": N_(
        "Uw afspraak is om {time}. U kunt inchecken vanaf {start}. Kom dan terug. "
        "Of neem nu een nummer, dan helpt de eerste vrije medewerker u."
    ),
    "code_expired": N_(
        "Uw afspraak was op {day}. Die tijd is voorbij. Neem een nummer, dan helpen we u "
        "zonder afspraak. Of maak een nieuwe afspraak."
    ),
    "code_wrong_day": N_("Uw afspraak is niet vandaag. Uw afspraak is op {day}."),
    "code_wrong_branch": N_("Uw afspraak is niet op deze locatie. Uw afspraak is bij {branch}."),
    "code_attempts": N_(
        "Er zijn te veel foute codes ingevoerd. Wacht {seconds} seconden en probeer het "
        "dan opnieuw."
    ),
    "closed": N_(
        "We zijn nu gesloten. Zonder afspraak kunt u weer komen op {day} vanaf {time}. "
        "Een afspraak maken kan bij de receptie, op de website of via de telefoon."
    ),
    "appointment_only": N_(
        "Tot {until} helpen we alleen mensen met een afspraak. Een afspraak maken kan "
        "bij de receptie, op de website of via de telefoon."
    ),
}


def _params(code: str, params: dict[str, object], language: str) -> dict[str, object] | None:
    """The params the detailed sentence needs, worded; None when they are not all there."""
    if code == "closed":
        again = params.get("again")
        if not isinstance(again, datetime):
            return None
        return {"day": format_day(again.date(), language), "time": again.time()}
    if code == "too_early" and not {"time", "start"} <= params.keys():
        return None
    if code in ("code_expired", "code_wrong_day") and "day" not in params:
        return None
    if code == "code_wrong_branch" and "branch" not in params:
        return None
    if code == "code_attempts" and "seconds" not in params:
        return None
    if code == "appointment_only" and "until" not in params:
        return None
    return params


def refusal(code: str, params: dict[str, object], language: str) -> tuple[str, str]:
    """Title and text of a refusal, in ``language``."""
    title, text = REFUSALS.get(code, GENERAL)
    detail = DETAILS.get(code)
    worded = _params(code, params, language) if detail else None
    if detail and worded is not None:
        return say(language, title), say(language, detail, **worded)
    return say(language, title), say(language, text)
