"""Dutch words of the coach view for the fixed values of intake schemas v1, v2 and v3.

The coach view is Dutch only; the person-facing words live in `languages/`, the needs and wijken in `config/`.
"""

LANGUAGE_NAMES = {
    "nl": "Nederlands",
    "en": "Engels",
    "bg": "Bulgaars",
    "sk": "Slovaaks",
    "ro": "Roemeens",
    "prs": "Dari",
}

CONTACT_METHODS = {
    "phone": "Telefoon",
    "whatsapp": "WhatsApp",
    "email": "E-mail",
    "social_worker": "Via sociaal werker",
    "come_by": "Komt zelf langs",
}

QUESTIONS = {
    "name": "Naam",
    "contact_method": "Contactwijze",
    "contact_detail": "Contactgegevens",
    # Schema v3: the social worker's name and organisation as the person typed them.
    "social_worker": "Via sociaal werker",
    "contact_time": "Bereikbaar",
    # Schema v3: the domains the person wants help with (HELP_DOMAINS).
    "help_with": "Wil hulp bij",
    "neighbourhood": "Wijk",
    "age_band": "Leeftijd",
    "referral": "Doorverwezen door",
    "income": "Inkomen",
    "languages_spoken": "Talen",
    "dutch_level": "Kennis Nederlands",
    "interpreter": "Tolk gewenst",
    "schooling": "Scholing",
    "diploma_abroad": "Diploma uit het buitenland",
    "work_wish": "Welk werk zou je graag doen",
    "work_done": "Werk dat je al deed",
    "anything_else": "Nog iets",
    "needs": "Noden",
    # The life-domain questions of the complete intake (bot/questions.yml).
    "contact_name": "Naam",
    "home": "Wonen",
    "money": "Geldzorgen",
    "health": "Gezondheid",
    "family": "Thuis en gezin",
    "papers": "Verblijfspapieren",
    "reading": "Lezen, schrijven, gsm",
    "network": "Netwerk",
    "daytime": "Dagritme",
    "justice": "Politie of gerecht",
}

ANSWER_VALUES = {
    "contact_time": {"morning": "'s ochtends", "afternoon": "'s namiddags", "evening": "'s avonds", "any": "altijd"},
    "age_band": {"under_25": "jonger dan 25", "25_34": "25 tot 34", "35_49": "35 tot 49", "50_plus": "50 of ouder"},
    "referral": {
        "ocmw": "OCMW",
        "health_centre": "wijkgezondheidscentrum of huisarts",
        "acquaintance": "een kennis",
        "justice_assistant": "justitieassistent",
        "neighbourhood_steward": "buurtstewards",
        "reception": "onthaalbalie",
        "outreach": "outreach in de wijk",
        "maact": "MAACT",
        "former_coach": "vroegere coach",
        "vdab": "VDAB",
        "other": "andere",
    },
    "income": {
        "leefloon": "leefloon",
        "unemployment_benefit": "werkloosheidsuitkering",
        "sickness_benefit": "ziekte- of invaliditeitsuitkering",
        "wage": "loon",
        "no_income": "geen inkomen",
        "other": "ander inkomen",
    },
    "dutch_level": {"none": "geen", "a_little": "een beetje", "conversation": "een gesprek lukt", "good": "goed"},
    "schooling": {
        "none": "geen",
        "primary": "lager onderwijs",
        "secondary_unfinished": "secundair, niet afgemaakt",
        "secondary": "secundair",
        "higher": "hoger onderwijs",
    },
}

# Schema v3 `answers.help_with` (coach.schemas.HELP_DOMAINS, a test keeps them equal).
HELP_DOMAINS = {
    "work": "werk",
    "money": "geld",
    "home": "wonen",
    "health": "gezondheid",
    "papers": "verblijfspapieren",
    "family": "thuis en gezin",
    "reading": "lezen, schrijven, gsm",
    "dutch": "Nederlands",
    "other": "iets anders",
}

# Answers of schema v3 shown only when given (or skipped): older intakes never had them.
SHOWN_WHEN_GIVEN = ("social_worker", "help_with")

STATUSES = {"new": "Nieuw", "claimed": "Opgenomen", "contacted": "Contact gelegd", "closed": "Afgesloten"}

FLAGS = {
    "crisis": "Crisis: zelfdoding, zelfverwonding, geweld of acuut gevaar vermeld",
    "no_place_to_sleep": "Geen slaapplaats",
    "no_income": "Geen inkomen",
}

CHECKLIST_STATES = {
    "reported": "aangegeven",
    "not_reported": "niet aangegeven",
    "skipped": "overgeslagen",
    "not_asked": "te beoordelen",
}

ROLES = {"coach": "coach", "reception": "onthaal", "admin": "beheerder", "analyst": "analist"}

AUDIT_ACTIONS = {
    "login": "aangemeld",
    "login_failed": "aanmelding mislukt",
    "logout": "afgemeld",
    "intake_received": "aanmelding ontvangen",
    "list": "overzicht bekeken",
    "view": "aanmelding bekeken",
    "export_json": "export (JSON)",
    "export_print": "afdrukversie",
    "claim": "opgenomen",
    "status": "status gewijzigd",
    "observed": "observaties gewijzigd",
    "note": "notitie toegevoegd",
    "translate": "vertaald",
    "erase": "gewist op verzoek",
    "retention_delete": "gewist (bewaartermijn)",
    "rasa_erasure": "gesprek in Rasa gewist",
    "status_lookup": "status opgevraagd door de persoon",
}

NEEDS_ANSWERS = {
    "reported": "Noden aangegeven",
    "none": "Geen van deze noden",
    "rather_not_say": "Zegt dit liever niet",
    "skipped": "Vraag overgeslagen",
}

NEED_SOURCES = {
    "button": "Gekozen met een knop",
    "text": "In eigen woorden",
}

# /coach/bereik (coach/reach/).
CHANNELS = {"web": "Web", "whatsapp": "WhatsApp", "telegram": "Telegram", "reception": "Onthaalbalie"}

TARGET_GROUPS = {
    "under_25_no_diploma": "Jonger dan 25 zonder diploma",
    "fifty_plus": "50 of ouder",
    "no_income": "Geen inkomen",
    "bg_sk_ro": "Bulgaars-, Slovaaks- of Roemeenstalig",
    "dari": "Dari-sprekers",
    "single_parent": "Alleenstaande ouders (als de aanmelding het zegt)",
}

FUNNEL_STAGES = {
    "started": "Gesprek gestart",
    "consented": "Toestemming gegeven",
    "sent": "Aanmelding verstuurd",
    "taken": "Opgenomen door een coach",
    "contacted": "Contact gelegd",
    "closed": "Afgesloten",
}

REACH_NEED_STATES = {
    "reported": "aangegeven",
    "skipped": "overgeslagen",
    "to_assess": "te beoordelen",
    "not_reported": "niet aangegeven",
}

COMPLETENESS = {"complete": "volledig", "incomplete": "onvolledig"}

UNKNOWN_ANSWER = "niet beantwoord"
NO_TEAM = "geen team"

# Where a conversation stopped, for question ids that are not answers of the intake.
CONVERSATION_STEPS = {"language": "Taalkeuze", "consent": "Toestemming", "readback": "Nalezen", "": "onbekend"}
