// End-to-end test of the VS Code extension (editors/vscode) in a real VS Code: code-server
// with the .vsix installed, driven by Playwright in Debian's Chromium. Started by run.sh,
// which sets up the workspace and code-server; this script only drives the browser.
//
//   CODE_URL=http://127.0.0.1:PORT/?folder=WS SOURCED_WS=WS \
//   SOURCED_ARTIFACTS=DIR node tests/vscode/e2e.mjs
//
// Prints one `ok - …` / `not ok - …` line per check and a count; exits 1 if a check failed.
// A screenshot of each step goes to SOURCED_ARTIFACTS.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { chromium } from "playwright-core";

const url = must("CODE_URL");
const ws = must("SOURCED_WS");
const artifacts = must("SOURCED_ARTIFACTS");
const logs = must("CODE_LOGS");
const browserPath = process.env.CHROMIUM || "/usr/bin/chromium";
const slow = Number(process.env.E2E_TIMEOUT_SCALE || "1");
mkdirSync(artifacts, { recursive: true });

function must(name) {
  const v = process.env[name];
  if (!v) {
    console.error(`e2e.mjs: ${name} is not set (run tests/vscode/run.sh)`);
    process.exit(2);
  }
  return v;
}

let passed = 0;
let failed = 0;
let step = 0;
let page;

function check(name, ok, detail) {
  if (ok) {
    passed++;
    console.log(`ok - ${name}`);
  } else {
    failed++;
    console.log(`not ok - ${name}`);
    if (detail !== undefined) {
      const text = typeof detail === "string" ? detail : JSON.stringify(detail, null, 1);
      console.log(text.split("\n").map((l) => `#   ${l}`).join("\n").slice(0, 3000));
    }
  }
  return ok;
}

async function shot(name) {
  step++;
  const file = join(artifacts, `vscode-${String(step).padStart(2, "0")}-${name}.png`);
  try {
    await page.screenshot({ path: file });
  } catch (e) {
    console.log(`# screenshot ${file} failed: ${e.message}`);
  }
}

/** Poll `fn` until it returns a truthy value or `ms` pass; the last value either way. */
async function until(fn, ms, every = 200) {
  const end = Date.now() + ms * slow;
  let v;
  for (;;) {
    try {
      v = await fn();
    } catch (e) {
      v = undefined;
    }
    if (v || Date.now() > end) {
      return v;
    }
    await page.waitForTimeout(every);
  }
}

const text = (selector) =>
  page.evaluate((s) => [...document.querySelectorAll(s)].map((e) => e.innerText).join("\n"), selector);

/** The rows of the Problems panel: label text and aria-label (which names the severity). */
const problems = () =>
  page.evaluate(() =>
    [...document.querySelectorAll(".markers-panel .monaco-list-row")].map((r) => ({
      text: r.innerText.replace(/\s+/g, " ").trim(),
      aria: r.getAttribute("aria-label") || "",
      error: r.querySelector(".codicon-error") !== null,
      warning: r.querySelector(".codicon-warning") !== null,
    })),
  );

const statusBar = () => text(".statusbar");

