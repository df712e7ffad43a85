"""Evaluates the safety screens on the labelled sets and times the crisis screen.

Run:  .venv/bin/python bench/safety_eval.py [--errors] [--show-heldout-errors]

Prints, for resources/safety/en/examples/rules_devset.yaml (the rules are tuned on it),
tests/safety/heldout.yaml and heldout4.yaml (never tuned on): per-category precision and
recall, overall recall on crisis messages (caught as any crisis), the hard-negative
false-positive rate, about_other accuracy. Then, for the blind sets (tests/safety/blind_*.yaml
and heldout4.yaml, written by people who saw no rule, cue, model or example), the three layers
as the bot uses them: the rules (full response), + the concern cues, + the learned screen and
the riskiest feelings (each brings the direct question): crisis messages met per category and
told indirectly, hard negatives asked. Then the clinical screen's figures and the cost of the
screens per message in microseconds.
"""

from __future__ import annotations

import argparse
import sys
import timeit
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.safety import CRISIS_CATEGORIES, clinical_screen, crisis_screen  # noqa: E402
from bot.safety.concern import concern_screen  # noqa: E402

TESTS = ROOT / "tests" / "safety"
EXAMPLES = ROOT / "resources" / "safety" / "en" / "examples"
BLIND = ("blind_1.yaml", "blind_2.yaml", "blind_3.yaml", "blind_4.yaml", "heldout4.yaml")
TYPICAL = "I had a rough day at work and the cravings were strong but I went to a meeting instead"


def _load(name: str, key: str) -> list[dict[str, Any]]:
    path = TESTS / name if (TESTS / name).is_file() else EXAMPLES / name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return list(data[key])


def _indirect(item: dict[str, Any]) -> bool:
    return bool(item.get("indirect")) or "indirect" in (item.get("tags") or [])


def evaluate_layers(title: str, messages: list[dict[str, Any]], markdown: bool) -> None:
    """Crisis messages met and hard negatives asked by each layer, as the bot uses them."""
    from bot.safety.crisis import screen_verdict
    from bot.safety.learned import learned_concern

    layers = {
        "rules": lambda t: crisis_screen(t) is not None,
        "learned alone": lambda t: learned_concern(t, "en"),
        "+ cues": lambda t: crisis_screen(t) is not None or concern_screen(t) is not None,
        "+ learned": lambda t: screen_verdict(t, "en") is not None,
    }
    positives = [m for m in messages if m["label"] != "none"]
    negatives = [m for m in messages if m["label"] == "none"]
    print(f"\n== {title}: {len(positives)} crisis, {len(negatives)} hard negatives (blind)")
    header = ["layer", "met", "indirect met"] + list(CRISIS_CATEGORIES) + ["negatives asked"]
    if markdown:
        print("| " + " | ".join(header) + " |\n|" + "---|" * len(header))
    for name, met in layers.items():
        cells = [name, _ratio(sum(met(m["text"]) for m in positives), len(positives))]
        indirect = [m for m in positives if _indirect(m)]
        cells.append(_ratio(sum(met(m["text"]) for m in indirect), len(indirect)))
        for category in CRISIS_CATEGORIES:
            these = [m for m in positives if m["label"] == category]
            cells.append(f"{sum(met(m['text']) for m in these)}/{len(these)}")
        cells.append(_ratio(sum(met(m["text"]) for m in negatives), len(negatives)))
        print("| " + " | ".join(cells) + " |" if markdown else "  " + "  ".join(cells))


def _ratio(num: int, den: int) -> str:
    return f"{num / den:.3f} ({num}/{den})" if den else "n/a"


