// The "Log store" input against a real ClickHouse (scripts/test.sh starts one and names it in
// FAULTLINE_TEST_CLICKHOUSE=HOST:PORT): the demo incident, loaded the way a file-reading shipper
// stores it, analyzed from the page gives exactly the CLI's `analyze --source` report for the
// same window; nothing goes to the store before a click; a wrong table, wrong credentials, an
// address where nothing answers and an empty window each get a message saying what to do.

import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { test, DEMO, ROOT, CLI, SHOTS, TIMEOUT, assert, assertEq } from '../lib.mjs';

const CH = process.env.FAULTLINE_TEST_CLICKHOUSE;
const chOrigin = CH ? `http://${CH}` : null;
const allow = { allowOrigins: () => (chOrigin ? [chOrigin, 'http://127.0.0.1:1'] : []) };

function needServer() {
  assert(CH, 'FAULTLINE_TEST_CLICKHOUSE=HOST:PORT must name a ClickHouse (scripts/test.sh starts one)');
}

/** Runs one statement as the `default` user. */
async function sql(statement, body = '') {
  const r = await fetch(`${chOrigin}/?query=${encodeURIComponent(statement)}`, { method: 'POST', body });
  const t = await r.text();
  if (!r.ok) throw new Error(`${statement}: HTTP ${r.status}: ${t}`);
  return t;
}

/**
 * The rows a file-reading shipper stores for a folder of logs: one row per timestamped line
 * (lines without a time, such as stack frames, join the row before), the file's stem as the
 * service, the time in a DateTime column plus a nanosecond fraction, the level when the line
 * names one.
 */
