"""/coach/bereik on mixed data: many small random populations of intakes, like the ones the stack tests leave
in one database (1 to 40 intakes each, random languages, channels, wijken and so teams, ages, incomes, needs
reported, skipped or to be assessed, funnel stages, erasures, and the assistant's conversation counters).

For each population alone, for several of them together and for all of them at once, in weeks and in months and
under several filters, the whole page renders, shows no figure from 1 to 4, and the attacker of
test_reach_suppression.py computes no suppressed figure back from what the page shows."""

import html
import json
import random
import re
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock

from coach import intakes, reference
from coach.models import Intake
from coach.reach import counting, report
from coach.reach.weeks import week_of
from coach.schemas import LANGUAGE_CODES, NEED_IDS
from coach.signing import sign
from tests.coach.conftest import add_user, log_in
from tests.coach.test_reach_suppression import attack

POPULATIONS = 12
WEEKS_APART = 8  # each population's intakes fall in 4 weeks of their own
AGE_BANDS = ("under_25", "25_34", "35_49", "50_plus")
INCOMES = ("leefloon", "unemployment_benefit", "sickness_benefit", "wage", "no_income", "other")
REFERRALS = ("ocmw", "health_centre", "acquaintance", "reception", "outreach", "vdab", "other")
SCHOOLING = ("none", "primary", "secondary_unfinished", "secondary", "higher")
NEED_STATES = ("reported", "not_reported", "skipped", "not_asked")
CHANNELS = ("rest", "whatsapp", "telegram", "reception")
QUESTIONS = ("language", "consent", "name", "contact_method", "neighbourhood", "age_band", "income", "readback")
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def population_start(index: int) -> date:
    """The Monday of population `index`'s first week (each population 8 weeks before the next)."""
    return week_of(datetime.now(UTC)) - timedelta(weeks=WEEKS_APART * (index + 1))


def random_intake(generator: random.Random, number: int, start: date, intake_v3, palette: dict) -> dict:
    """One intake as the assistant sends it, drawn from the population's `palette` (a few languages, channels
    and wijken, so that some cells fill and most stay small, as in the stack tests)."""
    submitted = datetime.combine(start, clock(9), tzinfo=UTC) + timedelta(hours=generator.randint(0, 27 * 24))
    channel = generator.choice(palette["channels"])
    checklist = {need_id: generator.choices(NEED_STATES, weights=palette["need_weights"])[0] for need_id in NEED_IDS}

    def maybe(values):
        return generator.choice(values) if generator.random() < 0.8 else None

    answers = {
        "name": "Milena",
        "neighbourhood": generator.choice(palette["wijken"]),
        "age_band": maybe(AGE_BANDS),
        "income": maybe(INCOMES),
        "referral": maybe(REFERRALS),
        "schooling": maybe(SCHOOLING),
    }
    payload = intake_v3(
        reference=f"ONT-{''.join(ALPHABET[(number // len(ALPHABET) ** k) % len(ALPHABET)] for k in range(4))}Q9",
        conversation_id=str(uuid.uuid4()),
        submitted_at=submitted.isoformat(),
        language=generator.choice(palette["languages"]),
        channel="rest" if channel == "reception" else channel,
        assisted_by="onthaal-balie" if channel == "reception" else None,
        complete=generator.random() < 0.7,
        checklist=checklist,
        flags=["no_income"] if generator.random() < 0.1 else [],
    )
    payload["answers"] = {**payload["answers"], **answers}
    payload["needs"] = []
    return payload


def random_counters(generator: random.Random, start: date, palette: dict) -> list[dict]:
    """The assistant's counters of the population's weeks: started, consented, stops and expiries."""
    counts = []
    for _ in range(generator.randint(0, 12)):
        event = generator.choice(("started", "consented", "stopped", "expired", "stopped"))
        counts.append(
            {
                "day": (start + timedelta(days=generator.randint(0, 27))).isoformat(),
                "event": event,
                "question": generator.choice(QUESTIONS) if event in ("stopped", "expired") else None,
                "language": generator.choice(palette["languages"]),
                "channel": generator.choice(("web", "whatsapp", "telegram", "reception")),
                "n": generator.choice((1, 1, 1, 2, 3, 5, 7)),
            }
        )
    return counts


