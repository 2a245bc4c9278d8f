#!/usr/bin/env python3
"""Issue 17's benchmark: PDF extraction speed, and the 100 MB corpus with a tenth of it as PDF.

    python3 benches/corpus/build.py --out bench-data/100mb --size 100MB   # once
    python3 benches/documents.py bench-data/100mb

The tenth: the 233 State of the Union speeches of `sources/sotu` (11 MB of the corpus's
97 MB), each printed to a PDF by Chromium (US letter, one column, a running header and page
numbers), cached in `bench-data/sotu-pdf/`. Then, with the release binary:

1. extraction: `sourced index` over the PDFs alone (fresh index), in MB of PDF and pages
   per second, and the pages read; the same for the speeches as WebVTT (cues of 12 words
   with the president's voice), SRT and DOCX (paragraphs in two runs cut mid-word), made
   here and cached next to the PDFs;
2. the corpus build: `sourced index` from scratch over the corpus as it is and over the
   corpus with the speeches as PDFs, median of three, and the peak memory of each;
3. verdicts: the corpus's 500 quotations (drawn from the speeches: exact, typographic,
   elided, altered, fabricated) checked against both and against the speeches in each
   other format, status by status; for every quotation verified in a PDF whether its
   `page` and `end_page` are right by `pdftotext` (poppler), and how many quotations verify
   across WebVTT cues.

    python3 benches/documents.py --fixtures

The project's PDF fixtures instead (tests/fixtures/pdf): every sentence of each fixture's
seed quoted and cited to it, with its verdict, whether it crosses a page turn, and whether
its pages are right by pdftotext.

Needs chromium and pdftotext (Debian: chromium, poppler-utils).
"""

import html
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = REPO / "target/release/sourced"


def pdf_of(txt: Path, out: Path) -> None:
    """One speech as a PDF: its first line the title, its paragraphs as <p>."""
    text = txt.read_text(encoding="utf-8")
    paras = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    title = paras[0].lstrip("# ").strip()
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paras[1:])
    page = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{html.escape(title)}</title><style>
@page {{ size: letter; margin: 1in;
  @top-center {{ content: "{html.escape(title)}"; font: 9pt serif; }}
  @bottom-center {{ content: "Page " counter(page) " of " counter(pages); font: 9pt serif; }} }}
body {{ font: 12pt/1.4 serif; margin: 0; }} h1 {{ font-size: 16pt; }}
</style></head><body><h1>{html.escape(title)}</h1>
{body}</body></html>"""
    with tempfile.TemporaryDirectory() as d:
        src = Path(d) / "speech.html"
        src.write_text(page, encoding="utf-8")
        subprocess.run(
            ["chromium", "--headless", "--no-sandbox", "--disable-gpu",
             "--no-pdf-header-footer", f"--print-to-pdf={out}", str(src)],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )


def speech(txt: Path):
    """A speech's title, speaker and paragraphs."""
    paras = [p.strip() for p in re.split(r"\n\s*\n", txt.read_text(encoding="utf-8")) if p.strip()]
    title = paras[0].splitlines()[0].lstrip("# ").strip()
    by = paras[0].splitlines()[1][3:].strip() if len(paras[0].splitlines()) > 1 else "Speaker"
    return title, by, paras[1:]


def clock(ms: int, comma: bool) -> str:
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    sec, ms = divmod(ms, 1000)
    return f"{h:02}:{m:02}:{sec:02}{',' if comma else '.'}{ms:03}"


def cues(paras):
    """The speech as cues of 12 words, 4 s each (a paragraph never shares a cue)."""
    t = 0
    for p in paras:
        words = p.split()
        for i in range(0, len(words), 12):
            yield t, t + 4000, " ".join(words[i:i + 12])
            t += 4000


def vtt_of(txt: Path, out: Path) -> None:
    title, by, paras = speech(txt)
    lines = [f"WEBVTT - {title}", ""]
    for a, b, text in cues(paras):
        lines += [f"{clock(a, False)} --> {clock(b, False)} line:90%",
                  f"<v {html.escape(by)}>{html.escape(text)}", ""]
    out.write_text("\n".join(lines), encoding="utf-8")


def srt_of(txt: Path, out: Path) -> None:
    _, _, paras = speech(txt)
    lines = []
    for n, (a, b, text) in enumerate(cues(paras), 1):
        lines += [str(n), f"{clock(a, True)} --> {clock(b, True)}", text, ""]
    out.write_text("\n".join(lines), encoding="utf-8")


