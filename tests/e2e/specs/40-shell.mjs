// The page's shell: the demo picker, exports (Markdown, JSON, clipboard, print), history in
// IndexedDB with similar incidents, and offline use through the service worker (at / and at a
// subpath). Every test here leaves the shared browser context as it found it: no service worker
// registered, no history database, online.

import path from 'node:path';
import fs from 'node:fs';
import os from 'node:os';
import { execFileSync } from 'node:child_process';
import {
  test, DEMO, ROOT, SHOTS, SUBPATH, TIMEOUT, CLI, text, waitForLines, assert, assertEq, paste,
  classWords,
} from '../lib.mjs';

// The page's demos (src/app/demo.rs) and the fixture folder each one is made of.
const DEMOS = {
  'connection-leak': path.relative(ROOT, DEMO),
  oom: 'tests/fixtures/incidents/oom-invoice-worker',
  'tls-expiry': 'tests/fixtures/incidents/tls-cert-expired',
  'disk-full': 'tests/fixtures/incidents/disk-full-postgres',
  dns: 'tests/fixtures/incidents/dns-nxdomain-after-corefile-change',
};

/** The CLI's report for a demo: every file of its folder but the golden answer, named as the
 * page names them (by file name, as the CLI does for a folder). */
function demoReport(key) {
  const dir = path.join(ROOT, DEMOS[key]);
  const files = fs.readdirSync(dir).filter((f) => f !== 'expected.json').sort();
  return cliAt(dir, files);
}

/** The CLI's report for `files` of `dir`, named as given (no folder in the names). */
function cliAt(dir, files) {
  return JSON.parse(execFileSync(CLI, ['analyze', '--json', ...files], { cwd: dir, maxBuffer: 64 << 20 }).toString('utf8'));
}

/** The CLI's report for text the page was given as `name`. */
function cliNamed(name, body) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-e2e-'));
  try {
    fs.writeFileSync(path.join(dir, name), body);
    return cliAt(dir, [name]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Equal JSON texts, or an error that shows where they part (reports are long). */
function assertSameJson(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a === e) return;
  let i = 0;
  while (a[i] === e[i]) i += 1;
  throw new Error(`${what}: differs at ${i}: expected …${e.slice(Math.max(0, i - 80), i + 80)}… got …${a.slice(Math.max(0, i - 80), i + 80)}…`);
}

const REPORTS = Object.fromEntries(Object.keys(DEMOS).map((k) => [k, demoReport(k)]));

/** Forgets what any page of this origin left behind: service workers, caches, history. */
async function cleanSlate(page) {
  await page.evaluate(async () => {
    for (const r of await navigator.serviceWorker.getRegistrations()) await r.unregister();
    for (const k of await caches.keys()) if (k.startsWith('faultline:')) await caches.delete(k);
    await new Promise((resolve, reject) => {
      const req = indexedDB.deleteDatabase('faultline');
      req.onsuccess = resolve;
      req.onerror = () => reject(req.error);
      // Blocked means a connection is still open: it closes after its one transaction.
      req.onblocked = () => {};
    });
  });
}

async function pickDemo(page, key) {
  await page.locator('[data-testid="demo-picker"]').selectOption(key);
  await page.locator('[data-testid="demo-load"]').click();
  await waitForLines(page, REPORTS[key].input.lines);
}

/** The headline equals the CLI's root cause and severity for `report`. */
async function assertHeadline(page, report, what) {
  const cause = await text(page, 'root-cause');
  const rc = report.root_cause;
  const sentence = classWords(report);
  assert(
    cause === rc.statement || (cause.toLowerCase().includes(sentence) && cause.includes(rc.service)),
    `${what}: root cause "${cause}" is not the CLI's "${rc.statement}"`,
  );
  assertEq(await text(page, 'severity'), report.severity, `${what}: severity`);
}

async function historyCount(page, n) {
  await page.waitForFunction(
    (n) => document.querySelectorAll('[data-testid="history-item"]').length === n,
    n,
    { timeout: TIMEOUT },
  );
}

/** A download's text, triggered by clicking `testid`. */
async function download(page, testid) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.locator(`[data-testid="${testid}"]`).click()]);
  return { name: dl.suggestedFilename(), body: fs.readFileSync(await dl.path(), 'utf8') };
}

