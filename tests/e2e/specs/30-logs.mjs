// The log view (every line, virtualized, filters, regex search, evidence focus), the baseline
// drop zone, and the progress line during a large input. Expected values come from the CLI.

import path from 'node:path';
import fs from 'node:fs';
import os from 'node:os';
import {
  test, DEMO, ROOT, SHOTS, TIMEOUT, cliReport, cliReportForFile, waitIdle, text, number,
  waitForLines, assert, assertEq, paste,
} from '../lib.mjs';

const demoReport = cliReport([path.relative(ROOT, DEMO)]);

async function openLogs(page) {
  await page.locator('[data-testid="tab-logs"]').click();
  await page.waitForSelector('[data-testid="view-logs"]:not([hidden])');
}

/** Waits until the log view's total (rows of the current filter) is `n`. */
async function waitTotal(page, n, what) {
  try {
    await page.waitForFunction(
      (n) => document.querySelector('[data-testid="logs-total"]')?.textContent.trim() === String(n),
      n,
      { timeout: TIMEOUT },
    );
  } catch (e) {
    throw new Error(`${what}: logs-total never became ${n} (shows ${await text(page, 'logs-total')})`);
  }
}

/** The rendered rows as {file, line, text, current}. */
async function rows(page) {
  return page.$$eval('[data-testid="log-row"]', (els) =>
    els.map((el) => ({
      file: el.dataset.file,
      line: Number(el.dataset.line),
      text: el.querySelector('.msg').textContent,
      current: el.getAttribute('aria-current') === 'true',
    })),
  );
}

/** The row of file:line is inside both the log viewport and the browser window. */
async function rowVisible(page, file, line) {
  return page.evaluate(
    ([file, line]) => {
      const row = [...document.querySelectorAll('[data-testid="log-row"]')].find(
        (r) => r.dataset.file === file && Number(r.dataset.line) === line,
      );
      if (!row) return false;
      const vp = document.querySelector('[data-testid="log-viewport"]').getBoundingClientRect();
      const r = row.getBoundingClientRect();
      return r.top >= vp.top - 1 && r.bottom <= vp.bottom + 1 && r.top >= 0 && r.bottom <= window.innerHeight;
    },
    [file, line],
  );
}

test('logs: the log view lists every line of the demo, in input order', async ({ page, origin }) => {
  await page.goto(origin + '/');
  await waitForLines(page, demoReport.input.lines);
  await openLogs(page);
  await waitTotal(page, demoReport.input.lines, 'demo');
  assertEq(await number(page, 'logs-events'), demoReport.input.events, 'demo: events in the log view');
  const first = (await rows(page))[0];
  assertEq([first.file, first.line], [path.basename(demoReport.input.files[0].name), 1], 'demo: first row');
  // The first row's text is the file's first line verbatim.
  const firstLine = fs.readFileSync(path.join(DEMO, first.file), 'utf8').split('\n')[0];
  assertEq(first.text, firstLine, 'demo: first row text');
});

