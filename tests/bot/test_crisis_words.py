"""Words of crisis in every form people type them, per language, and the everyday hyperboles that are not.

Both directions for each of the six languages: suicide, self-harm (cutting, hurting oneself, pills to die, not
wanting to wake up) and violence at home must raise the crisis answer, also without diacritics and in Latin
letters (Bulgarian "shlyokavitsa", Dari "Finglish"); hyperbole ("my back is killing me") must not.
"""

from __future__ import annotations

import pytest
import yaml

from bot.policies.crisis_words import PHRASES, compile_phrase, mentions_crisis

CRISIS = {
    "en": [
        "sometimes I think about doing something to myself",
        "im scared i will do something stupid to myself",
        "sometimes i think it would be better if i wasnt here anymore",
        "everyone would be better off without me",
        "I don't want to exist anymore",
        "I want to kill myself",
        "sometimes I think about suicide",
        "I have been cutting myself again",
        "I keep hurting myself",
        "I hurt myself on purpose",
        "I want to take pills to die",
        "I took all my pills so I would not wake up",
        "I don't want to wake up anymore",
        "I hope I never wake up",
        "I want to end it all",
        "my husband hits me",
        "my partner beat me up last night",
        "he hit me again",
        "there is violence at home",
        "I am afraid of my husband",
        "sometimes I think it would be better if I weren't here",
        "they would all be better off without me",
    ],
    "nl": [
        "soms denk ik eraan om mij iets aan te doen",
        "soms denk ik dat het beter is als ik er niet meer ben",
        "iedereen is beter af zonder mij",
        "ik wil niet meer bestaan",
        "ik denk aan zelfmoord",
        "ik snijd mezelf",
        "ik ben mezelf aan het snijden",
        "ik doe mezelf pijn",
        "ik wil pillen nemen om dood te gaan",
        "ik wil niet meer wakker worden",
        "ik wil er een einde aan maken",
        "mijn man slaat me",
        "mijn vriend sloeg mij gisteren",
        "er is huiselijk geweld bij ons thuis",
        "ik ben bang voor mijn man",
        "Ik wil dood",
    ],
    "bg": [
        "mislq da si napravq neshto losho",
        "страх ме е, че ще си направя нещо лошо",
        "понякога мисля, че е по-добре да ме няма",
        "po-dobre da me nqma",
        "всички ще са по-добре без мен",
        "искам да се самоубия",
        "мисля за самоубийство",
        "режа се с ножче",
        "нараням се нарочно",
        "искам да изпия всички хапчета и да умра",
        "не искам да се събудя",
        "мъжът ми ме бие",
        "има домашно насилие",
        "iskam da se samoubiya",
        "shte se samoubiya",
        "ne iskam da jiveya",
        "ne iskam da zhiveya veche",
        "iskam da umra",
        "reja se",
        "naranyavam se",
        "ne iskam da se sabudya",
        "maja mi me bie",
        "mazhat mi me bie",
    ],
    "sk": [
        "mam chut si nieco urobit",
        "bojim sa ze nieco so sebou urobim",
        "niekedy si myslím, že by bolo lepšie, keby som tu nebol",
        "lepsie keby som tu nebola",
        "všetci by boli lepšie bezo mňa",
        "chcem spáchať samovraždu",
        "rozmýšľam o samovrazde",
        "režem sa žiletkou",
        "ubližujem si",
        "chcem si ublížiť",
        "chcem zobrať všetky tabletky a zomrieť",
        "nechcem sa už zobudiť",
        "manžel ma bije",
        "doma je domáce násilie",
        "nechcem uz zit",
        "chcem skoncit so zivotom",
    ],
    "ro": [
        "ma gandesc sa imi fac ceva",
        "mi-e teama ca o sa imi fac ceva rau",
        "uneori cred ca ar fi mai bine sa nu mai fiu",
        "toti ar fi mai bine fara mine",
        "nu mai vreau sa exist",
        "vreau să mă sinucid",
        "mă gândesc la sinucidere",
        "mă tai pe mâini",
        "îmi fac rău singur",
        "vreau să iau toate pastilele și să mor",
        "nu vreau să mă mai trezesc",
        "vreau sa imi iau viata",
        "soțul mă bate",
        "e violență în familie",
        "ma bate sotul",
        "vreau sa ma omor",
    ],
    "prs": [
        "دستمه با تیغ میبرم",
        "میترسم به خودم یک کاری کنم",
        "dastama ba tegh meboram",
        "مرد مو هر شاو مره موزنه",
        "خود ره موکشوم",
        "شوهرم منو کتک میزنه",
        "بابام کتکم میزنه",
        "دوست پسرم منو تهدید میکنه",
        "گاهی فکر می‌کنم بهتر است دیگر نباشم",
        "دیگه نمیخوام زنده باشم",
        "khod ra mekoshom",
        "بهتره که نباشم",
        "گاهی فکر میکنم بهتر بود که دیگر نباشم",
        "بهتره دیگه نباشم",
        "behtar as nabashom",
        "می‌خواهم خودکشی کنم",
        "به خودم صدمه می‌زنم",
        "به خودم آسیب می زنم",
        "رگ دستم را می‌برم",
        "می‌خواهم تابلیت بخورم که بمیرم",
        "نمی‌خواهم دیگر بیدار شوم",
        "شوهرم مرا می‌زند",
        "شوهرم مرا لت و کوب می کند",
        "در خانه خشونت خانگی است",
        "khodkoshi mekonam",
        "mekhaham khodkushi konam",
        "mekhaham khodama bokosham",
        "namekhaham zinda basham",
        "ba khod sadama mezanam",
        "shoharam mara mezana",
        # Kabuli colloquial, as Afghans type it.
        "میخایم بمیرم",
        "دیگه نمیخام زنده باشم",
        "میخایم خود ره بکشم",
        "شوهرم هر شب مره میزنه",
        "گفت مره میکشه",
    ],
}

