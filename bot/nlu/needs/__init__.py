"""The need matcher: which needs of the checklist a message mentions, in any of the six languages.

Plain Python (no Rasa): `bot/nlu/need_extractor.py` plugs it into the pipeline. The modules, in the order a message
meets them:
- `tokens`: the message as normalised tokens with their offsets and the punctuation between them;
- `terms`: the grammar of a lexicon term (`schuld*`, `...`, lack phrases, windows of a cue and an object) and how a
  term matches tokens;
- `typos`: one typo in a long lexicon word;
- `morphology`: a typed word read without its article, plural, possessive or attached preposition (bg, prs, sk, ro);
- `latin`: the Bulgarian lexicon's Cyrillic terms in the Latin spellings people type;
- `dari_latin`: Dari typed in Latin letters, its spelling variants read in one canonical spelling;
- `kabuli`: Dari typed as it is said in Kabul ("مه", "استم", "نمیتانم", "میکنه"), read in its standard spelling;
- `lexicon`: one language's lexicon (`bot/nlu/lexicon/<code>.yml`), its indexes and its negation cues;
- `context`: time and who around a need (`context.yml`): over, someone else's, or family care;
- `rules`: from term occurrences to needs (negation, weak terms, exclusions, overlaps, context): `extract`.
"""

from bot.nlu.needs.lexicon import LEXICON_DIR, LEXICON_LANGUAGES, Lexicon, load_lexicons
from bot.nlu.needs.rules import EXCLUDED_NEED_IDS, NEED_IDS, NeedMention, extract

__all__ = [
    "EXCLUDED_NEED_IDS",
    "LEXICON_DIR",
    "LEXICON_LANGUAGES",
    "NEED_IDS",
    "Lexicon",
    "NeedMention",
    "extract",
    "load_lexicons",
]