test('logs: filtering by level and by service gives the CLI counts', async ({ page, origin, consoleErrors }) => {
  await page.goto(origin + '/');
  await waitForLines(page, demoReport.input.lines);
  await openLogs(page);
  await waitTotal(page, demoReport.input.lines, 'demo');
  const levels = demoReport.input.levels.filter((c) => c.name !== 'info');
  assert(levels.length >= 2, 'the demo should have several levels');
  for (const c of levels) {
    await page.locator('[data-testid="logs-level"]').selectOption(c.name);
    await page.waitForFunction((n) => document.querySelector('[data-testid="logs-events"]').textContent === String(n) &&
      document.querySelector('[data-testid="log-viewport"]').getAttribute('aria-busy') === 'false', c.events, { timeout: TIMEOUT })
      .catch(async () => { throw new Error(`level ${c.name}: events ${await text(page, 'logs-events')}, CLI ${c.events}`); });
    const shown = await rows(page);
    assert(shown.length > 0, `level ${c.name}: rows shown`);
  }
  await page.locator('[data-testid="logs-level"]').selectOption('');
  const svc = demoReport.input.services[1];
  await page.locator('[data-testid="logs-service"]').selectOption(svc.name);
  await page.waitForFunction((n) => document.querySelector('[data-testid="logs-events"]').textContent === String(n), svc.events, { timeout: TIMEOUT })
    .catch(async () => { throw new Error(`service ${svc.name}: events ${await text(page, 'logs-events')}, CLI ${svc.events}`); });
  // Every row shown belongs to that service (continuation rows show none).
  const svcs = await page.$$eval('[data-testid="log-row"]:not(.cont) .svc', (els) => [...new Set(els.map((e) => e.textContent))]);
  assertEq(svcs, [svc.name], `service ${svc.name}: services of the rows`);
  await page.locator('[data-testid="logs-service"]').selectOption('');
  // A template: its events are the report's count for it.
  const tpl = [...demoReport.templates].sort((a, b) => b.count - a.count || a.id - b.id)[2];
  await page.locator('[data-testid="logs-template"]').selectOption(String(tpl.id));
  await page.waitForFunction((n) => document.querySelector('[data-testid="logs-events"]').textContent === String(n), tpl.count, { timeout: TIMEOUT })
    .catch(async () => { throw new Error(`template ${tpl.id}: events ${await text(page, 'logs-events')}, CLI ${tpl.count}`); });
  await page.locator('[data-testid="logs-clear"]').click();
  await waitTotal(page, demoReport.input.lines, 'cleared');
  assertEq(consoleErrors, [], 'console errors');
});

test('logs: regex search finds exactly the planted lines; a bad pattern is an inline error', async ({ page, origin, consoleErrors }) => {
  const lines = [];
  for (let i = 0; i < 400; i++) {
    const token = i % 97 === 5 ? ` marker qz-plant-${i}` : '';
    lines.push(`2024-05-01T10:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z INFO cart-svc request ${i} ok${token}`);
  }
  const body = lines.join('\n') + '\n';
  const planted = lines.map((l, i) => [l, i + 1]).filter(([l]) => l.includes('qz-plant-'));
  const expected = cliReport(['-'], Buffer.from(body));
  await page.goto(origin + '/');
  await waitForLines(page, demoReport.input.lines);
  await paste(page, body);
  await waitForLines(page, expected.input.lines);
  await openLogs(page);
  await waitTotal(page, 400, 'paste');
  await page.locator('[data-testid="logs-regex"]').fill('qz-plant-\\d+');
  await page.locator('[data-testid="logs-regex"]').press('Enter');
  await waitTotal(page, planted.length, 'regex');
  const found = await rows(page);
  assertEq(found.map((r) => r.line), planted.map(([, n]) => n), 'regex: lines found');
  assert(found.every((r) => /qz-plant-\d+/.test(r.text)), 'regex: every row holds the token');
  assertEq(await number(page, 'logs-events'), planted.length, 'regex: events');
  // A pattern that does not compile: an inline message, no rows, no page error.
  await page.locator('[data-testid="logs-regex"]').fill('(');
  await page.locator('[data-testid="logs-regex"]').press('Enter');
  await page.waitForSelector('[data-testid="logs-regex-error"]:not([hidden])', { timeout: TIMEOUT });
  const msg = await text(page, 'logs-regex-error');
  assert(/regular expression/i.test(msg), `regex error message: ${msg}`);
  assertEq(await page.locator('[data-testid="logs-regex"]').getAttribute('aria-invalid'), 'true', 'aria-invalid');
  assertEq(await number(page, 'logs-total'), 0, 'bad pattern: total');
  // Fixing it clears the error.
  await page.locator('[data-testid="logs-regex"]').fill('request 39[0-9] ok');
  await waitTotal(page, 10, 'fixed pattern (typed, applied after a pause)');
  assert(await page.locator('[data-testid="logs-regex-error"]').isHidden(), 'the error is gone');
  assertEq(consoleErrors, [], 'console errors');
});