def docx_of(txt: Path, out: Path) -> None:
    """Each paragraph in two runs cut mid-word, the second in italics; core properties."""
    import zipfile
    title, by, paras = speech(txt)
    e = html.escape
    body = "".join(
        f'<w:p><w:r><w:t xml:space="preserve">{e(p[:len(p) // 2])}</w:t></w:r>'
        f'<w:r><w:rPr><w:i/></w:rPr><w:t xml:space="preserve">{e(p[len(p) // 2:])}</w:t></w:r></w:p>'
        for p in paras)
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
        z.writestr("word/document.xml", f'<?xml version="1.0" encoding="UTF-8"?><w:document {w}><w:body>{body}</w:body></w:document>')
        z.writestr("docProps/core.xml", f'<?xml version="1.0" encoding="UTF-8"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>{e(title)}</dc:title><dc:creator>{e(by)}</dc:creator></cp:coreProperties>')


def make_speeches(corpus: Path, ext: str, write) -> Path:
    out = corpus.parent / f"sotu-{ext}"
    if not (out / ".done").exists():
        out.mkdir(parents=True, exist_ok=True)
        for p in sorted((corpus / "sources/sotu").glob("*.txt")):
            write(p, out / f"{p.stem}.{ext}")
        (out / ".done").write_text("")
    return out


def make_pdfs(corpus: Path) -> Path:
    out = corpus.parent / "sotu-pdf"
    done = out / ".done"
    if done.exists():
        return out
    out.mkdir(parents=True, exist_ok=True)
    speeches = sorted((corpus / "sources/sotu").glob("*.txt"))
    t = time.time()
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        list(pool.map(lambda p: pdf_of(p, out / (p.stem + ".pdf")), speeches))
    print(f"printed {len(speeches)} speeches to PDF in {time.time() - t:.0f} s", file=sys.stderr)
    done.write_text("")
    return out


def timed(args, cwd: Path):
    """Run, return (seconds, peak RSS in MB of the process and its children, stderr)."""
    t = time.time()
    p = subprocess.run(["/usr/bin/time", "-f", "%M"] + args, cwd=cwd,
                       capture_output=True, text=True)
    took = time.time() - t
    if p.returncode not in (0, 1):
        sys.exit(f"{args} failed: {p.stderr}")
    lines = p.stderr.strip().splitlines()
    return took, int(lines[-1]) / 1024, "\n".join(lines[:-1])


def fresh_index(ws: Path):
    shutil.rmtree(ws / ".sourced", ignore_errors=True)
    return timed([str(BIN), "index"], ws)


def workspace(root: Path, sources: dict) -> Path:
    """A workspace whose `sources/NAME` are links to the given folders."""
    root.mkdir(parents=True)
    (root / "sources").mkdir()
    for name, folder in sources.items():
        os.symlink(folder, root / "sources" / name)
    (root / "sourced.toml").write_text('sources = ["sources"]\n')
    return root


def note_of(quotes) -> str:
    return "# Quotations\n\n" + "".join(f"“{q['quote']}”\n\n" for q in quotes)


def flat(s: str) -> str:
    return re.sub(r"[\W_]+", "", s.lower())


PAGE_NUMBER = re.compile(r"^(page )?\d{1,3}( of \d+)?$", re.I)


def reference_pages(pdf: Path, cache={}):
    """pdftotext's text of each page, flattened, without what a reader of the page skips:
    lines of a page number (or a margin line number) alone, and running headers and
    footers (among the first and last two lines of a page, the same on another page, digits
    masked)."""
    if pdf in cache:
        return cache[pdf]
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    pages = [[l.strip() for l in p.splitlines() if l.strip()] for p in out.split("\f")]
    masked = lambda l: re.sub(r"\d+", "#", l)
    edges = [{masked(l) for l in p[:2] + p[-2:]} for p in pages]
    flat_pages = []
    for i, p in enumerate(pages):
        others = set().union(*(e for j, e in enumerate(edges) if j != i))
        keep = [l for k, l in enumerate(p)
                if not PAGE_NUMBER.match(l)
                and not ((k < 2 or k >= len(p) - 2) and masked(l) in others)]
        flat_pages.append(flat(" ".join(keep)))
    cache[pdf] = flat_pages
    return flat_pages


