#!/usr/bin/env python3
"""Issue 18's benchmark: archiving web pages, reading web archives, checking quotations cited
by address.

    python3 benches/corpus/build.py --out bench-data/100mb --size 100MB   # once
    python3 benches/web.py bench-data/100mb

The 233 State of the Union speeches of `sources/sotu` as HTML pages (title, byline, one
`<p>` per paragraph), served by Python's `http.server` on 127.0.0.1. With the release
binary:

1. archiving: `sourced archive` of all 233 addresses in one run (one `.warc.gz` each),
   pages per second;
2. reading: `sourced index` from scratch (median of 3) over the 233 captures, over the
   same captures concatenated into one `.warc.gz` (a WARC is a sequence of gzip members),
   and over the HTML files themselves, with peak memory;
3. verdicts: the corpus's 500 quotations, each cited by the address of the speech it is
   drawn from written with a tracking parameter (`?utm_source=bench`), against the
   captures; and the same quotations uncited against the HTML files, status by status;
4. bibliographies: `sourced check` of the 500 quotations each cited `[@key]` through a
   10,000-entry BibLaTeX file in Zotero's shape (233 entries whose `url` is a speech's
   address, the rest other works), against the same check with the quotations cited by
   address: what reading the bibliography and resolving through it costs.
"""

import functools
import html
import http.server
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = REPO / "target/release/sourced"
sys.path.insert(0, str(REPO / "benches"))
from documents import speech, timed  # noqa: E402


def page_of(txt: Path) -> str:
    title, by, paras = speech(txt)
    e = html.escape
    body = "".join(f"<p>{e(p)}</p>" for p in paras)
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{e(title)}</title>'
            f'<meta name="author" content="{e(by)}"></head><body><article><h1>{e(title)}</h1>'
            f"{body}</article></body></html>")


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(folder: Path):
    handler = functools.partial(Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def index_runs(ws: Path):
    runs = []
    for _ in range(3):
        shutil.rmtree(ws / ".sourced", ignore_errors=True)
        runs.append(timed([str(BIN), "index"], ws))
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs)