test('logs: a 200k-line input scrolls to its last line with few rows in the DOM', async ({ page, origin }) => {
  const n = 200_000;
  const parts = [];
  for (let i = 1; i < n; i++) parts.push(`2024-05-01T10:00:${String(i % 60).padStart(2, '0')}Z INFO ledger-svc entry ${i} posted`);
  parts.push('2024-05-01T11:00:00Z WARN ledger-svc the very last line zz-end');
  const big = Buffer.from(parts.join('\n') + '\n');
  await page.goto(origin + '/');
  await waitForLines(page, demoReport.input.lines);
  await page.locator('[data-testid="file-input"]').setInputFiles({ name: 'ledger.log', mimeType: 'text/plain', buffer: big });
  await waitForLines(page, n);
  await openLogs(page);
  await waitTotal(page, n, 'big');
  const inDom = await page.locator('[data-testid="log-row"]').count();
  assert(inDom > 10 && inDom < 500, `rows in the DOM: ${inDom} (of ${n})`);
  // Keyboard: bring the list on screen, focus it and press End.
  await page.$eval('[data-testid="log-viewport"]', (el) => el.scrollIntoView({ block: 'end' }));
  await page.locator('[data-testid="log-viewport"]').focus();
  await page.keyboard.press('End');
  await page.waitForFunction(
    (n) => [...document.querySelectorAll('[data-testid="log-row"]')].some((r) => Number(r.dataset.line) === n),
    n,
    { timeout: TIMEOUT },
  );
  for (let i = 0; i < 50 && !(await rowVisible(page, 'ledger.log', n)); i++) await page.waitForTimeout(50);
  assert(await rowVisible(page, 'ledger.log', n), 'the last line is visible');
  const last = (await rows(page)).find((r) => r.line === n);
  assert(last.text.includes('the very last line zz-end'), `last row text: ${last.text}`);
  const after = await page.locator('[data-testid="log-row"]').count();
  assert(after < 500, `rows in the DOM at the bottom: ${after}`);
  // Scrolling back to the middle shows the rows there.
  await page.$eval('[data-testid="log-viewport"]', (el) => { el.scrollTop = el.scrollHeight / 2; });
  await page.waitForFunction(() => {
    const vp = document.querySelector('[data-testid="log-viewport"]').getBoundingClientRect();
    return [...document.querySelectorAll('[data-testid="log-row"]')].some((r) => {
      const b = r.getBoundingClientRect();
      return Math.abs(Number(r.dataset.line) - 100_000) < 200 && b.top >= vp.top && b.bottom <= vp.bottom;
    });
  }, null, { timeout: TIMEOUT });
});

test('logs: an evidence link opens the Logs tab with that line highlighted and visible', async ({ page, origin }) => {
  await page.goto(origin + '/');
  await waitForLines(page, demoReport.input.lines);
  const ev = { ...demoReport.root_cause.evidence[0] };
  assert(ev.file, 'the demo root cause has evidence');
  // The CLI names files by the path it was given; the page by their names.
  ev.file = path.basename(ev.file);
  // A filter that hides the line first: the link must clear it.
  await openLogs(page);
  await waitTotal(page, demoReport.input.lines, 'demo');
  const other = demoReport.input.services.find((s) => s.name !== demoReport.root_cause.service);
  await page.locator('[data-testid="logs-service"]').selectOption(other.name);
  await page.waitForFunction((n) => document.querySelector('[data-testid="logs-events"]').textContent === String(n), other.events);
  await page.locator('[data-testid="tab-report"]').click();
  const link = page.locator('[data-testid="root-cause-evidence"] button[data-testid="evidence-link"]').first();
  assertEq([await link.getAttribute('data-file'), Number(await link.getAttribute('data-line'))], [ev.file, ev.line], 'link target');
  await link.click();
  await page.waitForSelector('[data-testid="view-logs"]:not([hidden])');
  await page.waitForSelector('[data-testid="log-row"][aria-current="true"]', { timeout: TIMEOUT });
  const cur = (await rows(page)).filter((r) => r.current);
  assertEq(cur.map((r) => [r.file, r.line]), [[ev.file, ev.line]], 'highlighted row');
  assertEq(cur[0].text, ev.text, 'highlighted row text is the evidence text');
  await page.waitForFunction(([f, l]) => {
    const row = document.querySelector('[data-testid="log-row"][aria-current="true"]');
    const vp = document.querySelector('[data-testid="log-viewport"]').getBoundingClientRect();
    const r = row && row.getBoundingClientRect();
    return r && row.dataset.file === f && r.top >= vp.top && r.bottom <= vp.bottom && r.top >= 0 && r.bottom <= innerHeight;
  }, [ev.file, ev.line], { timeout: 5000 }).catch(() => { throw new Error('the highlighted row is not visible'); });
  assertEq(await page.locator('[data-testid="logs-service"]').inputValue(), '', 'the hiding service filter was cleared');
  assert((await text(page, 'logs-note')).includes(`${ev.file}:${ev.line}`), 'a note says what was cleared');
});