/** Markdown outside fenced code blocks (log lines are quoted verbatim inside them, inert). */
function outsideFences(md) {
  const out = [];
  let fence = null;
  for (const line of md.split('\n')) {
    const m = /^(`{3,}|~{3,})/.exec(line);
    if (fence) {
      if (line.trim() === fence) fence = null;
    } else if (m) {
      fence = m[1];
    } else {
      out.push(line);
    }
  }
  assert(fence === null, 'a fenced block is never closed');
  return out.join('\n');
}

test('demo picker: each demo shows the CLI root cause and severity', async ({ page, origin }) => {
  await page.goto(origin + '/');
  // The first demo still loads on open.
  await waitForLines(page, REPORTS['connection-leak'].input.lines);
  await assertHeadline(page, REPORTS['connection-leak'], 'on open');
  const options = await page.$$eval('[data-testid="demo-picker"] option', (os) =>
    os.map((o) => ({ key: o.value, text: o.textContent })),
  );
  assertEq(options.map((o) => o.key), Object.keys(DEMOS), 'demo keys');
  const classes = new Set(Object.values(REPORTS).map((r) => r.root_cause.failure_class));
  assertEq(classes.size, options.length, 'one failure class per demo');
  assertEq(await page.locator('label[for="demo-picker"]').count(), 1, 'the picker is labelled');
  for (const { key, text: label } of [...options.slice(1), options[0]]) {
    const report = REPORTS[key];
    assert(label.toLowerCase().includes(classWords(report)), `option "${label}" names its class`);
    await pickDemo(page, key);
    await assertHeadline(page, report, key);
    assertEq(await page.locator('[data-testid="files"] tbody tr').count(), report.input.files.length, `${key}: files`);
  }
  await cleanSlate(page);
});

test('demo picker: arrowing through it loads nothing; Load does; each run is saved once, never similar to itself', async ({ page, origin }) => {
  await page.goto(origin + '/');
  await waitForLines(page, REPORTS['connection-leak'].input.lines);
  await cleanSlate(page);
  await page.reload();
  await waitForLines(page, REPORTS['connection-leak'].input.lines);
  await page.locator('[data-testid="tab-history"]').click();
  await page.waitForTimeout(500);
  await historyCount(page, 1);
  // A reload re-runs the same demo: identical to the newest entry, so not saved again.
  await page.reload();
  await waitForLines(page, REPORTS['connection-leak'].input.lines);
  await page.locator('[data-testid="tab-history"]').click();
  await page.waitForTimeout(800);
  await historyCount(page, 1);
  await page.locator('[data-testid="tab-report"]').click();
  // The only saved run is this very report: it is not "similar" (at 100%) to itself.
  assertEq(await page.locator('[data-testid="similar-item"]').count(), 0, 'the current run is not similar to itself');
  // Keyboard: arrowing through the closed picker only chooses.
  const title = await text(page, 'report-title');
  await page.locator('[data-testid="demo-picker"]').focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.waitForTimeout(800);
  assertEq(await text(page, 'report-title'), title, 'arrow keys load no demo');
  assertEq(await page.locator('[data-testid="progress"]').getAttribute('data-state'), 'idle', 'no analysis started');
  const key = await page.locator('[data-testid="demo-picker"]').inputValue();
  assert(key !== 'connection-leak', `the picker moved (${key})`);
  await page.keyboard.press('Tab');
  assertEq(await page.evaluate(() => document.activeElement.dataset.testid), 'demo-load', 'Load is the next stop');
  await page.keyboard.press('Enter');
  await waitForLines(page, REPORTS[key].input.lines);
  await assertHeadline(page, REPORTS[key], key);
  await page.locator('[data-testid="tab-history"]').click();
  await historyCount(page, 2);
  await page.waitForTimeout(500);
  await historyCount(page, 2);
});

test('exports: the JSON download is the CLI report, the Markdown escapes markup, copy works', async ({ page, origin }) => {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
  await page.goto(origin + '/');
  await waitForLines(page, REPORTS['connection-leak'].input.lines);

  const json = await download(page, 'export-json');
  assert(json.name.endsWith('.json') && json.name.startsWith('faultline-'), `JSON file name: ${json.name}`);
  assertSameJson(JSON.parse(json.body), REPORTS['connection-leak'], 'JSON export vs CLI');

  const md = await download(page, 'export-markdown');
  assert(md.name.endsWith('.md'), `Markdown file name: ${md.name}`);
  assert(md.body.includes('orders-api'), 'the Markdown names the root-cause service');

  // A paste full of markup and Markdown injection.
  const body = [
    '2024-05-01T10:00:00Z ERROR pay-gw <script>alert("xss")</script> upstream refused',
    '2024-05-01T10:00:01Z ERROR pay-gw <img src=x onerror=alert(1)> upstream refused',
    '2024-05-01T10:00:02Z ERROR pay-gw see [docs](javascript:alert(2)) upstream refused',
    '2024-05-01T10:00:03Z ERROR pay-gw ![x](http://evil.example/x.png) upstream refused',
    '{"ts":"2024-05-01T10:00:04Z","level":"error","service":"<b>pay-gw</b>","msg":"connection refused ``` ](javascript:x)"}',
  ].join('\n') + '\n';
  // The page names a paste pasted.log.
  const expected = cliNamed('pasted.log', body);
  await paste(page, body);
  await waitForLines(page, expected.input.lines);
  const nasty = await download(page, 'export-markdown');
  const prose = outsideFences(nasty.body);
  assert(prose.includes('&lt;script'), 'the log text is in the prose, escaped');
  // No tag can open (so `onerror=alert(1)>` after an inert `&lt;img` is plain text) and no
  // link or image can form: a `](` is always escaped as `\](` (src/report/markdown.rs renders
  // the export with a CommonMark parser to check the same).
  for (const bad of ['<script', '<img', '<b>']) {
    assert(!prose.includes(bad), `unescaped ${bad} in the Markdown: ${prose}`);
  }
  for (const bad of [/(^|[^\\])\]\(javascript:/m, /(^|[^\\])\]\(http/m]) {
    assert(!bad.test(prose), `a live link or image (${bad}) in the Markdown: ${prose}`);
  }
  assert(prose.includes('\\](javascript:'), 'the link text is shown, escaped');
  const cause = await text(page, 'root-cause');
  if (expected.root_cause.failure_class !== 'unknown') {
    const svc = expected.root_cause.service;
    assert(!svc || nasty.body.includes(svc.replace(/[<>]/g, '')) || nasty.body.includes('&lt;'), 'root cause service in Markdown');
    assert(nasty.body.toLowerCase().includes(classWords(expected)) ||
      nasty.body.includes(expected.root_cause.statement), `the Markdown has the root cause (${cause})`);
  }
  const nastyJson = await download(page, 'export-json');
  assertSameJson(JSON.parse(nastyJson.body), expected, 'JSON export of the paste vs CLI');

  await page.locator('[data-testid="export-copy"]').click();
  await page.waitForFunction(() => /copied/i.test(document.querySelector('[data-testid="export-note"]').textContent), null, { timeout: TIMEOUT });
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assertEq(copied, nasty.body, 'copied Markdown equals the downloaded one');
  await page.context().clearPermissions();
  await cleanSlate(page);
});