def page_right(pdf: Path, page: int, end_page: int, text: str) -> bool:
    """The match starts on `page` and ends on `end_page`, by pdftotext's pages."""
    pages = reference_pages(pdf)[page - 1:end_page]
    joined, t = "".join(pages), flat(text)
    at = joined.find(t)
    if at >= 0 and at < len(pages[0]) and at + len(t) > len(joined) - len(pages[-1]):
        return True
    # pdftotext may read narrow justified columns in another order: then the first and the
    # last three words on their pages.
    words = text.split()
    return flat(" ".join(words[:3])) in pages[0] and flat(" ".join(words[-3:])) in pages[-1]


def sentences(seed: Path):
    body = " ".join(seed.read_text(encoding="utf-8").split("\n\n")[1:])
    words = " ".join(body.split())
    return [s.strip() for s in re.split(r"(?<=\. )", words) if s.strip()]


def fixtures():
    """The fixture table; see the module docs."""
    subprocess.run(["cargo", "build", "--release", "--locked"], cwd=REPO, check=True)
    folder = REPO / "tests/fixtures/pdf"
    table = [("one-column", "council"), ("two-column", "council"),
             ("long-two-column", "council"), ("latex-two-column", "council"),
             ("three-column", "council"), ("latex-three-column", "council"),
             ("encrypted", "council"), ("numbered", "council"), ("footnote", "footnote")]
    with tempfile.TemporaryDirectory() as d:
        ws = Path(d)
        (ws / "sources").mkdir()
        for name, _ in table:
            shutil.copy(folder / f"{name}.pdf", ws / "sources")
        (ws / "sourced.toml").write_text('sources = ["sources"]\n')
        print("| fixture | producer, layout | sentences | verified | across a page turn "
              "| pages right (pdftotext) |\n| --- | --- | --- | --- | --- | --- |")
        for name, seed in table:
            quotes = sentences(folder / "seeds" / f"{seed}.txt")
            if name == "footnote":
                quotes += sentences(folder / "seeds/footnote-note.txt") or [
                    (folder / "seeds/footnote-note.txt").read_text().strip()]
            note = "".join(f"“{q.rstrip('.')}” [@{name}].\n\n" for q in quotes)
            (ws / "n.md").write_text(note, encoding="utf-8")
            p = subprocess.run([str(BIN), "check", "n.md", "--format", "json"], cwd=ws,
                               capture_output=True, text=True)
            res = json.loads(p.stdout)["quotes"]
            verified = [r for r in res if r["status"] == "verified"
                        and r["source"]["path"] == f"sources/{name}.pdf"]
            turns = sum(1 for r in verified if r["source"]["page"] != r["source"]["end_page"])
            right = sum(1 for r in verified
                        if page_right(ws / r["source"]["path"], r["source"]["page"],
                                      r["source"]["end_page"], r["source"]["text"]))
            producer = "pdflatex" if name.startswith("latex") else "Chromium"
            layout = {"one-column": "1 column", "two-column": "2 columns",
                      "long-two-column": "2 columns, 8 copies",
                      "latex-two-column": "2 columns, a footnote across a page turn",
                      "three-column": "3 columns", "latex-three-column": "3 columns (multicol)",
                      "encrypted": "1 column, AES-256, empty password",
                      "numbered": "court filing: margin line numbers, filing stamp",
                      "footnote": "a footnote"}[name]
            print(f"| {name}.pdf | {producer}, {layout} | {len(res)} | {len(verified)} "
                  f"| {turns} | {right} |")


