"""One intake as the detail and print pages show it: answers, own words, the 20-item checklist, in Dutch."""

from dataclasses import dataclass
from typing import Any

from coach import intakes, labels, reference
from coach.crypto import DataCipher
from coach.models import Intake
from coach.schemas import NEED_IDS
from coach.settings import Settings


@dataclass(frozen=True)
class ChecklistRow:
    id: str
    label: str
    observed_kind: bool
    state: str
    state_label: str
    source: str | None
    evidence: str | None
    question: str | None
    ticked: bool
    support: tuple[str, ...]


def _checklist(payload: dict[str, Any], observed: list[str]) -> list[ChecklistRow]:
    needs = reference.needs()
    reported = {need["id"]: need for need in payload["needs"]}
    rows = []
    for need_id in NEED_IDS:
        known = needs.get(need_id)
        state = payload["checklist"].get(need_id, "not_asked")
        given = reported.get(need_id, {})
        ticked = need_id in observed
        rows.append(
            ChecklistRow(
                id=need_id,
                label=known.label if known else need_id,
                observed_kind=bool(known and known.known == "observed"),
                state=state,
                state_label=labels.CHECKLIST_STATES.get(state, state),
                source=labels.NEED_SOURCES.get(given.get("source", ""), None),
                evidence=given.get("evidence"),
                question=labels.QUESTIONS.get(given.get("question") or "", given.get("question")),
                ticked=ticked,
                support=known.support if known and (state == "reported" or ticked) else (),
            )
        )
    return rows


def _answer_rows(payload: dict[str, Any]) -> list[dict[str, Any]]:
    answers = payload["answers"]
    rows = []
    for field, label in labels.QUESTIONS.items():
        if field in ("needs", "neighbourhood") or field not in answers:
            continue
        value = answers[field]
        if field in labels.SHOWN_WHEN_GIVEN and not value and field not in payload["skipped"]:
            continue
        if isinstance(value, bool):
            shown = "ja" if value else "nee"
        elif field == "contact_method":
            shown = labels.CONTACT_METHODS.get(value or "", value)
        elif field == "help_with":
            shown = ", ".join(labels.HELP_DOMAINS.get(domain, domain) for domain in value) if value else None
        else:
            shown = labels.ANSWER_VALUES.get(field, {}).get(value or "", value)
        rows.append({"field": field, "label": label, "value": shown, "skipped": field in payload["skipped"]})
    return rows


def detail_context(intake: Intake, cipher: DataCipher, settings: Settings, translator: Any) -> dict[str, Any]:
    """Everything intake_detail.html and intake_print.html show of one intake, decrypted for this request."""
    decrypted = intakes.decrypt(intake, cipher)
    payload = decrypted.payload
    own_words = [
        {
            "question": labels.QUESTIONS.get(word.question, word.question),
            "text": word.text,
            "language": labels.LANGUAGE_NAMES.get(word.language or "", word.language),
            "dutch": word.language == "nl",
            "translation": decrypted.translations.get(word.key, {}).get("text"),
            "tried": word.key in decrypted.translations,
        }
        for word in intakes.own_words(payload)
    ]
    wijken = reference.neighbourhoods(languages_dir=settings.languages_dir)
    return {
        "intake": intake,
        "payload": payload,
        "answers": _answer_rows(payload),
        "own_words": own_words,
        "checklist": _checklist(payload, decrypted.observed),
        "flags": [labels.FLAGS.get(flag, flag) for flag in payload["flags"]],
        "language": labels.LANGUAGE_NAMES.get(intake.language, intake.language),
        "wijk": wijken.get(payload["answers"].get("neighbourhood") or ""),
        "team": reference.teams().get(intake.team or ""),
        "status_label": labels.STATUSES.get(intake.status, intake.status),
        "statuses": labels.STATUSES,
        "notes": decrypted.notes,
        "remarks": payload.get("remarks", []),
        "media": payload.get("media", []),
        "skipped": [labels.QUESTIONS.get(question, question) for question in payload["skipped"]],
        "translator": translator,
        "deleted_on": intakes.deletion_warning(intake, settings.retention_open_days, settings.retention_warning_days),
        "open_days": settings.retention_open_days,
    }