HYPERBOLE = {
    "en": [
        "I want to do something for myself",
        "time to do something nice for myself",
        "it is better if i come back tomorrow",
        "the kids are better off with my mother",
        "better without sugar",
        "my back is killing me",
        "I'm dying to know what happens next",
        "this job is killing me",
        "I nearly died laughing",
        "I'd kill for a coffee",
        "I cut myself a slice of bread",
        "that song hits me every time",
        "hit me up on whatsapp",
        "I have no money and no house",
        "it is better if I am not here at nine, I have a course",
    ],
    "nl": [
        "het is beter als ik morgen kom",
        "ik wil niet meer wachten",
        "deze job maakt me kapot",
        "ik ga dood van de honger",
        "ik lag dood van het lachen",
        "mijn rug doet pijn",
        "de kinderen maken me gek",
        "ik heb schulden",
    ],
    "bg": [
        "iskam da si napravq neshto za qdene",
        "ще си направя нещо за ядене",
        "по-добре е да дойда утре",
        "po-dobre bez zahar",
        "гърбът ме убива",
        "умирам от смях",
        "умирам за кафе",
        "тази работа ме убива",
        "grabat me ubiva",
        "umiram ot glad",
        "нямам пари",
    ],
    "sk": [
        "lepšie keby som prišiel zajtra",
        "lepšie bez cukru",
        "chrbát ma zabíja",
        "umieram od smiechu",
        "táto práca ma ničí",
        "umieram od hladu",
        "mám chuť si niečo urobiť na večeru",
        "nemám peniaze",
    ],
    "ro": [
        "mai bine vin mâine",
        "mai bine fara zahar",
        "mă omoară spatele",
        "mor de foame",
        "mor de râs",
        "mă omor de râs",
        "munca asta mă omoară",
        "mă bate gândul să mă mut",
        "ma gandesc sa imi fac ceva de mancare",
        "nu am bani",
    ],
    "prs": [
        "کتک کاری فوتبال را در تلویزیون دیدم",
        "توپ را محکم میزنه",
        "بهتر است فردا بیایم",
        "بهتر است که کار پیدا کنم",
        "کمرم مرا می‌کشد",
        "از خنده مردم",
        "قربانت بمیرم",
        "از گرسنگی می میرم",
        "kamaram dard mekona",
        "پول ندارم",
        "کمرم مره میکشه",
        "ای کار مره میکشه",
        "میخایم کار کنم",
        "بهتر است در جلسه نباشم",
    ],
}


@pytest.mark.parametrize(
    ("code", "text"), [(code, text) for code, texts in CRISIS.items() for text in texts], ids=lambda value: value
)
def test_words_of_crisis(code: str, text: str) -> None:
    assert mentions_crisis(text), (code, text)


@pytest.mark.parametrize(
    ("code", "text"), [(code, text) for code, texts in HYPERBOLE.items() for text in texts], ids=lambda value: value
)
def test_hyperbole_is_not_a_crisis(code: str, text: str) -> None:
    assert not mentions_crisis(text), (code, text)


def test_every_language_is_tested_both_ways() -> None:
    languages = {"nl", "en", "bg", "sk", "ro", "prs"}
    assert set(CRISIS) == set(HYPERBOLE) == languages
    assert all(len(CRISIS[code]) >= 10 and len(HYPERBOLE[code]) >= 5 for code in languages)


def test_a_crisis_in_a_longer_message_and_without_diacritics() -> None:
    assert mentions_crisis("ik heb schulden, geen huis en soms snij ik mezelf")
    assert mentions_crisis("chcem spachat samovrazdu")
    assert mentions_crisis("vreau sa ma sinucid")


def test_hyperbole_does_not_hide_a_real_crisis_in_the_same_message() -> None:
    assert mentions_crisis("my back is killing me and I want to kill myself")
    assert mentions_crisis("mor de râs, dar vreau să mă sinucid")


@pytest.mark.parametrize(
    "text",
    [
        "my mom will kill me if I am late",
        "mama ma zabije ked to zisti",
        "майка ми ще ме убие",
        "mama o să mă omoare",
        "this heat is hitting me hard",
        "کارم مرا می‌کشد",
    ],
)
def test_a_threat_in_jest_is_not_a_crisis(text: str) -> None:
    assert not mentions_crisis(text)


def test_every_phrase_of_the_list_is_found_as_written() -> None:
    """A phrase that normalising would change out of reach (a stray letter of another script, a lone prefix)
    would never match: each one, typed as it is written, must raise the crisis answer."""
    data = yaml.safe_load(PHRASES.read_text("utf-8"))
    missed = [
        phrase
        for phrases in data["phrases"].values()
        for phrase in phrases
        if not mentions_crisis(phrase.replace("*", "").replace(" ... ", " "))
    ]
    assert missed == []


def test_no_phrase_is_listed_twice() -> None:
    data = yaml.safe_load(PHRASES.read_text("utf-8"))
    for section in ("phrases", "not_crisis"):
        for code, phrases in data[section].items():
            assert sorted({p for p in phrases or [] if phrases.count(p) > 1}) == [], (section, code)


@pytest.mark.parametrize("phrase", ["... kill myself", "kill myself ...", "...", "*"])
def test_a_malformed_phrase_is_refused(phrase: str) -> None:
    with pytest.raises(ValueError):
        compile_phrase(phrase)
