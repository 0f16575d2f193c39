"""The twelve personas of the call for interest (../shared/domain.md, the source's appendix 3), each playing the
person: the help they would ask for, the answers they would give, their own words where they would type, "tell a
bit more" as fits them, and the channel they come by.

What a persona does not say stays open for the coach: a need never asked is `not_asked` in the stored checklist,
even when the source's sheet ticks it (Rustov is homeless but asks for work, money and papers only). So each
persona's expected checklist follows from what they said, not from the source's sheet:
`reported` (said), `not_reported` (asked, and answered "no problem"), `skipped` (asked, "I'd rather not say"),
every other need `not_asked`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]


def need_ids() -> list[str]:
    return [need["id"] for need in yaml.safe_load((ROOT / "config" / "needs.yml").read_text("utf-8"))["needs"]]


@dataclass(frozen=True)
class Persona:
    name: str
    language: str
    opening: str  # "button": opens the chat and taps the language; else the first message, typed
    script: dict[str, Any]  # tests/e2e/intake.py IntakeScript
    reported: frozenset[str]
    not_reported: frozenset[str] = frozenset()
    skipped: frozenset[str] = frozenset()
    answers: dict[str, Any] = field(default_factory=dict)  # answers of the stored intake worth checking
    flags: frozenset[str] = frozenset()

    def checklist(self) -> dict[str, str]:
        """The stored intake's checklist this conversation should end in, all twenty needs."""
        assert not (self.reported & self.not_reported or self.reported & self.skipped), self.name
        states = dict.fromkeys(need_ids(), "not_asked")
        states.update(dict.fromkeys(self.skipped, "skipped"))
        states.update(dict.fromkeys(self.not_reported, "not_reported"))
        states.update(dict.fromkeys(self.reported, "reported"))
        assert set(states) == set(need_ids()), f"{self.name}: unknown need"
        return states


# The person's answers to the questions after "Do you want to tell a bit more now?" that report nothing.
CALM_REST = {"health": [], "papers": "in_order", "family": [], "reading": "no", "money": "no", "home": "safe",
             "daytime": "yes", "justice": "no"}  # fmt: skip

