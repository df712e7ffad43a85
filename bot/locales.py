"""The languages the bot serves, and what each must have before the bot may start.

A locale is data, never Python: its templates (`resources/templates/<locale>/`), its input
words (`resources/input/<locale>.yaml`) and its safety data (`resources/safety/<locale>/`:
the crisis, concern and clinical screens and the outgoing-language guard). A configured
locale without safety data would let a crisis pass unscreened, so start-up refuses it.
"""

from __future__ import annotations

from bot import yamlio
from bot.paths import RESOURCES_DIR, TEMPLATES_DIR, safety_dir

SAFETY_FILES = ("crisis_lexicon.yaml", "concern_cues.yaml", "clinical_lexicon.yaml",
                "forbidden_language.yaml")


def available_locales() -> list[str]:
    """Locales that have templates."""
    return sorted(path.name for path in TEMPLATES_DIR.iterdir() if path.is_dir())


#: What every locale's input words must give (resources/input/<locale>.yaml).
INPUT_SECTIONS = ("skip", "back", "none", "yes", "no", "country_names", "named_times", "dates")


def check_locales(locales: list[str]) -> list[str]:
    """Every problem that stops the bot serving `locales` (empty: all can be served)."""
    problems: list[str] = []
    for locale in locales:
        if not (TEMPLATES_DIR / locale).is_dir():
            problems.append(f"locale '{locale}': no templates in resources/templates/{locale}/ "
                            f"(served: {', '.join(available_locales())})")
        words = RESOURCES_DIR / "input" / f"{locale}.yaml"
        if not words.is_file():
            problems.append(f"locale '{locale}': no input words in resources/input/{locale}.yaml")
        else:
            data = yamlio.safe_load(words.read_text(encoding="utf-8")) or {}
            absent = [key for key in INPUT_SECTIONS if key not in data]
            if absent:
                problems.append(f"locale '{locale}': resources/input/{locale}.yaml lacks "
                                f"{', '.join(absent)} (see en.yaml)")
        missing = [name for name in SAFETY_FILES if not (safety_dir(locale) / name).is_file()]
        if missing:
            problems.append(
                f"locale '{locale}': no safety data ({', '.join(missing)} missing in "
                f"resources/safety/{locale}/). The bot will not start in a language whose "
                "crisis messages it cannot screen."
            )
    return problems
