// End-to-end tests of the page, against the release build in ../../dist.
//
//   (cd tests/e2e && node run.mjs)          # scripts/test.sh runs exactly this
//
// Serves dist/ itself (a tiny static server on a free localhost port, at / and at a subpath),
// drives headless Chromium (/usr/bin/chromium, or $CHROMIUM) through playwright-core, and
// compares what the page shows with what the native CLI reports for the same input
// (target/debug/faultline, built if missing). Screenshots go to ./screenshots/.
// Exits nonzero if any test fails, after a summary.

import { chromium } from 'playwright-core';
import { createServer } from 'node:http';
import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
const DIST = path.join(ROOT, 'dist');
const DEMO = path.join(ROOT, 'tests/fixtures/demo');
const SHOTS = path.join(HERE, 'screenshots');
const SUBPATH = '/some/sub/path/';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const TIMEOUT = 60_000;

// ---------------------------------------------------------------- the CLI, for expected values

function cliBinary() {
  const bin = path.join(ROOT, 'target/debug/faultline');
  if (!fs.existsSync(bin)) {
    console.log('building the CLI for expected values (cargo build --bin faultline)');
    execFileSync('cargo', ['build', '--quiet', '--bin', 'faultline'], { cwd: ROOT, stdio: 'inherit' });
  }
  return bin;
}

const CLI = cliBinary();

/** The CLI's report for `paths` (or for `stdin` bytes when paths is ['-']). */
function cliReport(paths, stdin) {
  const out = execFileSync(CLI, ['analyze', '--json', ...paths], {
    cwd: ROOT,
    input: stdin,
    maxBuffer: 256 << 20,
  });
  return JSON.parse(out.toString('utf8'));
}