def main():
    corpus = Path(sys.argv[1] if len(sys.argv) > 1 else "bench-data/100mb").resolve()
    subprocess.run(["cargo", "build", "--release", "--locked"], cwd=REPO, check=True)
    work = Path(tempfile.mkdtemp(prefix="sourced-web-"))
    try:
        site = work / "site"
        site.mkdir()
        speeches = sorted((corpus / "sources/sotu").glob("*.txt"))
        for p in speeches:
            (site / f"{p.stem}.html").write_text(page_of(p), encoding="utf-8")
        server, base = serve(site)
        url = {f"sources/sotu/{p.name}": f"{base}/{p.stem}.html" for p in speeches}
        print("| step | figure |\n| --- | --- |")
        # 1. Archiving.
        ws = work / "captures"
        (ws / "sources").mkdir(parents=True)
        (ws / "sourced.toml").write_text('sources = ["sources"]\n')
        t = time.time()
        p = subprocess.run([str(BIN), "archive", *url.values()], cwd=ws,
                           capture_output=True, text=True)
        took = time.time() - t
        if p.returncode != 0:
            sys.exit(f"sourced archive failed: {p.stdout}\n{p.stderr}")
        captures = sorted((ws / "sources/web").rglob("*.warc.gz"))
        size = sum(c.stat().st_size for c in captures)
        print(f"| `sourced archive` of 233 pages ({sum(len(page_of(s)) for s in speeches) / 1e6:.1f} MB"
              f" of HTML) from 127.0.0.1 | {took:.2f} s, {len(captures) / took:.0f} pages/s; "
              f"{len(captures)} captures, {size / 1e6:.1f} MB of `.warc.gz` |")
        server.shutdown()
        # 2. Reading.
        one = work / "one"
        (one / "sources").mkdir(parents=True)
        (one / "sourced.toml").write_text('sources = ["sources"]\n')
        with open(one / "sources/all.warc.gz", "wb") as out:
            for c in captures:
                out.write(c.read_bytes())
        pages = work / "pages"
        (pages / "sources").mkdir(parents=True)
        (pages / "sourced.toml").write_text('sources = ["sources"]\n')
        for h in site.glob("*.html"):
            shutil.copy(h, pages / "sources" / h.name)
        for name, w in [("233 captures, one `.warc.gz` each", ws),
                        ("the 233 captures in one `.warc.gz`", one),
                        ("the 233 pages as `.html` files", pages)]:
            t, rss = index_runs(w)
            print(f"| `sourced index` fresh, {name} (median of 3) | {t:.2f} s, "
                  f"{size / 1e6 / t:.1f} MB/s of WARC; peak RSS {rss:.0f} MB |"
                  if w is not pages else
                  f"| `sourced index` fresh, {name} (median of 3) | {t:.2f} s; peak RSS {rss:.0f} MB |")
        # 3. Verdicts.
        quotes = [json.loads(l) for l in (corpus / "quotes.jsonl").open()]
        # A fabricated quotation (no source) is cited to the first speech.
        first = next(iter(url.values()))
        cited = "# Quotations\n\n" + "".join(
            f"“{q['quote']}” ([speech]({url.get(q['source'], first)}?utm_source=bench))\n\n"
            for q in quotes)
        uncited = "# Quotations\n\n" + "".join(f"“{q['quote']}”\n\n" for q in quotes)
        results = {}
        for name, w, note in [("captures, cited by address", ws, cited),
                              ("one WARC, cited by address", one, cited),
                              ("HTML files, uncited", pages, uncited)]:
            (w / "quotes.md").write_text(note, encoding="utf-8")
            p = subprocess.run([str(BIN), "check", "quotes.md", "--format", "json"], cwd=w,
                               capture_output=True, text=True)
            report = json.loads(p.stdout)
            results[name] = report["quotes"]
            assert len(results[name]) == len(quotes), name
            unknown = len(report.get("unknown_citations", []))
            print(f"| unknown citations, {name} | {unknown} |")
        names = list(results)
        print("\n| kind | quotations | " + " | ".join(f"as expected, {n}" for n in names) + " |")
        print("| --- " * (len(names) + 2) + "|")
        rows, total = {}, None
        for i, q in enumerate(quotes):
            row = rows.setdefault(q["kind"], [0] * (len(names) + 1))
            row[0] += 1
            for j, n in enumerate(names):
                row[1 + j] += results[n][i]["status"] == q["expected"]
        for kind, row in rows.items():
            total = row if total is None else [a + b for a, b in zip(total, row)]
            print(f"| {kind} | " + " | ".join(map(str, row)) + " |")
        print("| **all** | " + " | ".join(map(str, total)) + " |")
        # 4. A large bibliography.
        keys = {src: f"sotu{i:03}" for i, src in enumerate(url)}
        entries = []
        for src, key in keys.items():
            entries.append(f"@online{{{key},\n  title = {{{{State of the Union, {Path(src).stem}}}}},\n"
                           f"  author = {{Office of the President}},\n  date = {{{Path(src).stem[:4]}}},\n"
                           f"  url = {{{url[src]}}},\n  urldate = {{2026-11-29}}\n}}\n")
        for i in range(10_000 - len(keys)):
            entries.append(f"@article{{other{i:05},\n  title = {{An unrelated article number {i}}},\n"
                           f"  author = {{Doe, Jane and Roe, Richard}},\n  journaltitle = {{Journal}},\n"
                           f"  date = {{2020-01-{1 + i % 28:02}}},\n  doi = {{10.1234/other.{i}}},\n"
                           f"  file = {{Full Text:files/{i}/other.pdf:application/pdf}}\n}}\n")
        (ws / "refs.bib").write_text("\n".join(entries), encoding="utf-8")
        by_key = "---\nbibliography: refs.bib\n---\n# Quotations\n\n" + "".join(
            f"“{q['quote']}” [@{keys.get(q['source'], 'sotu000')}]\n\n" for q in quotes)
        (ws / "keys.md").write_text(by_key, encoding="utf-8")
        for name, note in [("cited by address", "quotes.md"), ("cited [@key] through refs.bib", "keys.md")]:
            (ws / "quotes.md").write_text(cited, encoding="utf-8")
            runs = [timed([str(BIN), "check", note, "--format", "json"], ws) for _ in range(3)]
            t = statistics.median(r[0] for r in runs)
            p = subprocess.run([str(BIN), "check", note, "--format", "json"], cwd=ws,
                               capture_output=True, text=True)
            report = json.loads(p.stdout)
            got = report["quotes"]
            right = sum(g["status"] == q["expected"] for g, q in zip(got, quotes))
            resolved = sum(g["cited"] is not None for g in got)
            print(f"| `sourced check`, 500 quotations {name} (median of 3) | {t:.2f} s, "
                  f"peak RSS {max(r[1] for r in runs):.0f} MB; {right}/500 as expected, "
                  f"{resolved} judged against the source cited, "
                  f"{len(report.get('unknown_citations', []))} unknown citations |")
        for q, a, b in zip(quotes, results[names[2]], results[names[0]]):
            if a["status"] != b["status"]:
                print(f"differs: html {a['status']}, captures {b['status']}: {q['quote']}",
                      file=sys.stderr)
    finally:
        if not os.environ.get("KEEP"):
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
