"""One person's plan conversation, shared by the core, console and Telegram tests.

Each entry is what the person sends: typed text, or a button label (the console and the
Telegram double press the button with that label; the core helper does too).
"""

from __future__ import annotations

SCRIPT_TO_PLAN = [
    ("press", "Tell me how it goes"),
    ("say", "Sounds doable, I want it realistic"),
    ("say", "Drink only at weekends, four drinks at most"),
    ("press", "7"),
    ("say", "My mornings are better and my daughter notices"),
    ("say", "A word from my doctor"),
    ("press", "4"),
    ("say", "I did a dry month last year"),
    ("say", "A plan for Friday evenings"),
    ("say", "I want to be present for my daughter"),
    ("say", "Go for a run after work"),
    ("press", "Tuesday"),
    ("press", "Add another step"),
    ("say", "Cook dinner instead of going out"),
    ("say", "12 December"),
    ("press", "Move on"),
    ("say", "My sister Jo"),
    ("say", "Text me on Friday evenings"),
    ("press", "Move on"),
    ("say", "I wake up clear-headed most days"),
    ("say", "<script>alert('stress')</script> at work"),
    ("say", "Call Jo before I open a bottle"),
    ("press", "That's everything"),
]
EDIT_CONFIDENCE = [
    ("press", "Change one part"),
    ("press", "How confident I am"),
    ("press", "7"),
    ("say", "Two good weeks behind me"),
    ("say", "One more good week"),
]
# What went into the plan (the first typed answer is about the plan, not in it).
TYPED = [text for kind, text in SCRIPT_TO_PLAN if kind == "say"][1:]