def fill(client, settings, post_intake, intake_v3) -> list[dict]:
    """The populations, through the webhooks, with their status changes and erasures; their palettes."""
    wijken = list(reference.team_keys())
    palettes = []
    number = 0
    for index in range(POPULATIONS):
        generator = random.Random(index)
        start = population_start(index)
        palette = {
            "languages": generator.sample(LANGUAGE_CODES, generator.randint(1, 4)),
            "channels": generator.sample(CHANNELS, generator.randint(1, 3)),
            "wijken": [*generator.sample(wijken, generator.randint(1, 5)), None],
            "need_weights": [generator.randint(0, 4) for _ in NEED_STATES],
            "start": start,
        }
        if not any(palette["need_weights"]):
            palette["need_weights"][3] = 1
        palettes.append(palette)
        references = []
        for _ in range(generator.randint(1, 40)):
            payload = random_intake(generator, number, start, intake_v3, palette)
            number += 1
            assert post_intake(payload).status_code == 201
            references.append(payload["reference"])
        counts = random_counters(generator, start, palette)
        if counts:
            body = json.dumps({"counts": counts}).encode()
            headers = sign(settings.webhook_secret, f"msg_{uuid.uuid4().hex}", int(time.time()), body)
            answer = client.post("/webhook/counters", content=body, headers=headers)
            assert answer.status_code == 204, answer.text
        with client.app.state.database.sessions() as db:
            for reference_code in references:
                row = db.query(Intake).filter_by(reference=reference_code).one()
                roll = generator.random()
                if roll < 0.15:
                    intakes.erase(db, row, client.app.state.cipher, None)
                    continue
                for new_status in ("claimed", "contacted", "closed")[: generator.choice((0, 0, 1, 1, 2, 3))]:
                    later = row.submitted_at + timedelta(hours=generator.choice((0.5, 3, 30, 200, 900)))
                    counting.count_status(db, row, new_status, later)
            db.commit()
    return palettes


def filter_sets(generator: random.Random, start: date, end: date) -> list[dict]:
    """The page's filters for a period: all, per month, and a random team, language or channel."""
    base = {"van": start.isoformat(), "tot": (end + timedelta(days=6)).isoformat()}
    chosen = [base, {**base, "per": "maand"}]
    choice = generator.choice(("team", "taal", "kanaal"))
    values = {
        "team": [*reference.teams(), "geen"],
        "taal": list(LANGUAGE_CODES),
        "kanaal": ["web", "whatsapp", "telegram", "reception"],
    }
    chosen.append({**base, choice: generator.choice(values[choice])})
    return chosen


def as_filters(query: dict) -> report.Filters:
    """The Filters the page builds from `query` (coach/routers/reach_page.py), for the attack on its grid."""
    team = query.get("team")
    start = date.fromisoformat(query["van"])
    end = week_of(datetime.combine(date.fromisoformat(query["tot"]), clock(12), tzinfo=UTC))
    return report.Filters(
        start=start,
        end=end,
        by_month=query.get("per") == "maand" or end - start > timedelta(weeks=52),
        team=None if team is None else "" if team == "geen" else team,
        language=query.get("taal"),
        channel=query.get("kanaal"),
    )


def visible_figures(page: str) -> list[str]:
    """Every figure the page prints: table cells and chart labels."""
    cells = re.findall(r"<td[^>]*>(.*?)</td>", page, re.S)
    labels = re.findall(r"<text[^>]*>(.*?)</text>", page, re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", text)).strip() for text in cells + labels]


def test_the_page_on_many_small_random_populations_renders_and_resists_the_attack(
    client, settings, post_intake, intake_v3
):
    palettes = fill(client, settings, post_intake, intake_v3)
    add_user(client, "beheer", "admin", None)
    assert log_in(client, "beheer").status_code == 303
    generator = random.Random(2026)
    periods = [(palette["start"], palette["start"] + timedelta(weeks=3)) for palette in palettes]
    # Neighbouring populations together (weeks), and everything at once (months, as the page does past a year).
    periods += [(periods[index + 2][0], periods[index][1]) for index in range(0, POPULATIONS - 2, 3)]
    periods.append((periods[POPULATIONS - 1][0], periods[0][1]))
    checked = 0
    for start, end in periods:
        for query in filter_sets(generator, start, end):
            answer = client.get("/coach/bereik", params=query)
            assert answer.status_code == 200, (query, answer.text[:300])
            assert not {"1", "2", "3", "4"} & set(visible_figures(answer.text)), query
            with client.app.state.database.sessions() as db:
                grid = report.build(db, as_filters(query)).grid
            assert attack(grid) == {}, query
            checked += 1
    assert checked == len(periods) * 3
