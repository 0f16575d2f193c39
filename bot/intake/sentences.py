"""A name, a phone number or an e-mail address inside a whole sentence, in any of the six languages.

People answer "What may we call you?" with "Hello, my name is Ionel and I am looking for work", and the contact
question with "my number is 0470 12 34 56, call me after 5". These readers find the part that answers the
question. Plain functions of a string (standard library only, no Rasa): every pattern runs in linear time.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from bot.normalise import fold_in_place


@dataclass(frozen=True)
class NameReading:
    """What an answer to the name question held: the name (None when none could be read safely) and whether the
    person wrote more than a bare name (a greeting, an introduction, a sentence)."""

    name: str | None
    sentence: bool


# One language's way of introducing oneself. Intros are written as typed and matched without case or
# diacritics; `X … tail` means the name stands between the intro and one of its tails (Dari puts the verb last).
# strong: the next word is the name whatever its case ("my name is ionel"). weak ("I am"-type): the name must be
# capitalised in cased scripts, since "I am looking for work" is no introduction. A weak intro starting with ^
# counts only at the start of a clause (Romanian "sunt" is also "they are"). stop: words that are never a name
# after an intro (states, places, family, nationalities, times); a name ends at a stop word or a conjunction.
_LANGUAGES: dict[str, dict[str, str]] = {
    "nl": {
        "strong": "ik heet|mijn naam is|mijn voornaam is|noem me|noem mij|zeg maar|zeg maar gewoon",
        "weak": "ik ben|dit is",
        "stop": """een de het niet geen op zoek hier daar in uit van bij met zonder voor naar na tussen nu nog al ook
            heel erg zeer werkloos werkzoekend werkzoekende dakloos alleen alleenstaand alleenstaande getrouwd
            gescheiden weduwe weduwnaar ziek moe blij goed oké ok klaar terug nieuw oud jong jaar jaren moeder vader
            mama papa ouder vluchteling student zwanger gehandicapt gepensioneerd bezig beschikbaar vrij bijna sinds
            morgen vandaag straks later gewoon altijd iemand werk aan over Bulgaar Bulgaarse Roemeen Roemeense
            Slowaak Slowaakse Afghaan Afghaanse Belg Belgische Marokkaan Marokkaanse Turk Turkse Syriër Roma moslim
            ik mij me je jij u hij zij wij jullie dit dat die""",
        "conjunctions": "en maar of want dus",
    },
    "en": {
        "strong": "my name is|my name's|my first name is|i am called|i'm called",
        "weak": "i am|i'm|im|it is|it's|this is|call me",
        "stop": """a an the not no yes from here there in at on with without for of to by about over under almost
            nearly so very really just still also only now currently looking searching seeking unemployed jobless
            homeless working waiting writing calling trying going coming living staying asking applying interested
            new alone single married divorced widowed sick ill fine ok okay good well glad happy sorry sad tired
            ready back done old young years year mother father mom mum dad parent refugee migrant student pregnant
            disabled retired available free busy able unable afraid sure lost after before between tomorrow today
            tonight later anytime please maybe morning evening afternoon me my i you he she it we they this that
            Bulgarian Romanian Slovak Slovakian Afghan Afghani Belgian Dutch Roma Gypsy Syrian Turkish Moroccan
            Muslim Christian English""",
        "conjunctions": "and but or because so",
    },
    "bg": {
        "strong": """казвам се|се казвам|името ми е|моето име е|наричайте ме|наричай ме|викайте ми|викай ми|
            казвайте ми|kazvam se|se kazvam|imeto mi e|moeto ime e|narichaite me|narichayte me|vikaite mi""",
        "weak": "аз съм|az sam|az sum|az sym|az s'm",
        "stop": """от тук там в във на с със без за не да много само още сега вече също около над почти безработен
            безработна безработни бездомен бездомна търся сам сама самотен самотна женен омъжена разведен
            разведена вдовица болен болна добре уморен уморена нов нова стар стара млад млада години годишен
            годишна майка баща родител бежанец бежанка студент студентка бременна пенсионер пенсионерка
            българин българка ром ромка циганин циганка турчин туркиня мюсюлманин християнин един една
            аз ти той тя ние вие те ме ми готов готова съгласен съгласна утре днес вечер сутрин след преди
            ot tuk tam v na s bez za ne da mnogo bezraboten bezrabotna tarsya tursya tyrsya sam sama bolen bolna
            dobre maika majka bashta balgarin bulgarin balgarka bulgarka rom romka edin edna az ti toi""",
        "conjunctions": "и но или а i no ili",
    },
    "sk": {
        "strong": "volám sa|sa volám|moje meno je|hovorte mi|oslovujte ma",
        "weak": "^som|ja som|volajte ma|volaj ma",
        "stop": """z zo tu tam v vo na s so bez pre do nie áno veľmi len ešte teraz už tiež nezamestnaný
            nezamestnaná hľadám sám sama osamelý osamelá ženatý vydatá rozvedený rozvedená vdova chorý chorá dobre
            unavený unavená nový nová starý stará mladý mladá rokov ročný ročná matka mama otec rodič utečenec
            utečenka študent študentka tehotná dôchodca dôchodkyňa Slovák Slovenka Róm Rómka Maďar Maďarka Cigán
            Cigánka ja ty on ona my vy oni ma mi rád rada pripravený pripravená ochotný doma zamestnaný invalid
            ráno večer poobede zajtra dnes po o kedykoľvek prosím potom neskôr medzi pred""",
        "conjunctions": "a ale alebo lebo",
    },
    "ro": {
        "strong": """mă numesc|numele meu este|numele meu e|mă cheamă|îmi spune|îmi spuneți|îmi puteți spune|
            spuneți-mi|spune-mi|îmi spun""",
        "weak": "^sunt|eu sunt",
        "stop": """din de la în pe cu fără pentru nu da foarte doar încă acum deja șomer șomeră caut singur singură
            căsătorit căsătorită divorțat divorțată văduv văduvă bolnav bolnavă bine obosit obosită nou nouă bătrân
            bătrână tânăr tânără ani mamă tată părinte refugiat refugiată student studentă însărcinată pensionar
            pensionară român româncă rom romă țigan țigancă bulgar bulgăroaică moldovean eu tu el ea noi voi ei ele
            mă mi aici acolo gata interesat interesată o un una unul disponibil după înainte mâine azi astăzi
            dimineața seara oricând rog mai""",
        "conjunctions": "și dar sau iar",
    },
    "prs": {
        "strong": """نام من|نامم|اسم من|اسمم|مرا … صدا کنید|مرا … صدا بزنید|مرا … بگویید|مرا … بگوئید|
            من را … صدا کنید|به من … بگویید""",
        "weak": "من … هستم|من … استم|من … می‌باشم",
        "stop": """از در به با بی برای نه بله خیلی فقط هنوز حالا اکنون بیکار بی‌کار بیکاره دنبال جستجوی تنها مجرد
            متاهل متأهل مریض بیمار خوب خسته جدید پیر ساله سال مادر پدر والدین پناهنده مهاجر محصل دانشجو شاگرد
            حامله متقاعد افغان افغانی افغانستانی ایرانی بلغاری مسلمان من تو او ما شما آنها اینجا آنجا یک یگان
            کارگر معلم راننده آشپز خیاط نجار داکتر دکتر مهندس خانه‌دار بی‌سواد بیسواد آماده کار هم همین این آن
            است هست هستم استم می‌باشد میباشد بود بودم را""",
        "conjunctions": "و ولی اما یا",
    },
}
_GREETINGS = """hallo|hoi|hey|goedendag|goedemorgen|goedemiddag|goedenavond|hello|hi|good morning|
    good afternoon|good evening|здравейте|здравей|здрасти|здрасте|добър ден|добро утро|добър вечер|привет|zdraveite|
    zdravejte|zdravei|zdrasti|dobar den|dobur den|dobro utro|dobrý deň|dobré ráno|dobrý večer|ahoj|zdravím|čau|
    servus|bună ziua|bună dimineața|bună seara|bună|salut|sărut mâna|سلام|سلام علیکم|السلام علیکم|درود|صبح بخیر|
    روز بخیر|عصر بخیر|شب بخیر"""
# Lower-case words that join the name that follows them ("Jan van Damme", "de Smet").
_PARTICLES = frozenset({"de", "van", "der", "den", "ter", "ten", "te", "la", "le", "da", "di", "du", "von", "al", "el"})
# Words no bare answer to the name question is made of ("looking for work", "ik weet het niet", "nee"). None of
# them is also a name people here carry (so no "ben", "wil", "job", "nie", "to").
_NOT_A_NAME = """i am is are my the for and of not no yes don't dont know looking work want need please thanks
    thank you hello ik mijn een het en voor naar zoek werk niet weet ja nee geen dank bedankt аз съм е и търся работа
    не да моля благодаря som sa je hľadám prácu áno neviem ďakujem prosím sunt și caut lucru muncă nu mulțumesc rog
    من هستم است کار دنبال نمیدانم بله نه تشکر ممنون"""

_LETTER = r"(?:[^\W\d_]|[\u0300-\u036f\u064b-\u065f\u0670])"
# A name word: letters, joined inside by hyphens, apostrophes, dots (initials) or a zero-width non-joiner (Dari),
# with an optional dot after it ("J."). Every joiner must be followed by a letter, so there is one way to match.
_WORD = re.compile(rf"{_LETTER}++(?:[-'’.\u200c]{_LETTER}++)*+\.?")
_CLAUSE_END = ",.;:!?،؛؟"
_SURROUNDING = "\"'“”„‘’«»()[]{}<>.,;:!?¡¿…-–—*،؛؟"


def _folded_words(listed: str) -> frozenset[str]:
    """Split before folding: a Dari word joined by a zero-width non-joiner stays one word."""
    return frozenset(fold_in_place(word) for word in listed.split())


def _phrases(listed: str) -> list[str]:
    return [" ".join(fold_in_place(phrase).split()) for phrase in listed.split("|") if phrase.strip()]


def _alternatives(phrases: list[str]) -> str:
    """Whole words only, the longest phrase first (the regex takes the first alternative that matches)."""
    ordered = sorted(set(phrases), key=len, reverse=True)
    return "(?<![\\w'])(?:" + "|".join(r"\s".join(map(re.escape, p.split())) for p in ordered) + ")(?![\\w'])"


@dataclass(frozen=True)
class _Intro:
    language: str
    strong: bool
    clause_start: bool
    tails: tuple[str, ...]


@dataclass(frozen=True)
class _Grammar:
    intros: dict[str, list[_Intro]]
    intro_pattern: re.Pattern[str]
    greeting_pattern: re.Pattern[str]
    stop: dict[str, frozenset[str]]
    conjunctions: dict[str, frozenset[str]]
    not_a_name: frozenset[str]


@cache
def _grammar() -> _Grammar:
    """Built on first use, from the word lists above."""
    intros: dict[str, list[_Intro]] = {}
    tails: dict[tuple[str, str, bool], list[str]] = {}
    stop, conjunctions = {}, {}
    for language, words in _LANGUAGES.items():
        conjunctions[language] = _folded_words(words["conjunctions"])
        stop[language] = _folded_words(words["stop"]) | conjunctions[language]
        for strength in ("strong", "weak"):
            for phrase in _phrases(words[strength]):
                intro, _, tail = (part.strip() for part in phrase.partition("…"))
                tails.setdefault((language, intro, strength == "strong"), []).extend([tail] if tail else [])
    for (language, intro, strong), its_tails in tails.items():
        spec = _Intro(language, strong, intro.startswith("^"), tuple(its_tails))
        intros.setdefault(intro.lstrip("^"), []).append(spec)
    return _Grammar(
        intros=intros,
        intro_pattern=re.compile(_alternatives(list(intros))),
        greeting_pattern=re.compile(r"(?:" + _alternatives(_phrases(_GREETINGS)) + r")[\s,.!:;،-]*"),
        stop=stop,
        conjunctions=conjunctions,
        not_a_name=_folded_words(_NOT_A_NAME),
    )


def _is_cased(word: str) -> bool:
    return word[0].isupper() or word[0].islower()


def _tail_at(folded: str, position: int, tails: tuple[str, ...]) -> bool:
    return any(
        folded.startswith(tail, position) and not folded[position + len(tail) : position + len(tail) + 1].isalnum()
        for tail in tails
    )


def _starts_clause(folded: str, position: int, language: str) -> bool:
    before = folded[max(0, position - 20) : position].rstrip()  # the word before is enough: no rescanning
    if not before or before[-1] in _CLAUSE_END:
        return True
    return before.split()[-1] in _grammar().conjunctions[language]


def _skip_spaces(text: str, position: int) -> int:
    while position < len(text) and text[position].isspace():
        position += 1
    return position


def _name_after(text: str, folded: str, position: int, intro: _Intro) -> str | None:
    """The 1 to 3 name words (2 in Dari) right after an intro, or None when what follows is not a name."""
    stop = _grammar().stop[intro.language]
    limit = 2 if intro.language == "prs" else 3
    position = _skip_spaces(text, position)
    if position < len(text) and text[position] in ":-–":  # "My name is: Ionel"
        position += 1
    spans: list[tuple[int, int]] = []
    while len(spans) < limit:
        position = _skip_spaces(text, position)
        if _tail_at(folded, position, intro.tails):
            break
        found = _WORD.match(text, position)
        if not found:
            break
        word, key = found.group(), folded[found.start() : found.end()].rstrip(".")
        following = _WORD.match(text, _skip_spaces(text, found.end()))
        if key in _PARTICLES and following and following.group()[0].isupper():
            acceptable = bool(spans) or intro.strong
        elif key in stop or key.endswith("'s"):
            acceptable = False
        elif _is_cased(word):
            acceptable = word[0].isupper() or (not spans and intro.strong)
        else:
            acceptable = True
        if not acceptable:
            break
        ends_sentence = word.endswith(".") and len(key.rsplit(".", 1)[-1]) > 1
        spans.append((found.start(), found.end() - ends_sentence))
        position = found.end()
        if ends_sentence:
            break
    if not spans or intro.tails and not _tail_at(folded, _skip_spaces(text, position), intro.tails):
        return None
    return text[spans[0][0] : spans[-1][1]]


def _introduced_name(text: str, folded: str) -> tuple[bool, str | None]:
    """(whether the text introduces someone, the name it gives). "my name is" before "I am"."""
    grammar = _grammar()
    found = []
    for match in grammar.intro_pattern.finditer(folded):
        for intro in grammar.intros[" ".join(match.group().split())]:
            if not intro.clause_start or _starts_clause(folded, match.start(), intro.language):
                found.append((not intro.strong, match.start(), match.end(), intro))
    for _, _, end, intro in sorted(found, key=lambda item: item[:2]):
        name = _name_after(text, folded, end, intro)
        if name:
            return True, name
    return bool(found), None


def name_in(text: str) -> NameReading:
    """The name in an answer to "What may we call you?": a bare name as typed, or the name a sentence gives."""
    text = " ".join(unicodedata.normalize("NFC", text).split())
    if not text:
        return NameReading(None, sentence=False)
    folded = fold_in_place(text)
    greeted = 0
    while greeting := _grammar().greeting_pattern.match(folded, greeted):
        greeted = greeting.end()
    text, folded = text[greeted:], folded[greeted:]
    introduces, name = _introduced_name(text, folded)
    if introduces:
        return NameReading(name, sentence=True)
    bare = text.strip(_SURROUNDING + " ")
    words = bare.split()
    if (
        1 <= len(words) <= 4
        and all(_WORD.fullmatch(word) for word in words)
        and not {fold_in_place(word) for word in words} & _grammar().not_a_name
    ):
        return NameReading(bare, sentence=greeted > 0)
    return NameReading(None, sentence=True)


# Digit groups joined by one separator: a space, a dot, a slash or a hyphen (with spaces around those two), or a
# bracket ("+32 (0)470"). Possessive quantifiers: a run is read once, whatever its length.
_PHONE_RUN = re.compile(
    r"(?<![^\W_])\+?\(?\d++(?:(?: ?[-/] ?|\.| ?\(|\) ?| )\d++)*+\)?",
)
_PHONE_DIGITS = range(8, 16)
# Dates, times and years also make 8 or more digits: "12.05.2019", "17.00-19.00", "2019-2023".
_DATE_OR_TIME = r"(?:\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{1,2}[.:h]\d{2}|(?:19|20)\d{2})"
_NOT_A_PHONE = re.compile(rf"{_DATE_OR_TIME}(?:(?: ?[-/] ?| ){_DATE_OR_TIME})*")


def _balanced(run: str) -> str:
    """Brackets around the number or left open at its ends are not part of it."""
    if run.startswith("(") and run.endswith(")") and "(" not in run[1:-1]:
        run = run[1:-1]
    if run.startswith("(") and run.count("(") > run.count(")"):
        run = run[1:]
    if run.endswith(")") and run.count(")") > run.count("("):
        run = run[:-1]
    return run


def phone_in(text: str) -> str | None:
    """The first phone number in a sentence (8 to 15 digits, an optional +), as typed."""
    for run in _PHONE_RUN.finditer(text):
        number = _balanced(run.group())
        if sum(char.isdigit() for char in number) in _PHONE_DIGITS and not _NOT_A_PHONE.fullmatch(number):
            return number
    return None


# The address check of the whole intake (bot/intake/answers.py looks_like_email uses it too). Linear: the domain's
# labels cannot contain a dot, so there is one way to split it and nothing to backtrack into (the old
# `[^@\s]+\.[^@\s]{2,}` rescanned the rest of the text at every dot: quadratic).
EMAIL_PATTERN = re.compile(r"[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)*\.[^@\s.]{2,}")
EMAIL_MAX_CHARS = 254  # RFC 5321's limit for a whole address
_AROUND_EMAIL = "\"'“”„‘’«»()[]{}<>.,;:!?…،؛؟"


def email_in(text: str) -> str | None:
    """The first e-mail address in a sentence, without the punctuation around it ("mail me at ion@posta.ro.")."""
    for word in text.split():
        candidate = word.strip(_AROUND_EMAIL)
        if "@" in candidate and ":" in candidate.partition("@")[0]:  # "e-mail:ion@posta.ro", "mailto:ion@posta.ro"
            candidate = candidate[candidate.rindex(":", 0, candidate.index("@")) + 1 :]
        if len(candidate) <= EMAIL_MAX_CHARS and EMAIL_PATTERN.fullmatch(candidate):
            return candidate
    return None
