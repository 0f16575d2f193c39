"""One intake for the case file (JSON export and the API): the intake as v2, the coach's work, translations."""

from coach import intakes
from coach.crypto import DataCipher
from coach.models import Intake
from coach.schemas import IntakeExport, NotePublic, TranslationPublic


def export_of(intake: Intake, cipher: DataCipher) -> IntakeExport:
    decrypted = intakes.decrypt(intake, cipher)
    translations = [
        TranslationPublic(
            question=word.question,
            text=word.text,
            language=word.language,
            translation=decrypted.translations.get(word.key, {}).get("text"),
            backend=decrypted.translations.get(word.key, {}).get("backend"),
        )
        for word in intakes.own_words(decrypted.payload)
    ]
    return IntakeExport(
        reference=intake.reference,
        status=intake.status,
        team=intake.team,
        claimed_by=intake.claimed_by,
        received_at=intake.received_at,
        closed_at=intake.closed_at,
        intake=decrypted.payload,
        observed=decrypted.observed,
        translations=translations,
        notes=[NotePublic(**note) for note in decrypted.notes],
    )
