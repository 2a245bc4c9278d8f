// The HTML report (`sourced check --format html`) in Debian's Chromium, driven by Playwright:
// opened from disk (file://), it loads nothing else, shows the counts by verdict, the word diff
// and the source links, and its verdict filters work from the keyboard; printed, and with
// JavaScript off, every row shows. Started by run.sh on a report of examples/notes.md:
//
//   sourced check --format html examples/notes.md > WS/report.html
//   SOURCED_ARTIFACTS=DIR node tests/vscode/report.mjs WS/report.html
//
// The report must sit in the folder it was made in (its links to the notes and sources are
// relative to it). Prints one `ok - …` / `not ok - …` line per check and a count; exits 1 if
// a check failed. Screenshots: report-01-page.png, report-02-filtered.png in
// ${SOURCED_ARTIFACTS:-tests/vscode/artifacts}.
import { existsSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const report = process.argv[2];
if (!report || !existsSync(report)) {
  console.error("usage: node tests/vscode/report.mjs REPORT.html");
  process.exit(2);
}
const reportUrl = pathToFileURL(resolve(report)).href;
const artifacts = process.env.SOURCED_ARTIFACTS || join(here, "artifacts");
const browserPath = process.env.CHROMIUM || "/usr/bin/chromium";
mkdirSync(artifacts, { recursive: true });

// What examples/notes.md gets against the seeds (as tests/cli.rs says for the JSON).
const COUNTS = {
  verified: 7,
  mismatch: 3,
  "not found": 1,
  misattributed: 1,
  "wrong speaker": 0,
  "too long": 0,
  "unknown citation": 0,
};
const ROWS = 12;

let passed = 0;
let failed = 0;

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

const launchArgs = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];

/** A page that records every request and lets through only the report itself. */
async function openReport(browser, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, ...options });
  const requests = [];
  const violations = [];
  context.on("request", (r) => requests.push(r.url()));
  await context.route("**/*", (route) =>
    route.request().url() === reportUrl ? route.continue() : route.abort(),
  );
  const page = await context.newPage();
  page.on("console", (m) => {
    if (m.type() === "error") violations.push(m.text());
  });
  page.on("pageerror", (e) => violations.push(String(e)));
  await page.goto(reportUrl);
  return { context, page, requests, violations };
}

const visibleCount = (page, selector) =>
  page.$$eval(selector, (els) => els.filter((e) => e.checkVisibility()).length);

/** Press Tab until the filter button `id` has the focus (at most 40 times); whether it has. */
async function tabTo(page, id) {
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press("Tab");
    if ((await page.evaluate(() => document.activeElement?.dataset?.filter)) === id) return true;
  }
  return false;
}

async function main() {
  const browser = await chromium.launch({ executablePath: browserPath, headless: true, args: launchArgs });
  try {
    await withScript(browser);
    await withoutScript(browser);
  } catch (e) {
    check("the test ran to the end", false, e.stack || String(e));
  } finally {
    await browser.close();
  }
  console.log(`# report: ${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

async function withScript(browser) {
  const { context, page, requests, violations } = await openReport(browser);

  const counts = await page.$$eval(".summary li", (lis) =>
    Object.fromEntries(lis.map((li) => [li.querySelector(".badge").innerText.trim(), Number(li.querySelector(".n").innerText)])),
  );
  check("the summary shows the count of each verdict", JSON.stringify(counts) === JSON.stringify(COUNTS), counts);
  check("every quotation is a row, all shown", (await visibleCount(page, ".row")) === ROWS);
  check("the live count says all rows show", (await page.innerText("#shown")) === `Showing ${ROWS} of ${ROWS} rows`,
    await page.innerText("#shown"));

  const del = page.locator("del", { hasText: "2,500" });
  const ins = page.locator("ins", { hasText: "5,000" });
  check("the word diff shows the source's 2,500 struck and the note's 5,000", (await del.isVisible()) && (await ins.isVisible()));
  const delStyle = await del.evaluate((e) => getComputedStyle(e).textDecorationLine);
  check("deleted words are struck through, not only coloured", delStyle.includes("line-through"), delStyle);
  check("the source is named by its title",
    await page.locator(".source a", { hasText: "Iraq Wants to Kick Out US Troops" }).first().isVisible());
  check("the matched words are marked in the source passage",
    await page.locator("mark", { hasText: "The 2,500 troops who remain the country" }).isVisible());

  const hrefs = await page.$$eval("a[href]", (as) => as.map((a) => a.href));
  const missing = hrefs.filter((h) => !h.startsWith("file://") || !existsSync(fileURLToPath(h)));
  check("every link is to a file that exists (notes and sources)", hrefs.length > 0 && missing.length === 0, missing);
  check("the sources are linked",
    hrefs.some((h) => h.endsWith("/seeds/003_0afb694efec83e04.txt")) && hrefs.some((h) => h.endsWith("/seeds/000_3ed32749fd57da32.txt")),
    hrefs);

  await page.screenshot({ path: join(artifacts, "report-01-page.png"), fullPage: true });

  // Keyboard only: Tab to the "verified" filter, Space switches it off.
  check("Tab reaches the verified filter", await tabTo(page, "verified"));
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineWidth);
  check("the focused filter has a visible focus ring", outline === "3px", outline);
  await page.keyboard.press("Space");
  const pressed = await page.getAttribute('button[data-filter="verified"]', "aria-pressed");
  check("Space switches the filter off (aria-pressed=false)", pressed === "false", pressed);
  check("the verified rows are hidden", (await visibleCount(page, '.row[data-verdict="verified"]')) === 0);
  check("the other rows still show", (await visibleCount(page, ".row")) === ROWS - COUNTS.verified);
  check("the live count says how many show", (await page.innerText("#shown")) === `Showing ${ROWS - COUNTS.verified} of ${ROWS} rows`,
    await page.innerText("#shown"));
  await page.screenshot({ path: join(artifacts, "report-02-filtered.png"), fullPage: true });

  await page.emulateMedia({ media: "print" });
  check("printed, the filtered rows show all the same", (await visibleCount(page, ".row")) === ROWS);
  check("printed, the passages of verified rows (closed on screen) show",
    (await visibleCount(page, '.row[data-verdict="verified"] .passage')) === COUNTS.verified);
  check("printed, the filters do not show", !(await page.isVisible("#filters")));
  await page.emulateMedia({ media: "screen" });

  // The full-page screenshot took the focus away: Tab back to the filter, Enter switches it on.
  await page.evaluate(() => window.scrollTo(0, 0));
  check("Tab reaches the verified filter again", await tabTo(page, "verified"));
  await page.keyboard.press("Enter");
  check("Enter switches the filter on again", (await visibleCount(page, '.row[data-verdict="verified"]')) === COUNTS.verified);

  check("the page loaded nothing but itself", requests.length > 0 && requests.every((u) => u === reportUrl), requests);
  check("no script error and no blocked resource (Content Security Policy)", violations.length === 0, violations);
  await context.close();
}

async function withoutScript(browser) {
  const { context, page, requests } = await openReport(browser, { javaScriptEnabled: false });
  check("without JavaScript every row shows", (await visibleCount(page, ".row")) === ROWS);
  check("without JavaScript the filters, which would not work, do not show", !(await page.isVisible("#filters")));
  check("without JavaScript too the page loaded nothing but itself", requests.every((u) => u === reportUrl), requests);
  await context.close();
}

await main();
