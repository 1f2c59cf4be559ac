// The e2e harness: a static server for dist/, the CLI for expected values, helpers on a page,
// and the test registry. Spec files in ./specs/ import from here and call `test(name, fn)`.
//
// Serves dist/ itself (a tiny static server on a free localhost port, at / and at a subpath),
// drives headless Chromium (/usr/bin/chromium, or $CHROMIUM) through playwright-core, and
// compares what the page shows with what the native CLI reports for the same input
// (target/debug/faultline, built if missing). Screenshots go to ./screenshots/.
// Exits nonzero if any test fails, after a summary.

import { createServer } from 'node:http';
import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const HERE = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(HERE, '../..');
export const DIST = path.join(ROOT, 'dist');
export const DEMO = path.join(ROOT, 'tests/fixtures/demo');
export const SHOTS = path.join(HERE, 'screenshots');
export const SUBPATH = '/some/sub/path/';
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const TIMEOUT = 60_000;

// ---------------------------------------------------------------- the CLI, for expected values

export function cliBinary() {
  // Always (re)build: a stale binary from before a merge would make the expected values wrong.
  // Cargo returns at once when it is up to date.
  execFileSync('cargo', ['build', '--quiet', '--bin', 'faultline'], { cwd: ROOT, stdio: 'inherit' });
  return path.join(ROOT, 'target/debug/faultline');
}

export const CLI = cliBinary();

/** The CLI's report for `paths` (or for `stdin` bytes when paths is ['-']). */
export function cliReport(paths, stdin) {
  const out = execFileSync(CLI, ['analyze', '--json', ...paths], {
    cwd: ROOT,
    input: stdin,
    maxBuffer: 256 << 20,
  });
  return JSON.parse(out.toString('utf8'));
}

/**
 * The root cause's class as the report spells it in words ("database pool exhaustion", "TLS
 * expiry"), read from the CLI's statement "<Class words> in <service>, first seen at ...", in
 * lower case: the page writes the same words (report::class_words).
 */
export function classWords(report) {
  const rc = report.root_cause;
  const s = rc.statement;
  const cut = rc.service ? s.indexOf(` in ${rc.service}`) : s.indexOf(',');
  return (cut > 0 ? s.slice(0, cut) : s).toLowerCase();
}

/** Writes `bytes` to a temp file named `name` and returns the CLI's report for it. */
export function cliReportForFile(name, bytes) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-e2e-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  try {
    return cliReport([file]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- a static server for dist/

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/** Serves dist/ at / and at SUBPATH. `hooks.fail(urlPath)` may answer 500 to test failures. */
export function serve(hooks) {
  const server = createServer((req, res) => {
    let p = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (p.startsWith(SUBPATH)) p = '/' + p.slice(SUBPATH.length);
    else if (p + '/' === SUBPATH) {
      res.writeHead(301, { Location: SUBPATH });
      return res.end();
    }
    if (p.endsWith('/')) p += 'index.html';
    if (hooks.fail && hooks.fail(p)) {
      res.writeHead(500, { 'Content-Type': 'text/plain' });
      return res.end('injected failure');
    }
    const file = path.join(DIST, path.normalize(p));
    if (!file.startsWith(DIST + path.sep) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      return res.end('not found');
    }
    res.writeHead(200, {
      'Content-Type': MIME[path.extname(file)] || 'application/octet-stream',
      'Cache-Control': 'no-store',
    });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// ---------------------------------------------------------------- helpers on a page

export async function waitIdle(page) {
  await page.waitForSelector('[data-testid="progress"][data-state="idle"]', { timeout: TIMEOUT });
}

export async function text(page, testid) {
  return (await page.locator(`[data-testid="${testid}"]`).innerText()).trim();
}

export async function number(page, testid) {
  return Number(await text(page, testid));
}

/** Rows of a count table as [{name, events}]. */
export async function countRows(page, testid) {
  return page.$$eval(`[data-testid="${testid}"] tbody tr`, (rows) =>
    rows.map((r) => ({ name: r.cells[0].textContent, events: Number(r.cells[1].textContent) })),
  );
}

/** Waits until the page shows a report whose line count is `lines`. */
export async function waitForLines(page, lines) {
  await page.waitForFunction(
    (n) => {
      const el = document.querySelector('[data-testid="input-lines"]');
      const st = document.querySelector('[data-testid="progress"]');
      return el && st && st.dataset.state === 'idle' && Number(el.textContent) === n;
    },
    lines,
    { timeout: TIMEOUT },
  );
}

/** Polls a Node-side condition (e.g. the list of workers) until it holds. */
export async function until(cond, what, ms = 10_000) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

export function assertEq(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what}: expected ${e}, got ${a}`);
}

/** The page's input facts equal the CLI's report. */
export async function assertFactsMatch(page, report, what) {
  assertEq(await number(page, 'input-lines'), report.input.lines, `${what}: lines`);
  assertEq(await number(page, 'input-events'), report.input.events, `${what}: events`);
  assertEq(await number(page, 'input-unparsed'), report.input.unparsed_lines, `${what}: unparsed lines`);
  assertEq(await number(page, 'input-timestamped'), report.input.timestamped_events, `${what}: timestamped events`);
  assertEq(await countRows(page, 'formats'), report.input.formats, `${what}: formats`);
  assertEq(await countRows(page, 'levels'), report.input.levels, `${what}: levels`);
  assertEq(await countRows(page, 'services'), report.input.services, `${what}: services`);
  const shown = await page.locator('[data-testid="templates"] li').count();
  assertEq(shown, Math.min(report.templates.length, 50), `${what}: templates listed`);
}

export async function paste(page, body) {
  await page.locator('[data-testid="paste"]').fill(body);
  await page.locator('[data-testid="analyze"]').click();
}

// ---------------------------------------------------------------- the registry

export const tests = [];

/**
 * Registers a test. `fn({page, origin, requests, consoleErrors, hooks})` runs on a fresh page.
 * `opts.allowOrigins(origin)` may return extra origins the test may contact (a local LLM
 * endpoint); every other request must go to the page's own origin.
 */
export function test(name, fn, opts = {}) {
  tests.push({ name, fn, opts });
}
