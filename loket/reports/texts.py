"""Every word a report shows, in Dutch (B1, the default) and English.

The figures carry keys ("walk_in", "online", "3" for Thursday); the words are chosen
when a report is written, so the same figures come out in either language.
"""

from __future__ import annotations

from dataclasses import dataclass

LANGUAGES = ("nl", "en")

_TEXT: dict[str, dict[str, str]] = {
    "nl": {
        "title": "Rapportage dienstverlening",
        "period": "Periode",
        "branch": "Vestiging",
        "service": "Dienst",
        "all_branches": "Alle vestigingen",
        "all_services": "Alle diensten",
        "made_at": "Gemaakt op",
        "norm": "Norm",
        "norm_text": "binnen {minutes} minuten opgeroepen",
        "target_share": "Doel op tijd",
        "satisfaction_target": "Doel tevredenheid",
        "summary": "Samenvatting",
        "figure": "Meting",
        "this_period": "Deze periode",
        "year_before": "Een jaar eerder",
        "visitors": "Bezoekers (nummers)",
        "served": "Geholpen",
        "walked_out": "Weggegaan zonder hulp",
        "no_show_called": "Opgeroepen, niet gekomen",
        "no_show_appointments": "Afspraak, niet gekomen",
        "called": "Opgeroepen",
        "within_norm": "Op tijd opgeroepen",
        "share_within_norm": "Op tijd (%)",
        "p50": "Wachttijd P50 (min)",
        "p90": "Wachttijd P90 (min)",
        "p95": "Wachttijd P95 (min)",
        "ratings": "Aantal cijfers",
        "mean_score": "Gemiddeld cijfer",
        "median_score": "Mediaan cijfer",
        "mode_score": "Meest gegeven cijfer",
        "printed": "Nummer geprint",
        "screen_only": "Nummer alleen op scherm",
        "groups": "Op tijd per soort bezoek",
        "channels": "Afspraken gemaakt per kanaal",
        "channel": "Kanaal",
        "appointments": "Afspraken",
        "by_branch": "Per vestiging",
        "by_service": "Per dienst",
        "by_weekday": "Per dag van de week",
        "by_hour": "Per uur van de dag",
        "by_week": "Per week",
        "by_group": "Per soort bezoek",
        "satisfaction": "Tevredenheid",
        "sub_scores": "Deelcijfers (1 tot 5)",
        "sub_score": "Onderdeel",
        "count": "Aantal",
        "mean": "Gemiddeld",
        "paper": "Papier",
        "target": "Doel",
        "met": "gehaald",
        "not_met": "niet gehaald",
        "no_data": "geen gegevens",
        "share_chart": "Deel op tijd opgeroepen per week",
        "visitors_chart": "Bezoekers per dag van de week",
        "hour_chart": "Bezoekers per uur van de dag",
        "score_chart": "Gegeven cijfers (1 tot 10)",
        "explain": (
            "Op tijd: de bezoeker is binnen de norm opgeroepen. De wachttijd telt vanaf "
            "het nummer (zonder afspraak) of vanaf de tijd van de afspraak. Wie wegging "
            "na langer wachten dan de norm, telt als niet op tijd. P50, P90 en P95: de "
            "helft, 9 van de 10 en 19 van de 20 bezoekers wachtten zo lang of korter."
        ),
        "section": "Onderdeel",
        "key": "Sleutel",
        "label": "Omschrijving",
        "value": "Waarde",
        "page": "Pagina",
        "col_visitors": "Bezoekers",
        "col_called": "Opgeroepen",
        "col_within": "Op tijd",
        "col_share": "Op tijd (%)",
        "col_served": "Geholpen",
        "col_walked_out": "Weggegaan",
        "col_ratings": "Cijfers",
        "col_mean": "Gem. cijfer",
    },
    "en": {
        "title": "Service report",
        "period": "Period",
        "branch": "Branch",
        "service": "Service",
        "all_branches": "All branches",
        "all_services": "All services",
        "made_at": "Made on",
        "norm": "Norm",
        "norm_text": "called within {minutes} minutes",
        "target_share": "Target on time",
        "satisfaction_target": "Satisfaction target",
        "summary": "Summary",
        "figure": "Measure",
        "this_period": "This period",
        "year_before": "A year earlier",
        "visitors": "Visitors (tickets)",
        "served": "Served",
        "walked_out": "Left without help",
        "no_show_called": "Called, did not come",
        "no_show_appointments": "Appointment, did not come",
        "called": "Called",
        "within_norm": "Called on time",
        "share_within_norm": "On time (%)",
        "p50": "Wait P50 (min)",
        "p90": "Wait P90 (min)",
        "p95": "Wait P95 (min)",
        "ratings": "Number of ratings",
        "mean_score": "Mean score",
        "median_score": "Median score",
        "mode_score": "Most given score",
        "printed": "Ticket printed",
        "screen_only": "Ticket on screen only",
        "groups": "On time per kind of visit",
        "channels": "Appointments made per channel",
        "channel": "Channel",
        "appointments": "Appointments",
        "by_branch": "Per branch",
        "by_service": "Per service",
        "by_weekday": "Per weekday",
        "by_hour": "Per hour of the day",
        "by_week": "Per week",
        "by_group": "Per kind of visit",
        "satisfaction": "Satisfaction",
        "sub_scores": "Sub-scores (1 to 5)",
        "sub_score": "Aspect",
        "count": "Count",
        "mean": "Mean",
        "paper": "Paper",
        "target": "Target",
        "met": "met",
        "not_met": "not met",
        "no_data": "no data",
        "share_chart": "Share called on time per week",
        "visitors_chart": "Visitors per weekday",
        "hour_chart": "Visitors per hour of the day",
        "score_chart": "Scores given (1 to 10)",
        "explain": (
            "On time: the visitor was called within the norm. The wait counts from the "
            "ticket (walk-in) or from the appointment time. Someone who left after "
            "waiting longer than the norm counts as not on time. P50, P90 and P95: half, "
            "9 in 10 and 19 in 20 visitors waited this long or shorter."
        ),
        "section": "Section",
        "key": "Key",
        "label": "Label",
        "value": "Value",
        "page": "Page",
        "col_visitors": "Visitors",
        "col_called": "Called",
        "col_within": "On time",
        "col_share": "On time (%)",
        "col_served": "Served",
        "col_walked_out": "Left",
        "col_ratings": "Ratings",
        "col_mean": "Mean score",
    },
}