/** The text of the extension's output channel ("Sourced"), as VS Code logs it on disk. */
function outputLog() {
  const found = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/Sourced\.log$/.test(e.name)) found.push(readFileSync(p, "utf8"));
    }
  };
  try {
    walk(logs);
  } catch {
    // not there yet
  }
  return found.join("\n");
}
const starts = () => (outputLog().match(/starting .* lsp \(/g) || []).length;

/** Run a command from the command palette by its title. */
async function palette(title) {
  await page.keyboard.press("Escape");
  await page.keyboard.press("F1");
  await page.waitForSelector(".quick-input-widget .quick-input-box input", { state: "visible" });
  await page.keyboard.type(title, { delay: 5 });
  const row = await until(async () => {
    const t = await text(".quick-input-widget .monaco-list-row.focused");
    return t.toLowerCase().includes(title.toLowerCase()) ? t : null;
  }, 10000);
  if (!row) {
    throw new Error(`command palette: no "${title}"`);
  }
  await page.keyboard.press("Enter");
}

/** Open a workspace file with Quick Open (Ctrl+P). */
async function openFile(name) {
  await page.keyboard.press("Escape");
  await page.keyboard.press("Control+P");
  await page.waitForSelector(".quick-input-widget .quick-input-box input", { state: "visible" });
  await page.keyboard.type(name, { delay: 5 });
  await until(async () => (await text(".quick-input-widget .monaco-list-row.focused")).includes(name), 10000);
  await page.keyboard.press("Enter");
  return until(async () => (await text(".tabs-container .tab.active")).includes(name), 10000);
}

/** Put the cursor at line:column (1-based) with Go to Line (Ctrl+G). */
async function goTo(line, column) {
  await page.keyboard.press("Escape");
  await page.keyboard.press("Control+G");
  await page.waitForSelector(".quick-input-widget .quick-input-box input", { state: "visible" });
  await page.keyboard.type(`${line}:${column}`, { delay: 5 });
  await page.keyboard.press("Enter");
  await until(async () => (await text("#status\\.editor\\.selection")).includes(`Ln ${line}, Col ${column}`), 5000);
}

/** Show the hover at the cursor (editor.action.showHover, Ctrl+K Ctrl+I) and return its text. */
async function hoverAt(line, column, expect) {
  await goTo(line, column);
  let last = "";
  const got = await until(
    async () => {
      last = await text(".monaco-editor .monaco-hover:not(.hidden)");
      if (last.includes(expect)) {
        return last;
      }
      await page.keyboard.press("Control+K");
      await page.keyboard.press("Control+I");
      await page.waitForTimeout(700);
      last = await text(".monaco-editor .monaco-hover:not(.hidden)");
      return last.includes(expect) ? last : null;
    },
    20000,
    300,
  );
  return got || last;
}

/** The height of the visible hover's content and of its frame (it scrolls when the first
 * is taller), or null when no hover shows. */
async function hoverHeights() {
  return page.evaluate(() => {
    const content = document.querySelector(".monaco-editor .monaco-hover:not(.hidden) .monaco-hover-content");
    const frame = content && content.closest(".monaco-scrollable-element");
    return content && frame ? { content: content.scrollHeight, frame: frame.clientHeight } : null;
  });
}

const note = readFileSync(join(ws, "note.md"), "utf8").split("\n");
/** 1-based line and column of the first `word` in note.md at or after `line`. */
function where(word, line) {
  for (let i = line - 1; i < note.length; i++) {
    const c = note[i].indexOf(word);
    if (c >= 0) {
      return [i + 1, c + 1 + Math.floor(word.length / 2)];
    }
  }
  throw new Error(`${word} is not in note.md`);
}

async function main() {
  const browser = await chromium.launch({
    executablePath: browserPath,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-dev-shm-usage",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1500, height: 950 } });
    page = await context.newPage();
    page.setDefaultTimeout(30000 * slow);
    await run();
  } catch (e) {
    check("the test ran to the end", false, e.stack || String(e));
    await shot("failure");
  } finally {
    await browser.close();
  }
}

async function run() {
  await page.goto(url);
  const loaded = await until(async () => (await page.$(".monaco-workbench .part.statusbar")) !== null, 90000, 500);
  if (!check("VS Code (code-server) loads the workspace", loaded)) {
    throw new Error("the workbench did not load");
  }
  // The explorer lists the workspace once the remote file system is up.
  await until(async () => (await text(".explorer-folders-view")).includes("note.md"), 30000);
  await shot("workbench");

  // 1. Open the note: the extension activates on Markdown and starts the server.
  check("Quick Open opens note.md", await openFile("note.md"));

  // 2. The status bar item: the index is ready with the 5 seeds.
  const status = await until(async () => {
    const t = await statusBar();
    return /sourced: 5 sources/.test(t) ? t : null;
  }, 60000);
  check("the status bar shows the ready index with 5 sources", status, await statusBar());
  // VS Code writes the output channel's log file asynchronously: wait for the line.
  const started = /starting \S+\/bin\/sourced lsp \(bundled\)/;
  const log = (await until(async () => {
    const l = outputLog();
    return started.test(l) ? l : null;
  }, 30000)) || outputLog();
  check("the extension started the server bundled in the .vsix", started.test(log), log);

  // 3. Squiggles in the editor: an error (fabricated quote) and a warning (altered number).
  const squiggles = await until(async () => {
    const s = await page.evaluate(() => ({
      error: document.querySelectorAll(".monaco-editor .squiggly-error").length,
      warning: document.querySelectorAll(".monaco-editor .squiggly-warning").length,
    }));
    return s.error > 0 && s.warning > 0 ? s : null;
  }, 60000);
  check("the editor shows an error squiggle and a warning squiggle", squiggles);
  await shot("squiggles");

  // 4. The Problems panel (Ctrl+Shift+M): the error on line 7 and the warning on line 5.
  await page.keyboard.press("Escape");
  await page.keyboard.press("Control+Shift+M");
  let rows = await until(async () => {
    const r = await problems();
    return r.some((x) => x.text.includes("not found")) && r.some((x) => x.text.includes("differs")) ? r : null;
  }, 30000);
  rows = rows || (await problems());
  const notFound = rows.find((r) => r.text.includes("quote not found in the 5 sources"));
  check(
    "Problems: the fabricated quote is an error at line 7",
    notFound && notFound.error && /\[Ln 7, Col 20\]/.test(notFound.text),
    rows,
  );
  // The first line says the verdict, the source's title and what differs.
  const mismatch = rows.find((r) => r.text.includes("quote differs from “Iraq Wants to Kick Out US Troops”: 2,500 → 5,000"));
  check(
    "Problems: the altered quote is a warning at line 5 naming the source's title and the change",
    mismatch && mismatch.warning && /\[Ln 5, Col 21\]/.test(mismatch.text),
    rows,
  );
  check(
    "Problems: every problem comes from sourced (VS Code's Markdown validation is off)",
    rows.filter((r) => r.error || r.warning).every((r) => / generated by sourced$/.test(r.aria)),
    rows,
  );
  await shot("problems");

  // 4b. VS Code pulls diagnostics from a server that offers them (LSP 3.17), so the server
  // pushes none: the client's trace (sourced.trace.server = "messages", set by run.sh) shows
  // textDocument/diagnostic requests and no publishDiagnostics. It also pulls the whole
  // workspace: the unopened other.md is in the Problems panel before any command.
  const pulledLog = (await until(async () => {
    const l = outputLog();
    return /Sending request 'textDocument\/diagnostic/.test(l) && /Sending request 'workspace\/diagnostic/.test(l) ? l : null;
  }, 30000)) || outputLog();
  check(
    "VS Code pulls the diagnostics (textDocument/diagnostic and workspace/diagnostic), none are pushed",
    /Sending request 'textDocument\/diagnostic/.test(pulledLog) &&
      /Sending request 'workspace\/diagnostic/.test(pulledLog) &&
      !/textDocument\/publishDiagnostics/.test(pulledLog),
    pulledLog.split("\n").filter((l) => /diagnostic/i.test(l)).slice(0, 40).join("\n"),
  );
  const pulledOther = await until(async () => {
    const r = await problems();
    return r.some((x) => x.text.includes("other.md")) && r.some((x) => x.text.includes("quote not found") && x.text.includes("[Ln 3,")) ? r : null;
  }, 30000);
  check("the workspace pull puts the problems of the unopened other.md in the Problems panel", pulledOther, await problems());

  // 5. Hover on the verified quote (line 3): the verdict and the source's title.
  await openFile("note.md");
  const [ql, qc] = where("attack", 3);
  const quoteHover = await hoverAt(ql, qc, "Iraq Wants to Kick Out US Troops");
  check(
    "hover on a verified quote shows the verdict and the source",
    /verified/i.test(quoteHover) && quoteHover.includes("Iraq Wants to Kick Out US Troops"),
    quoteHover,
  );
  await shot("hover-quote");

  // 5b. Hover on the altered quote (line 5): VS Code shows the diagnostic above the hover;
  // the hover adds the source's title and the difference as a coloured diff block, and does
  // not say the diagnostic's first line again.
  const diagnosticLine = "quote differs from “Iraq Wants to Kick Out US Troops”: 2,500 → 5,000";
  const [ml, mc] = where("5,000", 5);
  const mismatchHover = await hoverAt(ml, mc, "- The 2,500 troops");
  const times = mismatchHover.split(diagnosticLine).length - 1;
  check(
    "hover on an altered quote names the source's title and shows the diff block",
    mismatchHover.includes("Iraq Wants to Kick Out US Troops") &&
      mismatchHover.includes("- The 2,500 troops") &&
      mismatchHover.includes("+ The 5,000 troops"),
    mismatchHover,
  );
  check(
    "the hover does not repeat the diagnostic's message line (VS Code shows it once, above)",
    times <= 1,
    { times, mismatchHover },
  );
  // VS Code tokenizes a fenced `diff` block: `-` and `+` lines get different token classes.
  const tokenClasses = await page.evaluate(() => [
    ...new Set(
      [...document.querySelectorAll(".monaco-editor .monaco-hover:not(.hidden) [class*='mtk']")].flatMap((e) =>
        [...e.classList].filter((c) => /^mtk\d+$/.test(c)),
      ),
    ),
  ]);
  check("the diff block in the hover is coloured (two or more token colours)", tokenClasses.length >= 2, tokenClasses);
  // The card (the diagnostic and the hover together) fits without scrolling.
  const fit = await hoverHeights();
  check("the mismatch's hover card fits without scrolling", fit && fit.content <= fit.frame + 2, fit);
  await shot("hover-mismatch");

  // 6. Hover on an entity: the card of the Popular Mobilization Forces, with its other names.
  const [el, ec] = where("Mobilization", 3);
  const entityHover = await hoverAt(el, ec, "PMF");
  check(
    "hover on an entity shows its card (kind and aliases)",
    entityHover.includes("Popular Mobilization Forces") && /organi[sz]ation/i.test(entityHover) && entityHover.includes("PMF"),
    entityHover,
  );
  const entityFit = await hoverHeights();
  check("the entity card (a name inside a quotation) fits without scrolling", entityFit && entityFit.content <= entityFit.frame + 2, entityFit);
  await shot("hover-entity");

  // 6b. Completion after `[@` at the end of line 1: the rows show the seeds' titles (the
  // server's labelDetails), not only their hash-named keys. Undone afterwards.
  await goTo(1, note[0].length + 1);
  await page.keyboard.press("End");
  await page.keyboard.type(" [@", { delay: 30 });
  const suggestRows = () =>
    page.evaluate(() =>
      [...document.querySelectorAll(".suggest-widget .monaco-list-row")].map((r) => r.innerText.replace(/\s+/g, " ").trim()),
    );
  const suggestions = await until(async () => {
    let r = await suggestRows();
    if (!r.some((x) => x.includes("Iraq Wants to Kick Out US Troops"))) {
      await page.keyboard.press("Control+Space");
      await page.waitForTimeout(500);
      r = await suggestRows();
    }
    return r.some((x) => x.includes("Iraq Wants to Kick Out US Troops")) ? r : null;
  }, 20000, 500);
  const rowsShown = suggestions || (await suggestRows());
  check(
    "completion after [@ lists the seeds with their titles in the rows",
    ["Iraq Wants to Kick Out US Troops", "The US Is Occupying Iraq For A Second Time"].every((t) =>
      rowsShown.some((x) => x.includes(t)),
    ) && rowsShown.some((x) => x.includes("003_0afb694efec83e04")),
    rowsShown,
  );
  await shot("completion");
  await page.keyboard.press("Escape");
  // Undo the typing (auto-closed brackets may take more than one step).
  const typedGone = await until(async () => {
    const lines = await text(".monaco-editor .view-lines");
    if (!lines.includes("[@")) {
      return true;
    }
    await page.keyboard.press("Control+Z");
    await page.waitForTimeout(200);
    return false;
  }, 10000, 200);
  check("the typed [@ is undone", typedGone, await text(".monaco-editor .view-lines"));

  // 7. F12 on the quote: the source file opens at the quoted line (9).
  await page.keyboard.press("Escape");
  await goTo(ql, qc);
  await page.keyboard.press("F12");
  let landed = { tab: "", pos: "" };
  await until(async () => {
    landed = { tab: await text(".tabs-container .tab.active"), pos: await text("#status\\.editor\\.selection") };
    return landed.tab.includes("003_0afb694efec83e04.txt") && /Ln 9,/.test(landed.pos);
  }, 15000);
  check("F12 on a quote opens its source file", landed.tab.includes("003_0afb694efec83e04.txt"), landed);
  check("F12 lands on the quoted line (Ln 9)", /Ln 9,/.test(landed.pos), landed);
  await shot("definition");

  // 8. Show Index Status: a message with the counts.
  await palette("Sourced: Show Index Status");
  const toast = await until(async () => {
    const t = await text(".notifications-toasts .notification-toast");
    return t.includes("5 sources") ? t : null;
  }, 10000);
  check("Show Index Status reports 5 sources", toast, await text(".notifications-toasts"));
  await shot("index-status");
  await page.keyboard.press("Escape");
  await palette("Notifications: Clear All Notifications").catch(() => {});

  // 9. Check All Notes: the unopened other.md gets its problem in the Problems panel.
  await palette("Sourced: Check All Notes in Workspace");
  const other = await until(async () => {
    const r = await problems();
    return r.some((x) => x.text.includes("other.md")) && r.some((x) => x.text.includes("quote not found") && x.text.includes("[Ln 3,")) ? r : null;
  }, 60000);
  check("Check All Notes puts the problems of an unopened note in the Problems panel", other, await problems());
  const summary = await until(async () => {
    const t = await text(".notifications-toasts .notification-toast");
    return /checked \d+ notes?/.test(t) ? t : null;
  }, 10000);
  check("Check All Notes reports what it checked", summary && /checked 2 notes/.test(summary), summary);
  await shot("check-workspace");
  await palette("Notifications: Clear All Notifications").catch(() => {});

  // 10. A setting changes without a reload: sourced.severity.mismatch = "off" in the
  // workspace's .vscode/settings.json removes the warning; the error stays.
  await openFile("note.md");
  mkdirSync(join(ws, ".vscode"), { recursive: true });
  writeFileSync(join(ws, ".vscode", "settings.json"), JSON.stringify({ "sourced.severity.mismatch": "off" }, null, 2));
  const gone = await until(async () => {
    const r = await problems();
    const w = await page.evaluate(() => document.querySelectorAll(".monaco-editor .squiggly-warning").length);
    return w === 0 && !r.some((x) => x.text.includes("differs")) && r.some((x) => x.text.includes("not found")) ? r : null;
  }, 30000);
  check('setting sourced.severity.mismatch to "off" removes the warning without a reload', gone, await problems());
  await shot("setting-changed");

  // 11. Restart Server: a new server process, which comes back with its index and the
  // diagnostics.
  const before = starts();
  await palette("Sourced: Restart Server");
  const back = await until(async () => {
    const t = await statusBar();
    const e = await page.evaluate(() => document.querySelectorAll(".monaco-editor .squiggly-error").length);
    return starts() > before && /sourced: 5 sources/.test(t) && e > 0 ? t : null;
  }, 60000);
  check("Restart Server starts a new server, back with its index and diagnostics", back, {
    status: await statusBar(),
    starts: `${before} -> ${starts()}`,
  });
  await shot("restarted");

  // 12. A start without configuration: a second folder with only a note (no sourced.toml, no
  // seeds/), opened in a new window of the same code-server. No quotation is reported as not
  // found; the status bar is a warning ("no sources"), never "✓ … 0 sources"; the note's one
  // diagnostic and a message say that no sources are configured.
  const bare = join(dirname(ws), "bare");
  mkdirSync(bare, { recursive: true });
  writeFileSync(
    join(bare, "note.md"),
    "# Notes\n\nA fabricated one: \u201cThe Martian ambassador praised the excellent cheese of the lunar republic\u201d.\n",
  );
  const first = page;
  page = await first.context().newPage();
  page.setDefaultTimeout(30000 * slow);
  await first.close();
  await page.goto(url.replace(/\?folder=[^&]*/, `?folder=${bare}`));
  const bareLoaded = await until(async () => (await page.$(".monaco-workbench .part.statusbar")) !== null, 90000, 500);
  check("VS Code opens a folder with only a note", bareLoaded);
  await until(async () => (await text(".explorer-folders-view")).includes("note.md"), 30000);
  check("Quick Open opens the note of the folder without sources", await openFile("note.md"));
  /** The sourced status bar item: its text and whether it shows the check or the warning icon. */
  const sourcedItem = () =>
    page.evaluate(() => {
      const item = [...document.querySelectorAll(".statusbar-item")].find((e) => /sourced/.test(e.innerText));
      return item
        ? {
            text: item.innerText.trim(),
            check: item.querySelector(".codicon-check") !== null,
            warning: item.querySelector(".codicon-warning") !== null,
            classes: item.className,
          }
        : null;
    });
  const noSourcesItem = await until(async () => {
    const i = await sourcedItem();
    return i && /no sources/.test(i.text) ? i : null;
  }, 60000);
  const item = noSourcesItem || (await sourcedItem());
  check(
    'the status bar says "sourced: no sources" with the warning icon, not "✓ … 0 sources"',
    item && /sourced: no sources/.test(item.text) && item.warning && !item.check && !/0 sources/.test(item.text),
    item,
  );
  await page.keyboard.press("Escape");
  await page.keyboard.press("Control+Shift+M");
  const told = await until(async () => {
    const r = await problems();
    return r.some((x) => x.text.includes("no sources configured")) ? r : null;
  }, 30000);
  const bareRows = told || (await problems());
  check(
    "Problems: one information diagnostic says that no sources are configured",
    bareRows.filter((r) => r.text.includes("no sources configured")).length === 1 &&
      bareRows.every((r) => !r.error && !r.warning),
    bareRows,
  );
  check(
    'Problems: no quotation is reported as "quote not found"',
    bareRows.every((r) => !r.text.includes("not found")),
    bareRows,
  );
  // The message, once, with its action (a toast, or in the notification center once the
  // toast is hidden).
  let message = await until(async () => {
    const t = await text(".notifications-toasts .notification-toast");
    return t.includes("no sources configured") ? t : null;
  }, 15000);
  if (!message) {
    await palette("Notifications: Show Notifications").catch(() => {});
    message = await until(async () => {
      const t = await text(".notifications-center");
      return t.includes("no sources configured") ? t : null;
    }, 10000);
  }
  check(
    'a message says that no sources are configured, with "Create sourced.toml…"',
    message && message.includes("Create sourced.toml"),
    message || (await text(".notifications-toasts, .notifications-center")),
  );
  check(
    "no message says a source file could not be indexed",
    !/could not be indexed/.test(await text(".notifications-toasts, .notifications-center")),
  );
  await shot("no-sources");
}

await main();
console.log(`vscode: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