/** Writes `bytes` to a temp file named `name` and returns the CLI's report for it. */
function cliReportForFile(name, bytes) {
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
function serve(hooks) {
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

async function waitIdle(page) {
  await page.waitForSelector('[data-testid="progress"][data-state="idle"]', { timeout: TIMEOUT });
}

async function text(page, testid) {
  return (await page.locator(`[data-testid="${testid}"]`).innerText()).trim();
}

async function number(page, testid) {
  return Number(await text(page, testid));
}

/** Rows of a count table as [{name, events}]. */
async function countRows(page, testid) {
  return page.$$eval(`[data-testid="${testid}"] tbody tr`, (rows) =>
    rows.map((r) => ({ name: r.cells[0].textContent, events: Number(r.cells[1].textContent) })),
  );
}

/** Waits until the page shows a report whose line count is `lines`. */
async function waitForLines(page, lines) {
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
async function until(cond, what, ms = 10_000) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

function assertEq(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what}: expected ${e}, got ${a}`);
}

/** The page's input facts equal the CLI's report. */
async function assertFactsMatch(page, report, what) {
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

async function paste(page, body) {
  await page.locator('[data-testid="paste"]').fill(body);
  await page.locator('[data-testid="analyze"]').click();
}

// ---------------------------------------------------------------- the tests

const tests = [];
const test = (name, fn) => tests.push({ name, fn });

const demoReport = cliReport([path.relative(ROOT, DEMO)]);

test('demo incident is analyzed on open, counts equal the CLI', async ({ page, origin }) => {
  await page.goto(origin + '/');
  await waitForLines(page, demoReport.input.lines);
  await assertFactsMatch(page, demoReport, 'demo');
  assert(demoReport.input.lines > 100, 'the demo fixture should be a real incident (>100 lines)');
  const files = await page.locator('[data-testid="files"] tbody tr').count();
  assertEq(files, demoReport.input.files.length, 'demo: files listed');
});

test('the engine runs in a Web Worker', async ({ page, origin }) => {
  await page.goto(origin + '/');
  await waitIdle(page);
  const urls = page.workers().map((w) => w.url());
  assert(urls.some((u) => u.endsWith('/faultline-worker_loader.js')), `no engine worker; workers: ${JSON.stringify(urls)}`);
});

test('headline shows the engine root cause and severity (or "not yet determined")', async ({ page, origin }) => {
  await page.goto(origin + '/');
  await waitForLines(page, demoReport.input.lines);
  const sev = await text(page, 'severity');
  const cause = await text(page, 'root-cause');
  if (demoReport.severity == null) assertEq(sev, 'not yet determined', 'severity');
  else assertEq(sev, demoReport.severity, 'severity');
  if (demoReport.root_cause.failure_class === 'unknown') assertEq(cause, 'not yet determined', 'root cause');
  else assert(cause.includes(demoReport.root_cause.failure_class.replace(/_/g, ' ')), `root cause: ${cause}`);
});

test('pasted text is analyzed and the counts change', async ({ page, origin }) => {
  await page.goto(origin + '/');
  await waitForLines(page, demoReport.input.lines);
  const body = [
    '2024-05-01T10:00:00Z INFO api started',
    '2024-05-01T10:00:01Z WARN api pool at 90%',
    '2024-05-01T10:00:02Z ERROR api pool exhausted',
    'not a log line at all',
    '2024-05-01T10:00:03Z ERROR api pool exhausted',
  ].join('\n') + '\n';
  const expected = cliReport(['-'], Buffer.from(body));
  assert(expected.input.lines !== demoReport.input.lines, 'the paste must differ from the demo');
  await paste(page, body);
  await waitForLines(page, expected.input.lines);
  await assertFactsMatch(page, expected, 'paste');
});

test('a picked .gz file is inflated and analyzed', async ({ page, origin }) => {
  await page.goto(origin + '/');
  await waitForLines(page, demoReport.input.lines);
  const orders = fs.readFileSync(path.join(DEMO, 'orders-api.log'));
  const gz = gzipSync(orders);
  const expected = cliReportForFile('orders-api.log.gz', gz);
  await page.locator('[data-testid="file-input"]').setInputFiles({
    name: 'orders-api.log.gz',
    mimeType: 'application/gzip',
    buffer: gz,
  });
  await waitForLines(page, expected.input.lines);
  await assertFactsMatch(page, expected, 'gzip pick');
  const fileCell = await page.locator('[data-testid="files"] tbody tr td').first().innerText();
  assert(fileCell.includes('gzip'), `the files table should say gzip, got ${fileCell}`);
});

test('dropped files (several, one gzipped) are analyzed together', async ({ page, origin }) => {
  await page.goto(origin + '/');
  await waitForLines(page, demoReport.input.lines);
  const a = fs.readFileSync(path.join(DEMO, 'postgres.log'));
  const b = gzipSync(fs.readFileSync(path.join(DEMO, 'k8s-events.log')));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-e2e-'));
  fs.writeFileSync(path.join(dir, 'a-postgres.log'), a);
  fs.writeFileSync(path.join(dir, 'b-k8s.log.gz'), b);
  const expected = cliReport([dir]);
  fs.rmSync(dir, { recursive: true, force: true });
  const dataTransfer = await page.evaluateHandle(
    ([a, b]) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(a)], 'a-postgres.log'));
      dt.items.add(new File([new Uint8Array(b)], 'b-k8s.log.gz'));
      return dt;
    },
    [[...a], [...b]],
  );
  await page.dispatchEvent('[data-testid="drop-zone"]', 'dragover', { dataTransfer });
  await page.dispatchEvent('[data-testid="drop-zone"]', 'drop', { dataTransfer });
  await waitForLines(page, expected.input.lines);
  await assertFactsMatch(page, expected, 'drop');
});

test('an empty paste shows a clear error, not a panic', async ({ page, origin, consoleErrors }) => {
  await page.goto(origin + '/');
  await waitForLines(page, demoReport.input.lines);
  await paste(page, '');
  await page.waitForSelector('[data-testid="error"]', { timeout: TIMEOUT });
  const msg = await text(page, 'error');
  assert(/no log lines|empty/i.test(msg), `unclear error message: ${msg}`);
  // The engine is still alive: a real paste works afterwards and clears the error.
  await paste(page, '2024-05-01T10:00:00Z ERROR api down\n');
  await waitForLines(page, 1);
  assertEq(await page.locator('[data-testid="error"]').count(), 0, 'error cleared');
  assert(!consoleErrors.some((e) => /panic/i.test(e)), `panic in console: ${consoleErrors.join('\n')}`);
});

test('a file over the size limit gets a clear message and nothing is lost', async ({ page, origin }) => {
  // The limit is lowered through the page URL so the test needs only a 2 MB file.
  await page.goto(origin + '/?max_input_mb=1');
  await waitForLines(page, demoReport.input.lines);
  const big = Buffer.alloc(2_000_000, '2024-05-01T10:00:00Z INFO api ok\n');
  await page.setInputFiles('[data-testid="file-input"]', { name: 'huge.log', mimeType: 'text/plain', buffer: big });
  await page.waitForSelector('[data-testid="error"]', { timeout: TIMEOUT });
  const msg = await text(page, 'error');
  assert(/huge\.log is 2 MB/.test(msg), `message names the file and its size: ${msg}`);
  assert(/split|CLI|command-line|time window/i.test(msg), `message says what to do: ${msg}`);
  // The previous report is still there.
  assertEq(await number(page, 'input-lines'), demoReport.input.lines, 'demo report kept');
});

test('markup in log lines renders inert', async ({ page, origin }) => {
  let dialogs = 0;
  page.on('dialog', async (d) => {
    dialogs += 1;
    await d.dismiss();
  });
  await page.goto(origin + '/');
  await waitForLines(page, demoReport.input.lines);
  const before = await page.evaluate(() => document.querySelectorAll('script').length);
  const body = [
    '2024-05-01T10:00:00Z ERROR web <script>alert("xss")</script>',
    '2024-05-01T10:00:01Z ERROR web <img src=x onerror=alert(1)>',
    '{"ts":"2024-05-01T10:00:02Z","level":"error","service":"<b>svc</b>","msg":"<iframe src=javascript:alert(2)>"}',
  ].join('\n') + '\n';
  await paste(page, body);
  await waitForLines(page, 3);
  await page.waitForTimeout(300);
  assertEq(dialogs, 0, 'dialogs opened');
  const injected = await page.evaluate(() => ({
    img: document.querySelectorAll('img').length,
    iframe: document.querySelectorAll('iframe').length,
    b: document.querySelectorAll('main b').length,
    scripts: document.querySelectorAll('script').length,
  }));
  assertEq(injected, { img: 0, iframe: 0, b: 0, scripts: before }, 'elements injected');
  const templates = await text(page, 'templates');
  assert(templates.includes('<script>') || templates.includes('<img'), `markup should show as text: ${templates}`);
});

test('cancel terminates a long analysis and a fresh worker takes over', async ({ page, origin }) => {
  await page.goto(origin + '/');
  await waitForLines(page, demoReport.input.lines);
  const before = page.workers().length;
  // ~60 MB of lines keeps the engine busy long enough to cancel.
  const line = '2024-05-01T10:00:00Z INFO api request served in 12ms user=42 path=/v1/orders/123\n';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-e2e-'));
  const big = path.join(dir, 'big.log');
  fs.writeFileSync(big, line.repeat(Math.ceil((60 << 20) / line.length)));
  await page.locator('[data-testid="file-input"]').setInputFiles(big);
  await page.waitForSelector('[data-testid="cancel"]:not([disabled])', { timeout: TIMEOUT });
  await page.locator('[data-testid="cancel"]').click();
  await waitIdle(page);
  const note = await text(page, 'progress');
  assert(/cancel/i.test(note), `progress should say cancelled: ${note}`);
  await until(() => page.workers().length === before, 'the cancelled worker to be gone');
  assertEq(await number(page, 'input-lines'), demoReport.input.lines, 'the previous report stays');
  // The page reads the file lazily: remove it only once the worker has it.
  fs.rmSync(dir, { recursive: true, force: true });
  await paste(page, '2024-05-01T10:00:00Z ERROR api down\n2024-05-01T10:00:01Z ERROR api down\n');
  await waitForLines(page, 2);
});

test('a worker that crashes is reported and replaced by a fresh one', async ({ page, origin }) => {
  await page.goto(origin + '/');
  await waitForLines(page, demoReport.input.lines);
  const [worker] = page.workers();
  assert(worker, 'no worker');
  // An uncaught error inside the worker, as a panic in the engine would raise.
  await worker.evaluate(() => setTimeout(() => { throw new Error('simulated engine crash'); }, 0));
  await page.waitForSelector('[data-testid="error"]', { timeout: TIMEOUT });
  const msg = await text(page, 'error');
  assert(/engine failed/i.test(msg) && /fresh engine/i.test(msg), `unclear crash message: ${msg}`);
  await waitIdle(page);
  await until(() => page.workers().length === 1, 'exactly one engine worker after the crash');
  assert(page.workers()[0] !== worker, 'the crashed worker was replaced');
  await paste(page, '2024-05-01T10:00:00Z ERROR api down\n');
  await waitForLines(page, 1);
});

test('a worker that fails to start is retried', async ({ page, origin, hooks }) => {
  let failed = 0;
  hooks.fail = (p) => p === '/faultline-worker_loader.js' && failed++ === 0;
  await page.goto(origin + '/');
  await waitForLines(page, demoReport.input.lines);
  assertEq(failed > 1, true, 'the loader was requested again after failing');
  assertEq(await page.locator('[data-testid="error"]').count(), 0, 'no error after a successful retry');
});

test('works from a subpath (relative URLs)', async ({ page, origin, requests }) => {
  await page.goto(origin + SUBPATH);
  await waitForLines(page, demoReport.input.lines);
  const outside = requests.filter((u) => !new URL(u).pathname.startsWith(SUBPATH));
  assertEq(outside, [], 'requests outside the subpath');
});

test('screenshots: light and dark, 1280 and 390 px', async ({ page, origin }) => {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.goto(origin + '/');
  await waitForLines(page, demoReport.input.lines);
  for (const scheme of ['light', 'dark']) {
    for (const width of [1280, 390]) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.setViewportSize({ width, height: 900 });
      await page.waitForTimeout(100);
      const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
      assert(scroll <= width, `${scheme} ${width}px: page scrolls sideways (${scroll}px wide)`);
      await page.screenshot({ path: path.join(SHOTS, `page-${scheme}-${width}.png`), fullPage: true });
    }
  }
  await page.locator('[data-testid="paste"]').fill('');
  await page.locator('[data-testid="analyze"]').click();
  await page.waitForSelector('[data-testid="error"]', { timeout: TIMEOUT });
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 390, height: 700 });
  await page.screenshot({ path: path.join(SHOTS, 'error-light-390.png') });
});

// ---------------------------------------------------------------- the runner

async function main() {
  assert(fs.existsSync(path.join(DIST, 'index.html')), `no build in ${DIST}: run trunk build --release first`);
  const hooks = {};
  const server = await serve(hooks);
  const origin = `http://127.0.0.1:${server.address().port}`;
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const results = [];
  const allRequests = [];
  for (const t of tests) {
    const page = await context.newPage();
    const requests = [];
    const consoleErrors = [];
    const onRequest = (r) => {
      requests.push(r.url());
      allRequests.push(r.url());
    };
    context.on('request', onRequest);
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
    const started = Date.now();
    let error = null;
    try {
      await Promise.race([
        t.fn({ page, origin, requests, consoleErrors, hooks }),
        new Promise((_, reject) => setTimeout(() => reject(new Error('test timed out')), 3 * TIMEOUT)),
      ]);
      const foreign = requests.filter((u) => !u.startsWith(origin + '/'));
      if (foreign.length) throw new Error(`requests beyond the page's origin: ${foreign.join(', ')}`);
      const csp = consoleErrors.filter((e) => /Content Security Policy|Refused to/i.test(e));
      if (csp.length) throw new Error(`CSP violations: ${csp.join(' | ')}`);
    } catch (e) {
      error = e;
      try {
        fs.mkdirSync(SHOTS, { recursive: true });
        await page.screenshot({ path: path.join(SHOTS, `FAILED-${results.length + 1}.png`), fullPage: true });
      } catch {}
    }
    context.off('request', onRequest);
    delete hooks.fail;
    await page.close();
    const ms = Date.now() - started;
    results.push({ name: t.name, error, ms, consoleErrors });
    console.log(`${error ? '✗ FAIL' : '✓ ok  '} ${t.name} (${ms} ms)`);
    if (error) {
      console.log(`    ${error.message.split('\n').join('\n    ')}`);
      if (consoleErrors.length) console.log(`    console: ${consoleErrors.slice(0, 5).join('\n    console: ')}`);
    }
  }
  await context.close();
  server.close();
  fs.rmSync(profile, { recursive: true, force: true });

  // Every request the page made, over all tests, was for a static file of its own origin.
  const files = [...new Set(allRequests.map((u) => new URL(u).pathname.replace(SUBPATH, '/')))].sort();
  console.log(`\nrequests: ${allRequests.length}, all to ${origin}; files: ${files.join(' ')}`);
  const notStatic = files.filter((f) => !fs.existsSync(path.join(DIST, f.endsWith('/') ? f + 'index.html' : f)));
  const foreign = allRequests.filter((u) => !u.startsWith(origin + '/'));
  results.push({
    name: 'every request was for a static file of the page\'s own origin',
    error:
      foreign.length || notStatic.length
        ? new Error(`foreign: ${foreign.join(', ') || 'none'}; not in dist/: ${notStatic.join(', ') || 'none'}`)
        : null,
  });
  const failed = results.filter((r) => r.error);
  console.log(`\n${results.length - failed.length} passed, ${failed.length} failed `);
  for (const r of failed) console.log(`  FAILED: ${r.name}: ${r.error.message.split('\n')[0]}`);
  process.exit(failed.length ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