def evaluate_met(title: str, messages: list[dict[str, Any]], show_errors: bool) -> None:
    """How many crisis messages get the crisis response or the check question, and how many
    hard negatives get the question."""
    positives = [m for m in messages if m["label"] != "none"]
    negatives = [m for m in messages if m["label"] == "none"]
    met = [m for m in positives if crisis_screen(m["text"]) or concern_screen(m["text"])]
    asked = [m for m in negatives if crisis_screen(m["text"]) or concern_screen(m["text"])]
    print(f"\n== {title}")
    print(f"  crisis messages met:       {_ratio(len(met), len(positives))}")
    print(f"  hard negatives met:        {_ratio(len(asked), len(negatives))}")
    if show_errors:
        for m in positives:
            if m not in met:
                print(f"  missed {m['label']:<11} {m['text']}")
        for m in asked:
            print(f"  asked  {'none':<11} {m['text']}")


def evaluate_crisis(title: str, messages: list[dict[str, Any]], show_errors: bool) -> None:
    """Prints crisis-screen figures for one labelled set."""
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    caught = crisis_total = false_alarms = negatives = about_ok = about_total = 0
    tag_hits: Counter[str] = Counter()
    tag_total: Counter[str] = Counter()
    errors = []
    for item in messages:
        label = item["label"]
        signal = crisis_screen(item["text"])
        got = signal.category if signal else "none"
        if label == "none":
            negatives += 1
            false_alarms += got != "none"
        else:
            crisis_total += 1
            caught += got != "none"
            for tag in item.get("tags", []):
                tag_total[tag] += 1
                tag_hits[tag] += got != "none"
            if signal is not None:
                about_total += 1
                about_ok += signal.about_other == item.get("about_other", False)
        if got == label:
            tp[label] += 1
        else:
            fn[label] += 1
            fp[got] += 1
            rule = signal.rule if signal else ""
            errors.append(f"  want {label:<10} got {got:<10} {rule:<34} {item['text']}")
    print(
        f"\n== {title}: {len(messages)} messages, {crisis_total} crisis, {negatives} hard negatives"
    )
    print(f"  {'category':<11} {'precision':>18} {'recall':>18}")
    for category in CRISIS_CATEGORIES:
        precision = _ratio(tp[category], tp[category] + fp[category])
        recall = _ratio(tp[category], tp[category] + fn[category])
        print(f"  {category:<11} {precision:>18} {recall:>18}")
    print(f"  crisis recall (caught as any crisis): {_ratio(caught, crisis_total)}")
    exact = sum(tp[c] for c in CRISIS_CATEGORIES)
    print(f"  exact-category accuracy on crisis:    {_ratio(exact, crisis_total)}")
    print(f"  hard-negative false-positive rate:    {_ratio(false_alarms, negatives)}")
    print(f"  about_other correct (caught crisis):  {_ratio(about_ok, about_total)}")
    by_tag = ", ".join(f"{t} {_ratio(tag_hits[t], tag_total[t])}" for t in sorted(tag_total))
    print(f"  recall by tag: {by_tag or 'no tags in this set'}")
    if show_errors and errors:
        print("  errors:")
        print("\n".join(errors))


def evaluate_clinical(title: str, messages: list[dict[str, Any]], show_errors: bool) -> None:
    """Prints clinical-screen figures for one labelled set."""
    tp = fp = fn = tn = kind_ok = substance_ok = stop_ok = 0
    errors = []
    for item in messages:
        want = item["kind"]
        request = clinical_screen(item["text"])
        if want == "none":
            if request is None:
                tn += 1
            else:
                fp += 1
                errors.append(f"  want none got {request.kind:<15} {item['text']}")
            continue
        if request is None:
            fn += 1
            errors.append(f"  want {want:<15} got none           {item['text']}")
            continue
        tp += 1
        kind_ok += request.kind == want
        substance_ok += request.substance == item.get("substance")
        stop_ok += request.stopping_risk == item.get("stopping_risk", False)
        if (request.kind, request.substance, request.stopping_risk) != (
            want,
            item.get("substance"),
            item.get("stopping_risk", False),
        ):
            errors.append(
                f"  want {want}/{item.get('substance')}/{item.get('stopping_risk', False)} "
                f"got {request.kind}/{request.substance}/{request.stopping_risk}  {item['text']}"
            )
    print(f"\n== {title}: {len(messages)} messages, {tp + fn} requests, {tn + fp} non-requests")
    print(
        f"  detection precision {_ratio(tp, tp + fp)}  recall {_ratio(tp, tp + fn)}  "
        f"false positives on non-requests {_ratio(fp, fp + tn)}"
    )
    print(
        f"  of detected: kind {_ratio(kind_ok, tp)}  substance {_ratio(substance_ok, tp)}  "
        f"stopping_risk {_ratio(stop_ok, tp)}"
    )
    if show_errors and errors:
        print("  errors:")
        print("\n".join(errors))


