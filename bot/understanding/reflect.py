"""What a reflection may say back: built from the message, never the message pasted.

    gist("I really want to spend more time with my kids, honestly")
    # Gist(topics=("your kids",), phrase="spend more time with your kids", form="verb",
    #      ing="spending more time with your kids", stance="want")

The key clause is picked (not the first words cut mid-sentence), openings such as "I think"
are dropped, first person becomes second person ("my kids" -> "your kids", "I was" -> "you
were"), and the phrase is cut at a natural point after at most MAX_WORDS words, so a
reflection never quotes more than a handful of the person's words.
"""

from __future__ import annotations

import re
import unicodedata

from bot.understanding.kinds import Gist
from bot.understanding.language import APOSTROPHES, Language, plain

MAX_WORDS = 5
WHOLE_CLAUSE = 8  # a clause this short is said back whole rather than cut off mid-thought
MIN_WORDS = 2
_MARKUP = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>|<[^<>]{0,60}>", re.I | re.S)
_CLAUSE_SPLIT = re.compile(
    r"[.!?;:\n]+|,|\s+-+\s+|\b(?:but|because|cos|cuz|coz|though|although|so that|and then|"
    r"which|when|while|if)\b"
)
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_VOWELS = set("aeiou")
_ADDRESSED = re.compile(r"\b(you|u|ur|your|youre|you're|bot)\b")


def _tokens(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text).lower()
    return _TOKEN.findall(APOSTROPHES.sub("'", text))


_ORIGINAL_TOKEN = re.compile(r"[A-Za-z0-9]+(?:'[A-Za-z]+)?|[.!?\n]")


def proper_words(text: str) -> dict[str, str]:
    """Words written with a capital inside a sentence ("Jo", "Friday", "AA"), lower -> as
    written, so a reflection says them back the way the person did."""
    found: dict[str, str] = {}
    start = True
    for token in _ORIGINAL_TOKEN.findall(unicodedata.normalize("NFKC", text)):
        if token in ".!?\n":
            start = True
            continue
        if not start and token[0].isupper() and token != "I":
            found.setdefault(token.lower(), token)
        start = False
    return found


def ing_form(verb: str, lang: Language) -> str:
    """"spend" -> "spending", "make" -> "making", "stop" -> "stopping"."""
    if verb in lang.ing_forms:
        return lang.ing_forms[verb]
    if verb.endswith("ie"):
        return verb[:-2] + "ying"
    if verb.endswith("e") and not verb.endswith(("ee", "ye", "oe")) and len(verb) > 2:
        return verb[:-1] + "ing"
    if (len(verb) == 3 and verb[2] not in _VOWELS | {"w", "x", "y"}
            and verb[1] in _VOWELS and verb[0] not in _VOWELS):
        return verb + verb[2] + "ing"
    return verb + "ing"


def _ing_all(words: list[str], lang: Language) -> list[str]:
    """The first verb, and a verb right after "and" or "or", in the -ing form: "stop drinking
    and see them" -> "stopping drinking and seeing them"."""
    out = [ing_form(words[0], lang)]
    for before, word in zip(words, words[1:], strict=False):
        out.append(ing_form(word, lang) if before in ("and", "or") and word in lang.verbs
                   else word)
    return out


def second_person(words: list[str], lang: Language) -> list[str]:
    """First person -> second person, word by word, with the verb after "I" agreeing."""
    out: list[str] = []
    for index, word in enumerate(words):
        previous = words[index - 1] if index else ""
        following = words[index + 1] if index + 1 < len(words) else ""
        if previous in ("i", "we") and word in lang.verb_after_you:
            out.append(lang.verb_after_you[word])
        elif word == "me" and following in lang.own_topics:
            out.append("your")  # "me kids": dialect for "my kids"
        else:
            out.append(lang.second_person.get(word, word))
    return out


def _strip_openings(words: list[str], lang: Language) -> tuple[list[str], str | None]:
    """Drop fillers ("honestly", "I think") and a stance ("I want to"): (rest, stance)."""
    stance = None
    for _ in range(6):
        text = " ".join(words)
        match = lang.fillers.match(text)
        if match and match.end() > 0:
            words = text[match.end():].split()
            continue
        for name, pattern in lang.stances:
            found = pattern.match(text)
            if found and found.end() > 0:
                stance = stance or name
                words = text[found.end():].split()
                break
        else:
            break
    for _ in range(3):  # and hedges after the point: "drink less i guess"
        text = " ".join(words)
        match = lang.hedges.search(text)
        if not match or match.start() == 0:
            break
        words = text[:match.start()].split()
    return words, stance