test('print: only the report, whichever tab is open (screenshots)', async ({ page, origin }) => {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.goto(origin + '/');
  await waitForLines(page, REPORTS['connection-leak'].input.lines);
  await page.locator('[data-testid="tab-logs"]').click();
  await page.emulateMedia({ media: 'print' });
  const shown = await page.evaluate(() => {
    const display = (sel) => [...document.querySelectorAll(sel)].map((e) => getComputedStyle(e).display);
    return {
      inputs: display('.inputs, textarea, input, select, [data-testid="demo-picker"]'),
      tabs: display('[role="tablist"], [role="tab"]'),
      buttons: display('button:not(.evidence-link)'),
      others: display('[role="tabpanel"]:not(#view-report)'),
      report: display('#view-report'),
      headline: display('[data-testid="root-cause"]'),
    };
  });
  for (const k of ['inputs', 'tabs', 'buttons', 'others']) {
    assert(shown[k].length > 0 && shown[k].every((d) => d === 'none'), `print: ${k} should be hidden: ${shown[k]}`);
  }
  assert(shown.report[0] !== 'none' && shown.headline[0] !== 'none', `print: the report shows: ${JSON.stringify(shown)}`);
  for (const scheme of ['light', 'dark']) {
    for (const width of [1280, 390]) {
      await page.emulateMedia({ media: 'print', colorScheme: scheme });
      await page.setViewportSize({ width, height: 900 });
      await page.waitForTimeout(100);
      await page.screenshot({ path: path.join(SHOTS, `print-${scheme}-${width}.png`), fullPage: true });
    }
  }
  await page.emulateMedia({ media: 'screen', colorScheme: 'light' });
  const pdf = await page.pdf({ format: 'A4' });
  assert(pdf.length > 10_000 && pdf.subarray(0, 4).toString() === '%PDF', 'a PDF');
  await cleanSlate(page);
});