test('logs: an evidence link activated from the keyboard moves focus to the highlighted row', async ({ page, origin }) => {
  await page.goto(origin + '/');
  await waitForLines(page, demoReport.input.lines);
  const link = page.locator('[data-testid="root-cause-evidence"] button[data-testid="evidence-link"]').first();
  const file = await link.getAttribute('data-file');
  const line = await link.getAttribute('data-line');
  await link.focus();
  await page.keyboard.press('Enter');
  await page.waitForSelector('[data-testid="view-logs"]:not([hidden])');
  await page.waitForFunction(([f, l]) => {
    const a = document.activeElement;
    return a && a.dataset.testid === 'log-row' && a.dataset.file === f && a.dataset.line === l
      && a.getAttribute('aria-current') === 'true' && a.tabIndex === -1;
  }, [file, line], { timeout: TIMEOUT }).catch(async () => {
    const a = await page.evaluate(() => document.activeElement && document.activeElement.outerHTML.slice(0, 120));
    throw new Error(`focus is not on the highlighted row but on ${a}`);
  });
});

test('logs: the baseline drop gives the CLI --baseline figures, and Clear removes it', async ({ page, origin }) => {
  // A healthy hour of the same services (invented lines), one file.
  const base = [];
  for (let i = 0; i < 300; i++) {
    base.push(`2024-03-11T09:${String(Math.floor(i / 6) % 60).padStart(2, '0')}:${String((i * 7) % 60).padStart(2, '0')}.000Z INFO  [http-nio-8080-exec-${i % 8}] c.s.orders.api.OrderController - GET /orders/${1000 + i} 200 in ${10 + (i % 30)}ms`);
  }
  const baseBody = Buffer.from(base.join('\n') + '\n');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-base-'));
  const baseFile = path.join(dir, 'healthy-orders.log');
  fs.writeFileSync(baseFile, baseBody);
  let expected;
  try {
    expected = cliReport(['--baseline', baseFile, path.relative(ROOT, DEMO)]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const b = expected.input.baseline;
  assert(b && b.files === 1 && b.lines === 300, `CLI baseline: ${JSON.stringify(b)}`);
  await page.goto(origin + '/');
  await waitForLines(page, demoReport.input.lines);
  await page.locator('[data-testid="baseline-picker"]').setInputFiles({ name: 'healthy-orders.log', mimeType: 'text/plain', buffer: baseBody });
  const want = `Baseline: 1 file, 300 lines, ${b.new_templates} template${b.new_templates === 1 ? '' : 's'} new in the incident`;
  await page.waitForFunction((w) => document.querySelector('[data-testid="baseline-summary"]')?.textContent.includes(w), want, { timeout: TIMEOUT })
    .catch(async () => { throw new Error(`baseline summary: ${await text(page, 'baseline-summary').catch(() => 'absent')}; want ${want}`); });
  await waitIdle(page);
  // The re-analysis with the baseline is the CLI's: same root cause and counts.
  assertEq(await number(page, 'input-lines'), expected.input.lines, 'lines with a baseline');
  // The Templates view marks exactly the CLI's new templates (all of them, once "show all" is on).
  await page.locator('[data-testid="tab-templates"]').click();
  const showAll = page.locator('[data-testid="view-templates"] button', { hasText: /^Show all/ });
  if (await showAll.count()) await showAll.click();
  const newIds = await page.$$eval('[data-testid="template"][data-new="true"]', (els) => els.map((e) => Number(e.dataset.id)).sort((a, b) => a - b));
  const wantIds = expected.templates.filter((t) => t.new).map((t) => t.id).sort((a, b) => a - b);
  assert(wantIds.length > 0, 'the baseline leaves some incident templates new');
  assertEq(newIds, wantIds, 'templates marked new');
  assertEq(await page.locator('[data-testid="template-new"]').count(), wantIds.length, 'new badges shown');
  await page.locator('[data-testid="tab-report"]').click();
  await page.locator('[data-testid="baseline-clear"]').click();
  await page.waitForSelector('[data-testid="baseline-summary"]', { state: 'detached', timeout: TIMEOUT });
  await waitIdle(page);
  await waitForLines(page, demoReport.input.lines);
});

test('logs: progress shows MB during a large input, Cancel works, the log view stays consistent', async ({ page, origin }) => {
  // ~40 MB of varied lines: long enough to watch.
  const parts = [];
  let size = 0;
  for (let i = 0; size < 40e6; i++) {
    const l = `2024-05-01T10:${String(Math.floor(i / 600) % 60).padStart(2, '0')}:${String(Math.floor(i / 10) % 60).padStart(2, '0')}.${String(i % 1000).padStart(3, '0')}Z ${i % 50 ? 'INFO' : 'ERROR'} svc-${i % 7} op ${i % 13} user=${i % 1000} took ${i % 300}ms path=/v1/items/${i}`;
    parts.push(l);
    size += l.length + 1;
  }
  const buf = Buffer.from(parts.join('\n') + '\n');
  await page.goto(origin + '/');
  await waitForLines(page, demoReport.input.lines);
  await openLogs(page);
  await waitTotal(page, demoReport.input.lines, 'demo');
  await page.locator('[data-testid="file-input"]').setInputFiles({ name: 'big.log', mimeType: 'text/plain', buffer: buf });
  const seen = await page.waitForFunction(() => {
    const el = document.querySelector('[data-testid="progress"]');
    const t = el.textContent;
    const bar = document.querySelector('[data-testid="progress-bar"]');
    return el.dataset.state === 'working' && /\d+\.\d of \d+\.\d MB/.test(t) && bar.hasAttribute('value') && Number(bar.max) > 0 ? t : false;
  }, null, { timeout: TIMEOUT, polling: 20 });
  const progressText = await seen.jsonValue();
  assert(/of 4\d\.\d MB/.test(progressText), `progress names the input size: ${progressText}`);
  // While it runs, the log view says so instead of showing stale rows.
  await page.waitForSelector('[data-testid="logs-empty"]', { timeout: TIMEOUT });
  assertEq(await page.locator('[data-testid="log-row"]').count(), 0, 'no stale rows while analyzing');
  await page.locator('[data-testid="cancel"]').click();
  await waitIdle(page);
  assert((await text(page, 'progress')).includes('cancelled'), 'cancel note');
  // The old report is still shown, its lines went with the old worker: a message, no rows.
  const empty = await text(page, 'logs-empty');
  assert(/restarted|no longer/i.test(empty), `log view after cancel: ${empty}`);
  assertEq(await page.locator('[data-testid="log-row"]').count(), 0, 'no rows after cancel');
  // Analyzing again brings the lines back.
  await page.locator('[data-testid="demo-load"]').click();
  await waitForLines(page, demoReport.input.lines);
  await waitTotal(page, demoReport.input.lines, 'demo again');
});

test('logs: screenshots of the log view, light and dark, 1280 and 390 px', async ({ page, origin, consoleErrors }) => {
  await page.goto(origin + '/');
  await waitForLines(page, demoReport.input.lines);
  const ev = { ...demoReport.root_cause.evidence[0] };
  ev.file = path.basename(ev.file);
  await page.locator('[data-testid="root-cause-evidence"] button[data-testid="evidence-link"]').first().click();
  await page.waitForSelector('[data-testid="log-row"][aria-current="true"]', { timeout: TIMEOUT });
  fs.mkdirSync(SHOTS, { recursive: true });
  for (const scheme of ['light', 'dark']) {
    for (const width of [1280, 390]) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.setViewportSize({ width, height: 900 });
      await page.waitForTimeout(150);
      const over = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert(over <= 1, `${scheme} ${width}px: the page scrolls sideways by ${over}px`);
      await page.locator('[data-testid="view-logs"]').screenshot({ path: path.join(SHOTS, `logs-${scheme}-${width}.png`) });
    }
  }
  assert(await rowVisible(page, ev.file, ev.line), 'the focused line stays visible');
  assertEq(consoleErrors, [], 'console errors');
});
