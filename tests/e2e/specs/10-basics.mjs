// The page's basics: the demo on open, paste, drop, pick, errors, cancel, crashes, subpath,
// markup, screenshots of the input and the error.

import path from 'node:path';
import { gzipSync } from 'node:zlib';
import fs from 'node:fs';
import os from 'node:os';
import {
  test, DEMO, ROOT, SHOTS, SUBPATH, TIMEOUT, cliReport, cliReportForFile, waitIdle, text, number,
  countRows, waitForLines, until, assert, assertEq, assertFactsMatch, paste, classWords,
} from '../lib.mjs';


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

test('headline shows the engine root cause and severity (or "no root cause found")', async ({ page, origin }) => {
  await page.goto(origin + '/');
  await waitForLines(page, demoReport.input.lines);
  const sev = await text(page, 'severity');
  const cause = await text(page, 'root-cause');
  if (demoReport.severity == null) assertEq(sev, 'not yet determined', 'severity');
  else assertEq(sev, demoReport.severity, 'severity');
  if (demoReport.root_cause.failure_class === 'unknown') assertEq(cause, NO_CAUSE, 'root cause');
  else assert(cause.toLowerCase().includes(classWords(demoReport)), `root cause: ${cause}`);
});

const NO_CAUSE = 'no root cause found (no failure signal in these logs)';

test('a finished analysis without a cause says so; "not yet determined" only before any report', async ({ page, origin }) => {
  await page.goto(origin + '/', { waitUntil: 'commit' });
  // Before the first report (the demo) arrives, the headline has not determined anything yet.
  const early = await page.waitForFunction(() => {
    const el = document.querySelector('[data-testid="root-cause"]');
    return el ? el.textContent.trim() : false;
  });
  const first = await early.jsonValue();
  assert(first === 'not yet determined' || first.toLowerCase().includes(classWords(demoReport)), `early headline: ${first}`);
  await waitForLines(page, demoReport.input.lines);
  const body = ['2024-05-01T10:00:00Z INFO api started', '2024-05-01T10:00:01Z INFO api ready'].join('\n') + '\n';
  const expected = cliReport(['-'], Buffer.from(body));
  assertEq(expected.root_cause.failure_class, 'unknown', 'the CLI finds no cause in healthy logs');
  await paste(page, body);
  await waitForLines(page, expected.input.lines);
  assertEq(await text(page, 'root-cause'), NO_CAUSE, 'root cause after a run without a cause');
  assertEq(await page.locator('[data-testid="root-cause"]').count(), 1, 'one root-cause element');
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
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.locator('[data-testid="paste"]').fill('');
  await page.locator('[data-testid="analyze"]').click();
  await page.waitForSelector('[data-testid="error"]', { timeout: TIMEOUT });
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 390, height: 700 });
  await page.screenshot({ path: path.join(SHOTS, 'error-light-390.png') });
});