test('history: saved, listed newest first, reopened, deleted with undo, similar incidents, cleared', async ({ page, origin }) => {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.goto(origin + '/');
  await waitForLines(page, REPORTS['connection-leak'].input.lines);
  await page.locator('[data-testid="tab-history"]').click();
  await page.waitForSelector('[data-testid="history-item"]', { timeout: TIMEOUT });
  await cleanSlate(page);
  await page.reload();
  await waitForLines(page, REPORTS['connection-leak'].input.lines);
  await page.locator('[data-testid="tab-history"]').click();
  await historyCount(page, 1);

  await pickDemo(page, 'oom');
  await historyCount(page, 2);
  const pasted = '2024-05-01T10:00:00Z ERROR quill-api cache node unreachable\n2024-05-01T10:00:01Z ERROR quill-api cache node unreachable\n';
  await paste(page, pasted);
  await waitForLines(page, 2);
  await historyCount(page, 3);
  await pickDemo(page, 'connection-leak');
  await historyCount(page, 4);

  const rows = () => page.$$eval('[data-testid="history-item"]', (rs) => rs.map((r) => ({
    id: r.dataset.id,
    label: r.querySelector('[data-testid="history-label"]').textContent,
    cause: r.querySelector('[data-testid="history-cause"]').textContent,
    severity: r.querySelector('[data-testid="history-severity"]').textContent,
  })));
  let list = await rows();
  assert(/orders-api/.test(list[0].label) && /pasted/.test(list[1].label) && /invoice-worker/.test(list[2].label) && /orders-api/.test(list[3].label),
    `newest first: ${list.map((r) => r.label).join(' | ')}`);
  assertEq(list[2].cause, REPORTS.oom.root_cause.statement, 'saved root cause sentence');
  assertEq(list[2].severity, REPORTS.oom.severity, 'saved severity');

  // Similar incidents: the earlier run of the same demo is this very report (identical JSON), so
  // it is not listed (at 100%), and neither is the current entry.
  await page.locator('[data-testid="tab-report"]').click();
  await page.waitForSelector('[data-testid="similar-item"], [data-testid="similar-none"]', { timeout: TIMEOUT });
  await page.waitForTimeout(300);
  const similar = await page.$$eval('[data-testid="similar-item"]', (li) => li.map((l) => ({ id: l.dataset.id, text: l.textContent })));
  assert(!similar.some((s) => s.id === list[3].id), 'an identical earlier run is not listed as similar');
  assert(!similar.some((s) => s.id === list[0].id), 'the current analysis is not listed as similar to itself');
  assert(!similar.some((s) => /^100%/.test(s.text.trim())), `nothing at 100%: ${similar.map((s) => s.text).join(' | ')}`);

  for (const scheme of ['light', 'dark']) {
    for (const width of [1280, 390]) {
      await page.locator('[data-testid="tab-history"]').click();
      await page.emulateMedia({ colorScheme: scheme });
      await page.setViewportSize({ width, height: 900 });
      await page.waitForTimeout(100);
      const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
      assert(scroll <= width, `${scheme} ${width}px: history scrolls sideways (${scroll}px wide)`);
      await page.screenshot({ path: path.join(SHOTS, `history-${scheme}-${width}.png`), fullPage: true });
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 1280, height: 900 });

  // Reopen the OOM run: its report shows without re-analysis and is not saved again.
  const workersBefore = page.workers().length;
  await page.locator('[data-testid="history-item"]').nth(2).locator('[data-testid="history-open"]').click();
  await page.waitForFunction(() => !document.querySelector('[data-testid="view-report"]').hidden, null, { timeout: TIMEOUT });
  await waitForLines(page, REPORTS.oom.input.lines);
  await assertHeadline(page, REPORTS.oom, 'reopened');
  assertEq(page.workers().length, workersBefore, 'no new worker');
  await page.locator('[data-testid="tab-history"]').click();
  await page.waitForTimeout(300);
  await historyCount(page, 4);

  // Delete the paste, undo, delete it again.
  const paste1 = list[1].id;
  await page.locator(`[data-testid="history-item"][data-id="${paste1}"] [data-testid="history-delete"]`).click();
  await historyCount(page, 3);
  await page.waitForFunction(() => document.activeElement && document.activeElement.dataset.testid === 'history-undo', null, { timeout: TIMEOUT });
  await page.keyboard.press('Enter');
  await historyCount(page, 4);
  assertEq((await rows()).map((r) => r.id), list.map((r) => r.id), 'undo restores the entry in place');
  await page.locator(`[data-testid="history-item"][data-id="${paste1}"] [data-testid="history-delete"]`).click();
  await historyCount(page, 3);
  list = await rows();
  assert(!list.some((r) => r.id === paste1), 'deleted');

  // Still there after a reload; the reload's own demo run is the newest entry again, byte for
  // byte, so it is not saved a second time.
  await page.reload();
  await waitForLines(page, REPORTS['connection-leak'].input.lines);
  await page.locator('[data-testid="tab-history"]').click();
  await page.waitForTimeout(500);
  await historyCount(page, 3);

  // Clear all asks first.
  await page.locator('[data-testid="history-clear"]').click();
  await page.locator('[data-testid="history-clear-cancel"]').click();
  await historyCount(page, 3);
  await page.locator('[data-testid="history-clear"]').click();
  await page.locator('[data-testid="history-clear-confirm"]').click();
  await page.waitForSelector('[data-testid="history-empty"]', { timeout: TIMEOUT });
  await cleanSlate(page);
});

