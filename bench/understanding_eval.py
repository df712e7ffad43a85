"""Evaluates the understanding step on its blind sets (never tuned on) and its training examples.

Run:  .venv/bin/python bench/understanding_eval.py [--errors] [--markdown]

For each blind set in tests/understanding/ (written by helpers who saw neither the examples nor
the rules) prints per-kind precision and recall, as the bot uses them: a message asked inside a
flow's question goes through the in-flow confidence floors of flows/_listening.yaml, an idle
message does not. Then the 5-fold cross-validated accuracy on the training examples (needs the
test extra, scikit-learn) and the cost per message in microseconds.
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

from bot.engine.listening import load_listening  # noqa: E402
from bot.understanding.kinds import KINDS  # noqa: E402
from bot.understanding.understand import understand  # noqa: E402

BLIND = sorted((ROOT / "tests" / "understanding").glob("blind_*.yaml"))
TYPICAL = "I had a rough day at work and the cravings were strong but I went to a meeting instead"


LISTENING, _ = load_listening(ROOT / "flows")


def decided(message: dict[str, Any]) -> str:
    """The kind the bot acts on for this message, where it was said."""
    heard = understand(message["text"])
    if message.get("context", "idle") == "idle":
        return heard.kind
    return LISTENING.kind_in_flow(heard.kind, heard.score, heard.rule is not None)


def table(rows: list[dict[str, Any]], markdown: bool) -> tuple[int, int]:
    """Print per-kind precision and recall; returns (right, total)."""
    got = [decided(m) for m in rows]
    truth = [m["kind"] for m in rows]
    hits = Counter(t for t, g in zip(truth, got, strict=True) if t == g)
    said = Counter(got)
    total = Counter(truth)
    if markdown:
        print("| kind | messages | precision | recall |\n|---|---:|---:|---:|")
    for kind in KINDS:
        if not total[kind] and not said[kind]:
            continue
        precision = f"{hits[kind] / said[kind]:.2f}" if said[kind] else "n/a"
        recall = f"{hits[kind] / total[kind]:.2f}" if total[kind] else "n/a"
        if markdown:
            print(f"| {kind} | {total[kind]} | {precision} | {recall} |")
        else:
            print(f"  {kind:<13} n={total[kind]:<4} precision {precision:<5} recall {recall}")
    right = sum(hits.values())
    print(f"  accuracy {right / len(rows):.3f} ({right}/{len(rows)})")
    return right, len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--errors", action="store_true", help="list every blind mistake")
    parser.add_argument("--markdown", action="store_true", help="tables for the README")
    args = parser.parse_args()
    everything: list[dict[str, Any]] = []
    for path in BLIND:
        rows = yaml.safe_load(path.read_text(encoding="utf-8"))["messages"]
        everything.extend(rows)
        print(f"\n== {path.relative_to(ROOT)} ({len(rows)} messages, blind)")
        table(rows, args.markdown)
        if args.errors:
            for m in rows:
                kind = decided(m)
                if kind != m["kind"]:
                    print(f"    {m['kind']:<12} -> {kind:<12} [{m.get('context')}] {m['text']}")
    print(f"\n== all blind sets ({len(everything)} messages)")
    table(everything, args.markdown)
    try:
        from bot.textmodel.train import out_of_fold
        from bot.understanding.training import REGULARISATION, examples
    except ImportError:
        print("\n(cross-validation needs the test extra: scikit-learn)")
    else:
        rows = examples()
        predicted = out_of_fold([r["text"] for r in rows], [r["kind"] for r in rows],
                                c=REGULARISATION, classes=KINDS)
        right = sum(max(p, key=p.__getitem__) == r["kind"]
                    for p, r in zip(predicted, rows, strict=True))
        print(f"\n== training examples, 5-fold cross-validated model alone: "
              f"{right / len(rows):.3f} ({right}/{len(rows)})")
    understand.cache_clear()
    runs = 2000
    seconds = timeit.timeit(lambda: (understand.cache_clear(), understand(TYPICAL)), number=runs)
    print(f"\nunderstand(): {seconds / runs * 1e6:.0f} µs per message (uncached)")


if __name__ == "__main__":
    main()
