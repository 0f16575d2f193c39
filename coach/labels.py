"""Dutch words of the coach view for the fixed values of intake schema v1.

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
    "email": "E-mail",
    "social_worker": "Via maatschappelijk werker",
    "come_by": "Komt zelf langs",
}

QUESTIONS = {
    "name": "Naam",
    "contact_method": "Contactwijze",
    "contact_detail": "Contactgegevens",
    "neighbourhood": "Wijk",
    "needs": "Noden",
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