def time_screen(messages: list[dict[str, Any]]) -> None:
    """Prints the crisis screen's cost per message in microseconds."""
    crisis_screen(TYPICAL)  # load and compile once, outside the timing
    runs = 2000
    typical = min(timeit.repeat(lambda: crisis_screen(TYPICAL), number=runs, repeat=5)) / runs
    texts = [m["text"] for m in messages]
    total = min(timeit.repeat(lambda: [crisis_screen(t) for t in texts], number=20, repeat=3))
    mean = total / (20 * len(texts))
    # The screens keep a few recent answers (one message is asked about by several layers):
    # time the work itself, not a cache hit.
    uncached_clinical = clinical_screen.__wrapped__
    clinical = min(timeit.repeat(lambda: uncached_clinical(TYPICAL), number=runs,
                                 repeat=5)) / runs
    from bot.safety.learned import crisis_chance, crisis_model, model_path
    from bot.textmodel import load_model

    load_model.cache_clear()
    crisis_model.cache_clear()
    started = timeit.default_timer()
    crisis_model()
    loaded = timeit.default_timer() - started
    uncached_chance = crisis_chance.__wrapped__
    learned = min(timeit.repeat(lambda: uncached_chance(TYPICAL), number=runs, repeat=5)) / runs
    print("\n== timing")
    size = model_path().stat().st_size // 1024
    print(f"  learned screen: load {loaded * 1e3:.1f} ms ({size} KB), "
          f"{learned * 1e6:.0f} µs a message")
    print(f"  crisis_screen, typical message ({len(TYPICAL)} chars): {typical * 1e6:.1f} µs")
    print(f"  crisis_screen, mean over devset messages:            {mean * 1e6:.1f} µs")
    print(f"  clinical_screen, typical message:                    {clinical * 1e6:.1f} µs")


def main() -> None:
    """Runs every evaluation and prints the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true", help="list devset errors")
    parser.add_argument(
        "--show-heldout-errors",
        action="store_true",
        help="list held-out errors (read them; don't tune on them)",
    )
    parser.add_argument("--markdown", action="store_true", help="layer tables for the README")
    args = parser.parse_args()
    for name in BLIND:
        evaluate_layers(name, _load(name, "messages"), args.markdown)
    devset = _load("rules_devset.yaml", "messages")
    evaluate_crisis("crisis devset", devset, args.errors)
    evaluate_crisis("crisis HELD-OUT", _load("heldout.yaml", "messages"), args.show_heldout_errors)
    heldout4 = _load("heldout4.yaml", "messages")
    evaluate_crisis("crisis HELD-OUT 4 (written blind to the rules)", heldout4,
                    args.show_heldout_errors)
    evaluate_met("HELD-OUT 4, crisis response OR the concern check's question", heldout4,
                 args.show_heldout_errors)
    evaluate_clinical("clinical devset", _load("clinical_devset.yaml", "messages"), args.errors)
    evaluate_clinical(
        "clinical HELD-OUT", _load("heldout.yaml", "clinical"), args.show_heldout_errors
    )
    time_screen(devset)


if __name__ == "__main__":
    main()