def _cut(words: list[str], lang: Language, limit: int = MAX_WORDS) -> list[str]:
    """At most `limit` words (a clause of up to WHOLE_CLAUSE words whole), not ending on a
    word that leaves the phrase hanging."""
    words = words if len(words) <= WHOLE_CLAUSE else words[:limit]
    stripped = False
    while words and (words[-1] in lang.weak_endings or words[-1].isdigit()):
        if words[-1] == "to" and len(words) > 1 and words[-2] in lang.whole_before_to:
            break  # "more than you meant to": the thought is whole
        words, stripped = words[:-1], True
    if stripped and words and words[-1] in lang.verbs:
        # "...a hangover and call [her]": a verb left without its object; end before the
        # "and" that brought it, if there is one ("waking up without a hangover").
        joins = [i for i, word in enumerate(words) if word in lang.joins and i >= MIN_WORDS]
        if joins:
            words = words[:joins[-1]]
    return words


_OWNED = frozenset({"", "my", "our", "the", "me", "mi", "and", "&", "for", "with"})


def topics_of(text: str, lang: Language) -> tuple[str, ...]:
    """Topics the person named, said the way a reflection says them ("your kids"): a
    topic counts when it is theirs ("my kids", "the kids") or listed on its own."""
    found: list[str] = []
    for clause in _clauses(text):
        found.extend(t for t in _clause_topics(_tokens(clause), lang) if t not in found)
    return tuple(found[:3])


def _clause_topics(words: list[str], lang: Language) -> list[str]:
    found: list[str] = []
    skip_next = False
    for index, word in enumerate(words):
        if skip_next:
            skip_next = False
            continue
        pair = " ".join(words[index:index + 2])
        previous = words[index - 1] if index else ""
        if pair in lang.own_topics or pair in lang.plain_topics:
            word, skip_next = pair, True
        if word in lang.own_topics:
            if previous not in _OWNED:
                continue  # "after work", "her kids": not theirs, or not a topic here
            phrase = f"your {word}"
        elif word in lang.plain_topics:
            phrase = word
        else:
            continue
        if phrase not in found:
            found.append(phrase)
    return found


def _clauses(text: str) -> list[str]:
    text = _MARKUP.sub(" ", text)  # "<b>", "<script>": markup, not their words
    return [c.strip() for c in _CLAUSE_SPLIT.split(text.lower()) if c and c.strip()]


def _score(words: list[str], position: int, lang: Language) -> float:
    content = [w for w in words if w not in lang.weak_endings and len(w) > 2]
    bonus = 2.0 if words and (words[0] in lang.verbs or words[0] in lang.past) else 0.0
    first = 1.5 if position == 0 else 0.0  # people tend to say the main thing first
    return min(len(content), MAX_WORDS) + bonus + first + (
        1.5 if _clause_topics(words, lang) else 0.0)


def _own_feeling(clauses: list[str], lang: Language) -> str | None:
    """The first feeling word said of the person themselves: not of someone named in the
    three words before it in the same clause (`others` in the language file), so "my wife is
    fed up" is hers, and "talked to my dad today, it was really hard" is theirs."""
    keys = [plain(clause) for clause in clauses]
    for name, pattern in lang.feelings:
        for clause in keys:
            for match in pattern.finditer(clause):
                before = clause[:match.start()].split()[-3:]
                if not lang.others.intersection(before):
                    return name
    return None


def gist(text: str, lang: Language) -> Gist:
    """What a reflection of `text` may use (see the module docstring)."""
    best: tuple[float, list[str], str | None] | None = None
    clauses = _clauses(text)
    for position, clause in enumerate(clauses):
        if _ADDRESSED.search(clause):
            continue  # "why do you need my name": about the bot, not theirs to reflect
        words, stance = _strip_openings(_tokens(clause), lang)
        if len(words) < MIN_WORDS:
            continue
        score = _score(words, position, lang)
        if best is None or score > best[0]:
            best = (score, words, stance)
    topics = topics_of(text, lang)
    feeling = _own_feeling(clauses, lang)
    if best is None:
        return Gist(topics=topics, feeling=feeling)
    _, words, stance = best
    form: str | None
    if words[0] in ("i", "we") and len(words) > 2:
        form, words = "clause", second_person(words, lang)
    elif words[0] in lang.past:
        form, words = "clause", ["you", *second_person(words, lang)]
    elif words[0] in lang.verbs and not (len(words) > 1 and words[1] in lang.compound_heads):
        form, words = "verb", second_person(words, lang)
    elif words[0].endswith("ing") and len(words[0]) > 4 and words[0] not in lang.own_topics:
        form, words = "doing", second_person(words, lang)  # "going to meetings"
    else:
        form, words = "noun", second_person(words, lang)
    if form == "noun" and "you" in words:
        form = "clause"  # "drinking helps you relax"
    words = _cut(words, lang)
    if len(words) < MIN_WORDS or (form == "noun" and not topics and len(words) < 3):
        return Gist(topics=topics, stance=stance, feeling=feeling)
    proper = proper_words(text)
    if proper:
        words = [proper.get(word, word) for word in words]
    phrase = " ".join(words)
    ing = (" ".join(_ing_all(words, lang)) if form == "verb"
           else phrase if form == "doing" else None)
    if form == "doing":
        form = "verb"
    return Gist(topics=topics, phrase=phrase, form=form, ing=ing, stance=stance,
                feeling=feeling)