PERSONAS = {
    persona.name: persona
    for persona in [
        # 52, Flemish, back problems, distrust; her GP's health centre sent her. Financial pressure brings her: she
        # asks for work and money, types the job she has in mind, and tells nothing more.
        Persona(
            "Mieke",
            "nl",
            "Goedendag, de dokter zei dat ik hier moest schrijven",
            {
                "contact_name": ("type", "Mieke"),
                "contact_method": "phone",
                "contact_detail": ("type", "0471 23 45 67"),
                "contact_time": "afternoon",
                "neighbourhood": "nieuw_gent_uz",
                "age_band": "50_plus",
                "dutch_level": "good",
                "help_with": ["work", "money"],
                "work_wish": ("type", "Een administratieve job voor een paar uur per week, niet te ver van huis"),
                "income": "leefloon",
                "tell_more": "no",
            },
            reported=frozenset({"financial_need"}),
            not_reported=frozenset({"limited_dutch"}),
            answers={"income": "leefloon", "help_with": ["work", "money"]},
        ),
        # 36, Bulgarian, four young children; sent by the OCMW social worker, who must see her take steps to work
        # and find childcare. She asks about work and childcare, not about her husband's view.
        Persona(
            "Milena",
            "bg",
            "button",
            {
                "contact_name": ("type", "Милена"),
                "contact_method": "social_worker",
                "social_worker": ("type", "Ан Де Смет, OCMW"),
                "neighbourhood": "bloemekenswijk",
                "age_band": "35_49",
                "dutch_level": "a_little",
                "interpreter": "yes",
                "help_with": ["work", "family"],
                "work_wish": "dont_know",
                "family": ["childcare"],
                "tell_more": "no",
            },
            reported=frozenset({"limited_dutch", "childcare"}),
            not_reported=frozenset({"family_care", "family_relationships"}),
            answers={"contact_method": "social_worker", "work_wish": None, "interpreter": True},
        ),
        # 56, Romanian, homeless, E-card, drinks, back problems. He wants a job and his papers in order; "first
        # Dutch or a home is not the point for Rustov". Housing, health and addiction stay for the coach.
        Persona(
            "Rustov",
            "ro",
            "Bună ziua, caut de lucru, un prieten mi-a spus să scriu aici",
            {
                "contact_name": ("type", "Rustov"),
                "contact_method": "come_by",
                "neighbourhood": "no_fixed_address",
                "age_band": "50_plus",
                "dutch_level": "none",
                "interpreter": "yes",
                "help_with": ["work", "money", "papers"],
                "work_wish": ("type", "Construcții, am lucrat pe șantier în România"),
                "income": "no_income",
                "papers": "not_in_order",
                "tell_more": "no",
            },
            reported=frozenset({"limited_dutch", "financial_need", "residence_status"}),
            answers={"neighbourhood": "no_fixed_address", "income": "no_income"},
            flags=frozenset({"no_income"}),
        ),
        # 19, left school, lives with his mother, a justice assistant sent him through VDAB. He wants work and his
        # own money, little trust in services: two domains, his own words, nothing more.
        Persona(
            "Ambrose",
            "nl",
            "button",
            {
                "contact_name": ("type", "Ambrose"),
                "contact_method": "whatsapp",
                "contact_detail": ("type", "0488 11 22 33"),
                "contact_time": "evening",
                "neighbourhood": "ledeberg",
                "age_band": "under_25",
                "dutch_level": "good",
                "help_with": ["work", "money"],
                "work_wish": ("type", "Gewoon werken, iets met mijn handen"),
                "income": "no_income",
                "tell_more": "no",
            },
            reported=frozenset({"financial_need"}),
            not_reported=frozenset({"limited_dutch"}),
            answers={"contact_time": "evening", "work_wish": "Gewoon werken, iets met mijn handen"},
            flags=frozenset({"no_income"}),
        ),
        # 30, Slovak, lives in a squat with his family, no income, cannot read. He taps only: no name, comes by,
        # wants any job soon, money and a home of his own.
        Persona(
            "Jozef",
            "sk",
            "button",
            {
                "contact_name": "skip",
                "contact_method": "come_by",
                "neighbourhood": "rabot_blaisantvest",
                "age_band": "25_34",
                "dutch_level": "none",
                "interpreter": "yes",
                "help_with": ["work", "money", "home"],
                "work_wish": "dont_know",
                "income": "other",
                "home": "unsure",
                "tell_more": "no",
            },
            reported=frozenset({"limited_dutch", "financial_need", "housing"}),
            answers={"name": None, "income": "other", "neighbourhood": "rabot_blaisantvest"},
        ),
        # 44, Ukrainian, a construction project leader at home, now cleaning part-time for a wage just above the
        # leefloon; lives with her autistic son at a host family and must find a home. She writes English, wants
        # work at her level and tells the rest too.
        Persona(
            "Natalya",
            "en",
            "button",
            {
                **CALM_REST,  # the person's own answers below take precedence
                "contact_name": ("type", "Natalya"),
                "contact_method": "email",
                "contact_detail": ("type", "natalya.k@example.org"),
                "neighbourhood": "gentbrugge",
                "age_band": "35_49",
                "dutch_level": "a_little",
                "interpreter": "no",
                "help_with": ["home", "work", "family"],
                "work_wish": ("type", "Project management in construction, the work I did in Ukraine"),
                "home": "unsure",
                "family": ["care"],
                "tell_more": "yes",
                "income": "wage",
                "money": "yes",
                "schooling": "higher",
                "diploma_abroad": "yes",
                "work_done": (
                    "type",
                    "I was a project leader in construction in Ukraine. Here I clean houses part-time.",
                ),
                "network": "no",
                "referral": "maact",
                "languages_spoken": ("type", "Ukrainian, Russian, English"),
                "anything_else": "nothing",
            },
            reported=frozenset({"limited_dutch", "housing", "family_care", "financial_need", "limited_network"}),
            not_reported=frozenset(
                {
                    "medical",
                    "psychological",
                    "addiction",
                    "residence_status",
                    "childcare",
                    "family_relationships",
                    "literacy_digital",
                    "low_education",
                    "limited_work_experience",
                    "day_night_rhythm",
                    "justice",
                }
            ),
            answers={
                "income": "wage",
                "work_done": "I was a project leader in construction in Ukraine. Here I clean houses part-time.",
                "diploma_abroad": True,
                "referral": "maact",
                "contact_detail": "natalya.k@example.org",
            },
        ),
        # 22, lives alone on a leefloon, games all day, a light depression, ashamed of his drinking. The MAACT group
        # workers sign him up with him; he asks about work and how he feels, and stops there.
        Persona(
            "Keano",
            "nl",
            "button",
            {
                "contact_name": ("type", "Keano"),
                "contact_method": "social_worker",
                "social_worker": ("type", "Jonas, groepswerker MAACT"),
                "neighbourhood": "binnenstad",
                "age_band": "under_25",
                "dutch_level": "good",
                "help_with": ["work", "health"],
                "work_wish": "dont_know",
                "health": ["mind"],
                "tell_more": "no",
            },
            reported=frozenset({"psychological"}),
            not_reported=frozenset({"limited_dutch", "medical", "addiction"}),
            answers={"social_worker": "Jonas, groepswerker MAACT"},
        ),
        # 28, Ghanaian, interim jobs paid under the leefloon, his building is being sold. Met in the street by
        # outreach; he wants a steady job and asks about everything.
        Persona(
            "Simon",
            "en",
            "Hi, a man in the street told me to write here. I am looking for work.",
            {
                **CALM_REST,  # the person's own answers below take precedence
                "contact_name": ("type", "Simon"),
                "contact_method": "whatsapp",
                "contact_detail": "known_number",
                "contact_time": "morning",
                "neighbourhood": "brugse_poort_rooigem",
                "age_band": "25_34",
                "dutch_level": "a_little",
                "interpreter": "no",
                "help_with": ["work", "home", "money"],
                "work_wish": ("type", "A steady job in a warehouse or in cleaning, not only interim"),
                "income": "wage",
                "home": "unsure",
                "tell_more": "yes",
                "schooling": "secondary_unfinished",
                "work_done": ("type", "Interim jobs in warehouses and cleaning, always short"),
                "network": "no",
                "referral": "outreach",
                "languages_spoken": ("type", "English and Twi"),
                "anything_else": "nothing",
            },
            reported=frozenset({"limited_dutch", "financial_need", "housing", "low_education", "limited_network"}),
            not_reported=frozenset(
                {
                    "medical",
                    "psychological",
                    "addiction",
                    "residence_status",
                    "childcare",
                    "family_care",
                    "family_relationships",
                    "literacy_digital",
                    "limited_work_experience",
                    "day_night_rhythm",
                    "justice",
                }
            ),
            answers={"income": "wage", "contact_method": "whatsapp", "referral": "outreach"},
        ),
        # Arrived months ago through family reunification, pregnant, knows nobody, no Dutch, no work experience.
        # She walks in at the reception desk; the staff member holds the chat with her, in English.
        Persona(
            "Samanah",
            "en",
            "button",
            {
                **CALM_REST,  # the person's own answers below take precedence
                "contact_name": ("type", "Samanah"),
                "contact_method": "phone",
                "contact_detail": ("type", "0467 12 34 56"),
                "contact_time": "morning",
                "neighbourhood": "sint_amandsberg",
                "age_band": "25_34",
                "dutch_level": "none",
                "interpreter": "yes",
                "help_with": ["work", "family"],
                "work_wish": "dont_know",
                "family": ["childcare"],
                "tell_more": "yes",
                "income": "other",
                "health": ["mind"],
                "schooling": "primary",
                "work_done": "never",
                "network": "no",
                "referral": "reception",
                "languages_spoken": ("type", "Tigrinya and a little English"),
                "anything_else": "nothing",
            },
            reported=frozenset(
                {
                    "limited_dutch",
                    "childcare",
                    "psychological",
                    "low_education",
                    "limited_work_experience",
                    "limited_network",
                }
            ),
            not_reported=frozenset(
                {
                    "family_care",
                    "family_relationships",
                    "housing",
                    "medical",
                    "addiction",
                    "residence_status",
                    "literacy_digital",
                    "financial_need",
                    "day_night_rhythm",
                    "justice",
                }
            ),
            answers={"referral": "reception", "work_done": None, "languages_spoken": "Tigrinya and a little English"},
        ),
        # 28, debts after a fraud, a debt mediator, cannabis, two children with a disability he wants to see more.
        # He embraces the help: four domains and the rest too.
        Persona(
            "Michael",
            "nl",
            "button",
            {
                **CALM_REST,  # the person's own answers below take precedence
                "contact_name": ("type", "Michael"),
                "contact_method": "phone",
                "contact_detail": ("type", "0476 10 20 30"),
                "contact_time": "morning",
                "neighbourhood": "elisabethbegijnhof_prinsenhof",
                "age_band": "25_34",
                "dutch_level": "good",
                "help_with": ["work", "money", "health", "family"],
                "work_wish": ("type", "Iets waar ik me op mijn plaats voel, misschien in de logistiek"),
                "income": "leefloon",
                "health": ["mind", "addiction"],
                "family": ["care"],
                "tell_more": "yes",
                "schooling": "secondary",
                "diploma_abroad": "no",
                "work_done": ("type", "Administratief bediende, logistiek medewerker, arbeider, horeca. Telkens kort."),
                "network": "no",
                "referral": "maact",
                "languages_spoken": ("type", "Nederlands en Frans"),
                "anything_else": "nothing",
            },
            reported=frozenset({"financial_need", "psychological", "addiction", "family_care", "limited_network"}),
            not_reported=frozenset(
                {
                    "limited_dutch",
                    "medical",
                    "childcare",
                    "family_relationships",
                    "housing",
                    "residence_status",
                    "literacy_digital",
                    "low_education",
                    "limited_work_experience",
                    "day_night_rhythm",
                    "justice",
                }
            ),
            answers={"income": "leefloon", "schooling": "secondary", "diploma_abroad": False},
        ),
        # 25, depressed since childhood, on a sickness benefit (IVT); has held jobs, each given up soon. He has a
        # clear ask, an internship in a bike repair shop, and gets back in touch with his former coach himself.
        Persona(
            "Lorenzo",
            "nl",
            "button",
            {
                **CALM_REST,  # the person's own answers below take precedence
                "contact_name": ("type", "Lorenzo"),
                "contact_method": "phone",
                "contact_detail": ("type", "0478 98 76 54"),
                "contact_time": "evening",
                "neighbourhood": "watersportbaan_ekkergem",
                "age_band": "25_34",
                "dutch_level": "good",
                "help_with": ["work"],
                "work_wish": ("type", "Een stage bij een fietsherstelplaats, en later zelfstandig fietshersteller"),
                "tell_more": "yes",
                "income": "sickness_benefit",
                "health": ["mind"],
                "schooling": "secondary",
                "diploma_abroad": "no",
                "work_done": ("type", "Ik heb al een paar jobs gehad, maar ik stopte telkens snel"),
                "network": "no",
                "referral": "former_coach",
                "languages_spoken": ("type", "Nederlands en Engels"),
                "anything_else": "nothing",
            },
            reported=frozenset({"psychological", "limited_network"}),
            not_reported=frozenset(
                {
                    "limited_dutch",
                    "medical",
                    "addiction",
                    "housing",
                    "residence_status",
                    "childcare",
                    "family_care",
                    "family_relationships",
                    "literacy_digital",
                    "financial_need",
                    "low_education",
                    "limited_work_experience",
                    "day_night_rhythm",
                    "justice",
                }
            ),
            answers={
                "referral": "former_coach",
                "income": "sickness_benefit",
                "work_wish": "Een stage bij een fietsherstelplaats, en later zelfstandig fietshersteller",
                "work_done": "Ik heb al een paar jobs gehad, maar ik stopte telkens snel",
            },
        ),
        # Young Afghan, fled alone, Dari, hardly reads, no smartphone; his OCMW social worker sits with him and
        # switches read-aloud on. He wants any job and money to send home; his room is too expensive.
        Persona(
            "Saied",
            "prs",
            "button",
            {
                "contact_name": ("type", "سعید"),
                "contact_method": "social_worker",
                "social_worker": ("type", "Lien, OCMW Gent"),
                "neighbourhood": "binnenstad",
                "age_band": "under_25",
                "dutch_level": "a_little",
                "interpreter": "yes",
                "help_with": ["work", "money", "home"],
                "work_wish": "dont_know",
                "income": "leefloon",
                "home": "unsure",
                "tell_more": "no",
            },
            reported=frozenset({"limited_dutch", "financial_need", "housing"}),
            answers={"income": "leefloon", "interpreter": True, "social_worker": "Lien, OCMW Gent"},
        ),
    ]
}


def assert_intake_follows(persona: Persona, intake: dict[str, Any]) -> None:
    """The stored intake holds what this persona said, and leaves what they did not say to the coach."""
    assert intake["language"] == persona.language
    assert intake["complete"] is True
    assert intake["checklist"] == persona.checklist(), persona.name
    assert {need["id"] for need in intake["needs"]} == set(persona.reported), persona.name
    for field_name, value in persona.answers.items():
        assert intake["answers"][field_name] == value, (persona.name, field_name)
    assert set(intake["flags"]) == set(persona.flags), persona.name
    for slot in ("neighbourhood", "age_band", "dutch_level", "help_with", "tell_more"):
        if isinstance(persona.script.get(slot), str | list) and slot in intake["answers"]:
            assert intake["answers"][slot] == persona.script[slot], (persona.name, slot)