# The breakdowns of a report's figures, in the order a screen offers them, and the key of
# each one's title ("groups" has its own: "Op tijd per soort bezoek" heads the PDF's
# table of shares only, a screen's breakdown shows every figure).
BREAKDOWNS = ("by_branch", "by_service", "groups", "by_weekday", "by_hour", "by_week")
_BREAKDOWN_TITLE = {"groups": "by_group"}


@dataclass(frozen=True)
class Breakdown:
    """One way to break a report down: ``key`` names its rows in the report's figures
    (``ReportService.as_dict(report)["current"][key]``), ``title`` is what it is called."""

    key: str
    title: str


def breakdowns(language: str = "nl") -> tuple[Breakdown, ...]:
    return tuple(Breakdown(k, text(language, _BREAKDOWN_TITLE.get(k, k))) for k in BREAKDOWNS)


GROUPS = {
    "nl": {
        "walk_in": "Zonder afspraak",
        "appointment": "Met afspraak",
        "late": "Te laat voor afspraak, als inloop geholpen",
    },
    "en": {
        "walk_in": "Walk-in",
        "appointment": "Appointment",
        "late": "Late for appointment, let in as walk-in",
    },
}

CHANNELS = {
    "nl": {
        "online": "Online",
        "phone": "Telefoon",
        "counter": "Balie",
        "counter_follow_up": "Balie, vervolgafspraak",
        "import": "Import (bestand)",
        "kiosk": "Aanmeldscherm",
        "reception": "Receptie",
    },
    "en": {
        "online": "Online",
        "phone": "Phone",
        "counter": "Counter",
        "counter_follow_up": "Counter, follow-up",
        "import": "Import (file)",
        "kiosk": "Kiosk",
        "reception": "Reception",
    },
}

WEEKDAYS = {
    "nl": ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"],
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
}

SUB_SCORES = {
    "nl": {"friendliness": "Vriendelijkheid", "speed": "Snelheid", "expertise": "Deskundigheid"},
    "en": {"friendliness": "Friendliness", "speed": "Speed", "expertise": "Expertise"},
}


def check_language(language: str) -> str:
    from loket.errors import Refused

    if language not in LANGUAGES:
        raise Refused(
            f"Taal '{language}' kan niet. Kies nl (Nederlands) of en (Engels).", code="language"
        )
    return language


def text(language: str, key: str, **values: object) -> str:
    words = _TEXT[language][key]
    return words.format(**values) if values else words


def week_label(key: str, language: str) -> str:
    """ "2026-W48" -> "week 48 (2026)" / "week 48 (2026)"."""
    year, _, week = key.partition("-W")
    return f"week {int(week)} ({year})"


def hour_label(hour: int) -> str:
    return f"{hour:02d}:00–{hour + 1:02d}:00"
