#!/usr/bin/env python3
"""Write a deterministic Markdown note with 100 quotations drawn from seeds/ (70 exact,
10 with one word changed, 10 with a word dropped, 10 fabricated from shuffled words).

    python3 benches/make_seed_note.py > benches/fixtures/seeds-100-quotes.md
"""
import pathlib
import random
import re

root = pathlib.Path(__file__).resolve().parent.parent
rng = random.Random(7)
sentences = []
for path in sorted((root / "seeds").glob("*.txt")):
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", path.read_text(encoding="utf-8"))
    for s in re.split(r"(?<=[.!?])\s+", text):
        words = s.replace("*", "").replace("#", "").split()
        if 10 <= len(words) and not any(c in s for c in "\"“”"):
            sentences.append((path.stem, words))
rng.shuffle(sentences)
lines = ["# One hundred quotations from the seeds", ""]
for i, (stem, words) in enumerate(sentences[:100]):
    n = rng.randint(6, min(20, len(words)))
    start = rng.randint(0, len(words) - n)
    span = words[start:start + n]
    if 70 <= i < 80:
        span[rng.randrange(len(span))] = "banana"
    elif 80 <= i < 90:
        del span[rng.randrange(1, len(span) - 1)]
    elif i >= 90:
        rng.shuffle(span)
    cite = f" [@{stem}]" if i % 3 == 0 else ""
    lines.append(f"Point {i + 1}: the source says “{' '.join(span).strip('.,;:')}”{cite}.")
    lines.append("")
print("\n".join(lines))