function shipped(dir) {
  const rows = [];
  for (const name of fs.readdirSync(dir).sort()) {
    const service = name.replace(/\.[^.]*$/, '');
    let last = null;
    for (const line of fs.readFileSync(path.join(dir, name), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const m = line.match(/(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d)(\.\d+)?/);
      if (!m) {
        if (last) last.body += '\n' + line;
        continue;
      }
      const level = (line.match(/\b(TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|FATAL|PANIC|CRITICAL)\b/i) || [null, ''])[1];
      last = {
        ts: Date.parse(`${m[1]}T${m[2]}Z`) / 1000,
        ts_ns: m[3] ? Math.round(Number(m[3]) * 1e9) : 0,
        service,
        level: level.toUpperCase(),
        host: '',
        trace_id: '',
        body: line,
      };
      rows.push(last);
    }
  }
  return rows;
}

const utc = (secs) => new Date(secs * 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, '');

/** Loads the demo into a fresh database; the window that holds it. */
async function loadDemo() {
  const db = `e2e_store_${process.pid}_${Date.now()}`;
  const rows = shipped(DEMO);
  await sql(`CREATE DATABASE ${db}`);
  await sql(`CREATE TABLE ${db}.logs (ts DateTime, ts_ns UInt32, service String, level String, host String, trace_id String, body String) ENGINE = MergeTree ORDER BY (service, ts)`);
  await sql(`INSERT INTO ${db}.logs FORMAT JSONEachRow`, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const times = rows.map((r) => r.ts);
  return { db, rows, from: utc(Math.min(...times)), to: utc(Math.max(...times) + 1) };
}

function cliSource(db, from, to) {
  const out = execFileSync(
    CLI,
    ['analyze', '--json', '--source', `clickhouse://${CH}/${db}?table=logs`, '--from', from, '--to', to],
    { cwd: ROOT, maxBuffer: 256 << 20, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return JSON.parse(out.toString('utf8'));
}

/** Equal JSON texts, or an error showing where they part. */
function sameJson(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a === e) return;
  let i = 0;
  while (a[i] === e[i]) i += 1;
  throw new Error(`${what}: differs at ${i}: expected …${e.slice(Math.max(0, i - 80), i + 80)}… got …${a.slice(Math.max(0, i - 80), i + 80)}…`);
}

const toStore = (requests) => requests.filter((u) => u.startsWith(chOrigin + '/'));

async function openPanel(page, origin) {
  await page.goto(origin + '/');
  // The demo shown on open is analyzed first: the page is idle with a report.
  await page.waitForSelector('[data-testid="input-lines"]', { timeout: TIMEOUT });
  await page.waitForSelector('[data-testid="progress"][data-state="idle"]', { timeout: TIMEOUT });
  await page.locator('[data-testid="store-panel"] > summary').click();
}

async function fill(page, { address, table, from, to, user = '', password = '' }) {
  await page.locator('[data-testid="store-address"]').fill(address);
  await page.locator('[data-testid="store-table"]').fill(table);
  await page.locator('[data-testid="store-window"]').selectOption('custom');
  await page.locator('[data-testid="store-from"]').fill(from);
  await page.locator('[data-testid="store-to"]').fill(to);
  await page.locator('[data-testid="store-user"]').fill(user);
  await page.locator('[data-testid="store-password"]').fill(password);
}

/** Clicks Test connection; the message it shows, with its state (ok or error). */
async function testConnection(page) {
  await page.locator('[data-testid="store-test"]').click();
  const msg = page.locator('[data-testid="store-message"]');
  await msg.waitFor({ timeout: TIMEOUT });
  return { state: await msg.getAttribute('data-state'), text: (await msg.innerText()).trim() };
}

/** Clicks Analyze window and waits for the page's error message. */
async function analyzeError(page) {
  await page.locator('[data-testid="store-analyze"]').click();
  const err = page.locator('[data-testid="error"]');
  await err.waitFor({ timeout: TIMEOUT });
  await page.waitForSelector('[data-testid="progress"][data-state="idle"]', { timeout: TIMEOUT });
  return (await err.innerText()).trim();
}

test('log store: the demo from ClickHouse gives the CLI --source report; nothing is sent before a click', async ({ page, origin, requests }) => {
  needServer();
  const { db, rows, from, to } = await loadDemo();
  try {
    const expected = cliSource(db, from, to);
    assertEq(expected.input.store.window_lines, rows.length, 'the CLI read every stored row');

    await openPanel(page, origin);
    await fill(page, { address: `http://${CH}/${db}`, table: 'logs', from, to });
    // The preview is built in the page: the first query, and where it goes, before any request.
    await page.locator('[data-testid="store-preview"] > summary').click();
    const first = await page.locator('[data-testid="store-query"]').allInnerTexts();
    assertEq(first, [`DESCRIBE TABLE \`${db}\`.\`logs\` FORMAT JSONEachRow`], 'preview before the test');
    const post = await page.locator('[data-testid="store-post-url"]').innerText();
    assert(post.includes('add_http_cors_header=1'), `the POST URL carries the CORS setting: ${post}`);
    assertEq(toStore(requests), [], 'requests to the store before any click');

    const ok = await testConnection(page);
    assertEq(ok.state, 'ok', `Test connection: ${ok.text}`);
    assert(ok.text.includes(`${db}.logs`), ok.text);
    const queries = await page.locator('[data-testid="store-query"]').allInnerTexts();
    assertEq(queries.length, 5, 'describe, counts, loud lines, sample, baseline sample');
    assert(queries[1].includes('countIf('), `the counts query: ${queries[1]}`);
    const afterTest = toStore(requests).length;
    // The request capture sees the worker's fetches: the zero above could not be vacuous.
    assert(afterTest >= 1, 'Test connection reached the store');

    await page.locator('[data-testid="store-analyze"]').click();
    await page.waitForFunction(
      (n) => {
        const el = document.querySelector('[data-testid="input-lines"]');
        const st = document.querySelector('[data-testid="progress"]');
        return el && st && st.dataset.state === 'idle' && Number(el.textContent) === n;
      },
      expected.input.lines,
      { timeout: TIMEOUT },
    );
    assertEq(await page.locator('[data-testid="error"]').count(), 0, 'no error');
    assert(toStore(requests).length > afterTest, 'the analysis queried the store');
    assertEq((await page.locator('[data-testid="root-cause"]').innerText()).trim().length > 0, true, 'a root cause is shown');

    // The whole report, as the page exports it, is the CLI's.
    const [dl] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid="export-json"]').click()]);
    const got = JSON.parse(fs.readFileSync(await dl.path(), 'utf8'));
    assertEq(got.root_cause, expected.root_cause, 'root cause');
    assertEq(got.severity, expected.severity, 'severity');
    assertEq(got.forensic.patient_zero, expected.forensic.patient_zero, 'patient zero');
    assertEq(got.input.store, expected.input.store, 'input.store');
    sameJson(got, expected, 'the whole report');
    assert(String(got.forensic.patient_zero.evidence.file).startsWith('logs:'), 'evidence names a row of the table');

    // Evidence names a row; its link still finds the analyzed line in the Logs view.
    await page.locator('[data-testid="patient-zero"] [data-testid="evidence-link"]').click();
    await page.locator('[data-testid="view-logs"]').waitFor({ state: 'visible' });
    const pzText = expected.forensic.patient_zero.evidence.text.slice(0, 60);
    await page.waitForFunction(
      (t) => [...document.querySelectorAll('[data-testid="log-row"]')].some((r) => r.textContent.includes(t)),
      pzText,
      { timeout: TIMEOUT },
    );
    await page.waitForTimeout(500);
    const note = await page.locator('[data-testid="logs-note"]').allInnerTexts();
    assert(!note.join(' ').includes('not in the analyzed input'), `the row key was located: ${note}`);
    await page.locator('[data-testid="tab-report"]').click();

    fs.mkdirSync(SHOTS, { recursive: true });
    await page.locator('[data-testid="store-panel"]').screenshot({ path: path.join(SHOTS, 'store-panel.png') });
  } finally {
    await sql(`DROP DATABASE ${db}`);
  }
}, allow);

test('log store: a wrong table, wrong credentials, no server and an empty window each say so', async ({ page, origin }) => {
  needServer();
  const { db, from, to } = await loadDemo();
  try {
    await openPanel(page, origin);
    const base = { address: `http://${CH}/${db}`, table: 'logs', from, to };

    await fill(page, { ...base, table: 'no_such_table' });
    const t = await testConnection(page);
    assertEq(t.state, 'error', 'a wrong table fails the test');
    assert(t.text.toLowerCase().includes(`table ${db}.no_such_table does not exist`), `wrong table (test): ${t.text}`);
    const a = await analyzeError(page);
    assert(a.toLowerCase().includes(`table ${db}.no_such_table does not exist`), `wrong table (analyze): ${a}`);

    await fill(page, { ...base, user: 'reader', password: 'not-the-password' });
    const auth = await testConnection(page);
    assert(auth.text.includes('refused the user and password'), `wrong password: ${auth.text}`);
    const shown = await page.locator('[data-testid="store-post-url"]').innerText();
    assert(!shown.includes('not-the-password'), `the preview hides the password: ${shown}`);
    await fill(page, { ...base, user: 'reader', password: 'reader-secret' });
    assertEq((await testConnection(page)).state, 'ok', 'the right password, as URL settings');

    await fill(page, { ...base, address: 'http://127.0.0.1:1' });
    const down = await testConnection(page);
    assert(down.text.toLowerCase().includes('nothing answered at http://127.0.0.1:1/'), `no server: ${down.text}`);

    await fill(page, { ...base, from: '2020-01-01 00:00:00', to: '2020-01-01 00:30:00' });
    const empty = await analyzeError(page);
    assert(empty.includes('holds no rows'), `empty window: ${empty}`);
  } finally {
    await sql(`DROP DATABASE ${db}`);
  }
}, allow);