test('history storage that fails gives a message and the report still works', async ({ page, origin }) => {
  await page.addInitScript(() => {
    Object.defineProperty(window, 'indexedDB', {
      get() {
        throw new DOMException('The user denied permission to access the database.', 'SecurityError');
      },
    });
  });
  await page.goto(origin + '/');
  await waitForLines(page, REPORTS['connection-leak'].input.lines);
  await assertHeadline(page, REPORTS['connection-leak'], 'no storage');
  await page.locator('[data-testid="tab-history"]').click();
  await page.waitForSelector('[data-testid="history-error"]', { timeout: TIMEOUT });
  const msg = await text(page, 'history-error');
  assert(/could not be/i.test(msg) && /denied/i.test(msg) && /Reports still work/i.test(msg), `unclear message: ${msg}`);
  await page.locator('[data-testid="tab-report"]').click();
  await pickDemo(page, 'dns');
  await assertHeadline(page, REPORTS.dns, 'no storage, second demo');
  await page.evaluate(async () => {
    for (const r of await navigator.serviceWorker.getRegistrations()) await r.unregister();
  });
});

for (const where of ['/', SUBPATH]) {
  test(`offline after a first visit (service worker, at ${where})`, async ({ page, origin, hooks }) => {
    const base = origin + where;
    await page.goto(base);
    await waitForLines(page, REPORTS['connection-leak'].input.lines);
    // Start from nothing, so the worker that ends up in control is this page's own.
    await cleanSlate(page);
    await page.reload();
    await waitForLines(page, REPORTS['connection-leak'].input.lines);
    await page.waitForFunction(
      (sw) => navigator.serviceWorker.controller && navigator.serviceWorker.controller.scriptURL === sw,
      base + 'sw.js',
      { timeout: TIMEOUT },
    );
    const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
    assertEq(scope, base, 'scope is the page directory');
    const cached = await page.evaluate(async () => {
      const names = (await caches.keys()).filter((k) => k.startsWith('faultline:'));
      const c = await caches.open(names[0]);
      return { names, urls: (await c.keys()).map((r) => new URL(r.url).pathname) };
    });
    assertEq(cached.names.length, 1, 'one cache');
    for (const f of ['index.html', 'boot.js', 'faultline-worker.js', 'faultline-worker_bg.wasm', 'faultline-worker_loader.js']) {
      assert(cached.urls.includes(where + f), `${f} cached: ${cached.urls}`);
    }
    assert(cached.urls.some((u) => /faultline-web-[0-9a-f]+_bg\.wasm$/.test(u)), `hashed wasm cached: ${cached.urls}`);

    // Offline: nothing may reach the server, and the page still works.
    const reached = [];
    hooks.fail = (p) => {
      reached.push(p);
      return false;
    };
    await page.context().setOffline(true);
    try {
      await page.reload();
      await waitForLines(page, REPORTS['connection-leak'].input.lines);
      await assertHeadline(page, REPORTS['connection-leak'], 'offline');
      await pickDemo(page, 'tls-expiry');
      await assertHeadline(page, REPORTS['tls-expiry'], 'offline, another demo');
      assertEq(reached, [], 'requests that reached the server while offline');
    } finally {
      await page.context().setOffline(false);
      delete hooks.fail;
    }
    await cleanSlate(page);
  });
}
