"""Dari as Afghans type it (Kabuli colloquial): one standard spelling for the spoken forms of common words.

People write Dari the way it is said in Kabul, not the way it is written in books or in Iran: "مه" for من (I),
"ره" for را, "استم/اس/نیس" for هستم/است/نیست, "کده" for کرده, "خاو" for خواب, "نمیتانم" for نمی‌توانم,
"نمیفامم" for نمی‌فهمم, "میخایم" for می‌خواهم, and the third person in -ه/-ن for -د/-ند ("میکنه", "میکنن",
"نداره"). Rather than list each need's phrases twice, the Perso-Arabic words of the Dari lexicon and its context
cues and the tokens of a message are read in one standard spelling (`standard`), as Latin words are (`dari_latin`).
The colloquial vowel marks ("ندارُم") are already removed by `fold`. Only whole words change, and only words that
mean one thing: "نشه" (drugged) is not "نشود", "میوه" (fruit) is not a verb.
"""

from __future__ import annotations

import re

from bot.normalise import is_arabic_script

_WORDS = {
    "مه": "من",
    "ره": "را",
    "مره": "مرا",
    "اس": "است",
    "استم": "هستم",
    "استی": "هستی",
    "استیم": "هستیم",
    "استین": "هستید",
    "استن": "هستند",
    "استند": "هستند",
    "نیس": "نیست",
    "نی": "نه",
    "خاو": "خواب",
    "خاوم": "خوابم",
    "شبا": "شبها",
    "خانده": "خوانده",
    "خاندن": "خواندن",
    "خاندم": "خواندم",
    "نخاندم": "نخواندم",
    "نخاندیم": "نخواندیم",
    "کده": "کرده",
    "نکده": "نکرده",
    "کدم": "کردم",
    "نکدم": "نکردم",
    "کدیم": "کردیم",
    "نکدیم": "نکردیم",
    "میشه": "میشود",
    "نمیشه": "نمیشود",
    "داره": "دارد",
    "نداره": "ندارد",
    "دارن": "دارند",
    "ندارن": "ندارند",
    "اینجه": "اینجا",
    "حالی": "حالا",
    "چار": "چهار",
    # Round 3 (issue 14): Kabuli "شو" (night: "شو و روز مه", "هر شو"), "د" (in: "د یک اتاق"), "قد" (with: "قد مه گپ
    # نمیزنه"), "خوار" (sister: "خوارم کور اس").
    "شو": "شب",
    "شوها": "شبها",
    "د": "در",
    "قد": "با",
    "خوارم": "خواهرم",
    "خوارایم": "خواهرهایم",
    # "Give": Kabuli "میتم", Iranian "میدم" for "میدهم" ("به مادرم قرصاشو میدم").
    "میدم": "میدهم",
    "میتم": "میدهم",
    "نمیدم": "نمیدهم",
    "نمیتم": "نمیدهم",
    "میدیم": "میدهیم",
    "میتیم": "میدهیم",
    # Iranian "تموم" (finished): "دبیرستانو تموم نکردم".
    "تموم": "تمام",
    # Iranian "خوندن" (reading; not "خون", blood).
    "خوندن": "خواندن",
    # "خا" for "خواه" (want): "میخایم", "نمیخام" (I want, I don't want).
    "میخام": "میخواهم",
    "میخایم": "میخواهم",
    "نمیخام": "نمیخواهم",
    "نمیخایم": "نمیخواهم",
    "میخای": "میخواهی",
    "نمیخای": "نمیخواهی",
    "میخایه": "میخواهد",
    "نمیخایه": "نمیخواهد",
    "میخاد": "میخواهد",
    "نمیخاد": "نمیخواهد",
    "کنه": "کند",
    "بکنه": "بکند",
    "کنن": "کنند",
    "بکنن": "بکنند",
    # Iranian colloquial, as Afghans who lived in Iran type it (issue 14): "خونه" (house), "نون" (bread),
    # "رو" (the object marker را), "کوچیک" (small); "نمیتونم"/"نمیدونم" below. Not "بدیم"/"بدم" (that we/I pay): as
    # "بدهیم" it reads as "بدهی" (debt) with a possessive ending (morphology.py), "ادامه بدیم" as "my debt".
    "خونه": "خانه",
    "نون": "نان",
    "رو": "را",
    "کوچیک": "کوچک",
    "میخوام": "میخواهم",
    "نمیخوام": "نمیخواهم",
    # Iranian "میاد" (comes) for "میاید": "هیچ کس به خانه ما نمیاد" (issue 14, round 2).
    "میاد": "میاید",
    "نمیاد": "نمیاید",
    # Hazaragi, as Hazara Afghans type it (issue 14, voices probe): "غدر" (very), "ایجی" (here), "کتی" (with),
    # "آبه"/"آته" (mother/father), "شاو" (night), "دروم"/"ندروم" (I have/have not), "استوم" (I am), "بچه‌گو"
    # (children); the -وم person ending and the مو- verb prefix below. Not "مو" (I, my; also hair).
    "غدر": "خیلی",
    "ایجی": "اینجا",
    "کتی": "با",
    "ابه": "مادر",
    "اته": "پدر",
    "شاو": "شب",
    "دروم": "دارم",
    "ندروم": "ندارم",
    "استوم": "هستم",
    "نیستوم": "نیستم",
    "بچهگو": "بچهها",
    "بیلم": "بگذارم",
    "بیلوم": "بگذارم",
    # Iranian colloquial (issue 14, voices probe): "هیچکی" (nobody), "میشم"/"نمیشم" (I become/go, I do not),
    # "موندن"/"موندم" (they/I stayed).
    "هیچکی": "هیچکس",
    "میشم": "میشوم",
    "نمیشم": "نمیشوم",
    "موندن": "ماندند",
    "موندند": "ماندند",
    "موندم": "ماندم",
    "موندیم": "ماندیم",
    "مونده": "مانده",
    "بچگو": "بچهها",
    "اولادگو": "اولادها",
}
# Continuous and negated verbs ("می..."/"نمی..."): "تان" (Kabuli) and "تون" (Iranian) for "توان" (can), "فام" for
# "فهم" (understand), "دون" (Iranian) for "دان" (know), "خاو" for "خواب" (sleep).
_CAN = re.compile(r"^(ن?می)ت[او]?ن(م|ی|د|یم|ید|ند|ن|ه)?$")
_UNDERSTAND = re.compile(r"^(ن?می)فام(م|ی|د|یم|ید|ند|ن|ه)?$")
_KNOW = re.compile(r"^(ن?می)دون(م|ی|د|یم|ید|ند|ن|ه)?$")
# "خاو" (and "خاب") for "خواب" (sleep) in a verb too: "میخاوم", "میخابم" (I sleep), "نمیخاوه".
_SLEEP = re.compile(r"^(ن?می)خا[وب](م|ی|د|یم|ید|ند|ن|ه)?$")
_VERB_STEMS = ((_CAN, "توان"), (_UNDERSTAND, "فهم"), (_KNOW, "دان"), (_SLEEP, "خواب"))
# The third person singular in -ه and plural in -ن of a continuous verb ("میکنه", "میکنن"; not "میوه").
_THIRD_SINGULAR = re.compile(r"^(ن?می)(\w{2,})ه$")
_THIRD_PLURAL = re.compile(r"^(ن?می)(\w{2,})ن$")
_SPOKEN_ENDING = {"ه": "د", "ن": "ند"}
# Hazaragi verbs: the first person in -وم ("نمیتنوم", "موکنوم", "نرفتوم": I cannot, I do, I did not go) and the
# continuous prefix مو- for می- ("موکنه", "موشه", "موزنه": he does, it becomes, he hits), only before a verb stem
# with a person ending (not "موتر", "مورد", "موش").
_HAZARAGI_FIRST = re.compile(r"^(ن?(?:می|مو)(\w+?)|ن?\w{2,}[تد])وم$")
# Standard verbs whose stem ends in و keep it: "میروم", "میشوم", "میشنوم" (I go, become, hear).
_STEMS_IN_WAW = frozenset({"ر", "ش", "شن", "د", "ج"})
_HAZARAGI_VERB = re.compile(
    r"^(ن?)مو(کن|ش|زن|خور|کش|گ|گیر|بین|تن|تان|فام|دان|خاو|ای|ت|شین|شی|نویس|خان|ترس|بر|ر)(وم|م|ی|ه|ن|یم|ین|ید|ند)$"
)
_NOT_HAZARAGI = frozenset({"کدوم", "موشی", "موری", "مورن"})
# Nouns that look like such verbs.
_NOT_VERBS = frozenset({"میوه", "میله", "میخانه", "میدان", "میزبان", "میلیون", "میهمان", "میمون"})


