"""Understanding one typed message: what kind of thing it says, and what can be said back.

    heard = understand("idk tbh", locale="en")
    heard.kind   # "non_answer" (a rule); heard.scores: the model's view of every kind

Order: the reliable rules of `resources/understanding/<locale>/language.yaml` (a whole
message that is a non-answer, thanks or a greeting; a milestone with a number), else the
learned model (`model.npz` beside it; see `bot.textmodel`). Then the details a reply needs:
the facet of distress, the kind of harm, what a question is about, and the gist.
Cached per message: the safety screen and the engine ask about the same text.
"""

from __future__ import annotations

import functools

from bot.paths import understanding_dir
from bot.textmodel import load_model, message_features
from bot.understanding.kinds import RISK_FACETS, Gist, Understanding
from bot.understanding.language import Language, language, plain
from bot.understanding.reflect import gist

MODEL_FILE = "model.npz"
SHORT_WORDS = 6  # greetings and thanks are short; a longer message says more than that
# A feeling word in a message this short is the feeling (the model reads a lone word weakly).
FEELING_WORD_MAX = 3
FELT_MAX, UNSURE_FELT = 6, 0.5  # a feeling word in up to 6 words beats a guess below 0.5
FEELING_WORD_KINDS = ("content", "change_talk", "sustain_talk", "distress")


def rule_kind(text: str, lang: Language) -> tuple[str, str] | None:
    """(kind, rule id) when a reliable rule decides, else None."""
    key = plain(text)
    if not key:
        marks = {char for char in text if not char.isspace()}
        for kind, emoji in lang.emoji.items():  # "🙏": thanks; "👋": a hello
            if marks and all(any(char in e for e in emoji) or not char.isprintable()
                             or char in "\ufe0f\u200d" for char in marks):
                return kind, f"{kind}.emoji"
        if marks and not all(char in "?.!…-_" for char in marks):
            return None  # other emoji ("😔", "🙄"): the model reads them
        return ("non_answer", "non_answer.empty") if lang.empty_is_non_answer else None
    for kind, messages in lang.whole.items():
        if key in messages:
            return kind, f"{kind}.whole"
    for kind, pattern in lang.rule_patterns.items():
        if pattern.search(key) and not (kind in lang.rule_unless
                                        and lang.rule_unless[kind].search(key)):
            return kind, f"{kind}.pattern"
    return None


def looks_like_question(text: str, lang: Language) -> bool:
    """A question mark, or a question word first ("why do you...", "is this private")."""
    words = plain(text).split()
    return "?" in text or bool(words and words[0] in lang.question_starts)


def _first(table: tuple[tuple[str, object], ...], key: str) -> str | None:
    for name, pattern in table:
        if pattern.search(key):  # type: ignore[attr-defined]
            return name
    return None


def _asks_about(text: str, topic: str | None, kind: str, lang: Language) -> bool:
    """Asked about something the bot answers ("does this cost money", "remind me to take my
    meds"), whatever the model made of it (annoyance aside): answered, never taken as a
    disclosure."""
    return topic is not None and kind != "discord" and (
        topic == "reminder" or looks_like_question(text, lang))


def _feeling_in_a_word(key: str, kind: str, score: float, said: Gist,
                       facet: str | None) -> bool:
    """"crap", "so tired", "awful": a feeling said in a word or three, whatever the model
    half-heard (it scores a lone word weakly); never "Nice to meet you, crap". The facet "sad"
    is left out here: its pattern is loose ("cutting down"). A feeling word in a few more
    words counts over a guess the model is unsure of ("feeling really low tonight" is not
    a craving at 0.38)."""
    words = len(key.split())
    if said.feeling is not None and words <= FELT_MAX and score < UNSURE_FELT:
        return kind in FEELING_WORD_KINDS + ("craving", "lapse")
    return (kind in FEELING_WORD_KINDS and words <= FEELING_WORD_MAX
            and (said.feeling is not None or facet not in (None, "sad")))


@functools.lru_cache(maxsize=256)
def understand(text: str, locale: str = "en") -> Understanding:
    """What kind of thing `text` says (see the module docstring)."""
    lang = language(locale)
    model = load_model(understanding_dir(locale) / MODEL_FILE)
    scores = model.predict(message_features(text))
    decided = rule_kind(text, lang)
    if decided is not None:
        kind, rule = decided
        score = 1.0
    else:
        kind = max(scores, key=scores.__getitem__)
        score, rule = scores[kind], None
        if kind in ("thanks", "greeting") and len(plain(text).split()) > SHORT_WORDS:
            # Thanks or a hello with more after it: the rest is what needs answering.
            rest = {k: v for k, v in scores.items() if k not in ("thanks", "greeting")}
            kind = max(rest, key=rest.__getitem__)
            score = rest[kind]
        if kind == "question" and not looks_like_question(text, lang):
            rest = {k: v for k, v in scores.items() if k != "question"}
            kind = max(rest, key=rest.__getitem__)
            score = rest[kind]
        if score < lang.min_score.get(kind, 0.0):
            kind, score = "content", scores.get("content", 0.0)  # not sure enough
    key = plain(text)
    topic = _first(lang.questions, key)
    said = gist(text, lang)
    named_facet = _first(lang.facets, key)
    if rule is None and _asks_about(text, topic, kind, lang):
        kind, score, rule = "question", 1.0, f"question.{topic}"
    elif rule is None and _feeling_in_a_word(key, kind, score, said, named_facet):
        kind, score, rule = "distress", 1.0, "distress.feeling_word"
    facet = named_facet if kind == "distress" else None
    return Understanding(
        kind=kind, score=score, scores=scores, rule=rule,
        facet=(facet or "sad") if kind == "distress" else None,
        felt=kind == "distress" and (facet is not None or said.feeling is not None),
        harm=_first(lang.harms, key) if kind == "harmful" else None,
        topic=topic if kind == "question" else None,
        gist=said, text=text,
    )


def risk_facet(text: str, locale: str = "en") -> str | None:
    """A facet of distress that should bring the direct safety question, whatever kind the
    message is overall ("everyone would be better off without me" told as a plain answer)."""
    key = plain(text)
    facet = _first(language(locale).facets, key)
    return facet if facet in RISK_FACETS else None