def main():
    if sys.argv[1:] == ["--fixtures"]:
        return fixtures()
    corpus = Path(sys.argv[1] if len(sys.argv) > 1 else "bench-data/100mb").resolve()
    subprocess.run(["cargo", "build", "--release", "--locked"], cwd=REPO, check=True)
    pdfs = make_pdfs(corpus)
    pdf_bytes = sum(p.stat().st_size for p in pdfs.glob("*.pdf"))
    txt_bytes = sum(p.stat().st_size for p in (corpus / "sources/sotu").glob("*.txt"))
    work = Path(tempfile.mkdtemp(prefix="sourced-documents-"))
    try:
        # 1. Extraction alone, each format.
        print("| step | figure |\n| --- | --- |")
        made = {"pdf": pdfs,
                "vtt": make_speeches(corpus, "vtt", vtt_of),
                "srt": make_speeches(corpus, "srt", srt_of),
                "docx": make_speeches(corpus, "docx", docx_of)}
        for ext, folder in made.items():
            alone = workspace(work / f"alone-{ext}", {"sotu": folder})
            runs = [fresh_index(alone) for _ in range(3)]
            took = statistics.median(r[0] for r in runs)
            size = sum(p.stat().st_size for p in folder.glob(f"*.{ext}"))
            warnings = [l for l in runs[0][2].splitlines() if "warning" in l]
            extra = ""
            if ext == "pdf":
                renditions = list((alone / ".sourced").rglob("renditions/**/*.pdf.txt"))
                pages = sum(sum(1 for l in r.open(encoding="utf-8") if l.startswith("[p. "))
                            for r in renditions)
                extra = f", {pages} pages, {pages / took:.0f} pages/s"
            print(f"| {ext}: 233 speeches, {size / 1e6:.1f} MB ({txt_bytes / 1e6:.1f} MB of text)"
                  f" | `sourced index`, fresh, median of 3: {took:.2f} s, "
                  f"{size / 1e6 / took:.2f} MB/s of {ext}{extra}, "
                  f"{txt_bytes / 1e6 / took:.2f} MB/s of text; peak RSS {runs[0][1]:.0f} MB; "
                  f"{len(warnings)} warnings |")
        # 2. The corpus build, as text and with the speeches as PDF.
        gen, seeds = corpus / "sources/generated", corpus / "sources/seeds"
        as_text = workspace(work / "text", {"generated": gen, "seeds": seeds,
                                            "sotu": corpus / "sources/sotu"})
        as_pdf = workspace(work / "pdf", {"generated": gen, "seeds": seeds, "sotu": pdfs})
        for name, ws in [("all text", as_text), ("a tenth as PDF", as_pdf)]:
            runs = [fresh_index(ws) for _ in range(3)]
            t = statistics.median(r[0] for r in runs)
            rss = max(r[1] for r in runs)
            print(f"| 100 MB corpus build, {name} (fresh, median of 3) | {t:.2f} s, "
                  f"peak RSS {rss:.0f} MB (parent and reader processes: `time -f %M` "
                  f"reports the largest) |")
        # 3. Verdicts: the corpus as text, with the speeches as PDF, and the speeches alone
        # in the other formats.
        quotes = [json.loads(l) for l in (corpus / "quotes.jsonl").open()]
        results = {}
        sets = [("text", as_text), ("pdf", as_pdf)] + [
            (ext, work / f"alone-{ext}") for ext in ("vtt", "srt", "docx")]
        for name, ws in sets:
            (ws / "quotes.md").write_text(note_of(quotes), encoding="utf-8")
            p = subprocess.run([str(BIN), "check", "quotes.md", "--format", "json"], cwd=ws,
                               capture_output=True, text=True)
            results[name] = json.loads(p.stdout)["quotes"]
            assert len(results[name]) == len(quotes), name
        names = [n for n, _ in sets]
        print("\n| kind | quotations | " + " | ".join(f"as expected, {n}" for n in names)
              + " | verified in a PDF | pages right (pdftotext) | verified across cues |")
        print("| --- " * (len(names) + 5) + "|")
        rows, total = {}, None
        for i, q in enumerate(quotes):
            row = rows.setdefault(q["kind"], [0] * (len(names) + 4))
            row[0] += 1
            for j, n in enumerate(names):
                row[1 + j] += results[n][i]["status"] == q["expected"]
            b = results["pdf"][i]
            src = b.get("source") or {}
            if b["status"] == "verified" and src.get("path", "").endswith(".pdf"):
                row[len(names) + 1] += 1
                row[len(names) + 2] += page_right(as_pdf / src["path"], src["page"],
                                                  src["end_page"], src["text"])
            v = results["vtt"][i]
            vs = v.get("source") or {}
            if v["status"] == "verified" and vs.get("time") != vs.get("end_time"):
                row[len(names) + 3] += 1
        for kind, row in rows.items():
            total = row if total is None else [a + b for a, b in zip(total, row)]
            print(f"| {kind} | " + " | ".join(map(str, row)) + " |")
        print("| **all** | " + " | ".join(map(str, total)) + " |")
        for n in names[1:]:
            for q, a, b in zip(quotes, results["text"], results[n]):
                if a["status"] != b["status"]:
                    print(f"differs: text {a['status']}, {n} {b['status']}: {q['quote']}",
                          file=sys.stderr)
        spans = sum(1 for b in results["pdf"]
                    if (b.get("source") or {}).get("page")
                    not in (None, (b.get("source") or {}).get("end_page")))
        print(f"\nquotations matched across a page break in a PDF: {spans}")
    finally:
        if not os.environ.get("KEEP"):
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