def standard_stem(stem: str) -> str:
    """The standard spelling of the stem of a `word*` term ("نمیتان*" is "نمیتوان*")."""
    for pattern, stem_in in _VERB_STEMS:
        stem = re.sub(pattern.pattern.split("(م|")[0], r"\1" + stem_in, stem)
    return stem


def standard(word: str) -> str:
    """The standard spelling of a folded Perso-Arabic `word` typed in Kabuli colloquial (other words unchanged)."""
    if not is_arabic_script(word):
        return word
    if word in _WORDS:
        return _WORDS[word]
    if word in _NOT_VERBS:
        return word
    for pattern, stem in _VERB_STEMS:
        found = pattern.match(word)
        if found:
            ending = found.group(2) or ""
            return found.group(1) + stem + _SPOKEN_ENDING.get(ending, ending)
    # Hazaragi after the Kabuli verbs: "میخاوم" is "میخوابم" (I sleep), not "میخا" with -وم.
    if word not in _NOT_HAZARAGI:
        found = _HAZARAGI_VERB.match(word)
        if found:
            return standard(found.group(1) + "می" + found.group(2) + found.group(3))
        found = _HAZARAGI_FIRST.match(word)
        if found and found.group(2) not in _STEMS_IN_WAW:
            return standard(found.group(1) + "م")
    found = _THIRD_SINGULAR.match(word)
    if found:
        return found.group(1) + found.group(2) + "د"
    found = _THIRD_PLURAL.match(word)
    if found:
        return found.group(1) + found.group(2) + "ند"
    return word


# A relative with the possessive as a word of its own ("مادر من", Hazaragi "آبه مو", "مرد مو": my mother, my
# husband) is read as the relative with the possessive ending ("مادرم", "شوهرم"), and so is the pronoun: a term that
# starts with the possessed relative matches from either word, with the gap of its `...` as in "مادرم".
_RELATIVES = {
    "مادر": "مادرم",
    "پدر": "پدرم",
    "شوهر": "شوهرم",
    "مرد": "شوهرم",
    "خانم": "خانمم",
    "همسر": "همسرم",
    "پسر": "پسرم",
    "دختر": "دخترم",
    "برادر": "برادرم",
    "خواهر": "خواهرم",
    "خوار": "خواهرم",
    "بچه": "بچهام",
    "طفل": "طفلم",
}
_MY = frozenset({"من", "مو"})


def possessives(words: list[str]) -> list[str]:
    """`words` (standard spellings) with each relative followed by "my" as a word read as one possessed word."""
    read = list(words)
    for index in range(len(read) - 1):
        if read[index] in _RELATIVES and words[index + 1] in _MY:
            read[index] = read[index + 1] = _RELATIVES[read[index]]
    return read
