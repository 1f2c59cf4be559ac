// "Download redacted logs": the worker redacts the analyzed files, one download per input file
// with the same number of lines, no planted secret in any of them, JSON lines still JSON, a
// summary by kind on the page, and not one network request on the way.

import fs from 'node:fs';
import path from 'node:path';
import { test, SHOTS, TIMEOUT, assert, assertEq, text, waitIdle } from '../lib.mjs';

// Secrets of several kinds in a plain-text log and a JSON-lines log, written for this test from
// the formats' public shapes (test card, documentation IP and phone ranges, example IBAN).
const SECRETS = [
  'ana.silva@example.com',
  '203.0.113.77',
  '4111 1111 1111 1111',
  'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbmEifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ',
  'Wint3r-Sun-42',
  'DE89 3704 0044 0532 0130 00',
  'AKIAZ7QW3ER5TY2UI8OP',
  'ghp_R4nd0mT0k3nV4lu3F0rT3st1ngPurp0s3s1',
  'correct-horse-battery',
  '+44 20 7946 0958',
  '078-05-1120',
  'hooks.slack.com/services/T0123ABCD/B0456EFGH/abcdefghijklmnopqrstuvwx',
];

const API = [
  '2026-03-02T10:00:00Z INFO checkout-api started version=3.4.1 port=8080',
  '2026-03-02T10:00:01Z INFO checkout-api user ana.silva@example.com logged in from 203.0.113.77',
  '2026-03-02T10:00:02Z WARN checkout-api retrying payment card=4111 1111 1111 1111 exp=12/29',
  '2026-03-02T10:00:03Z ERROR checkout-api upstream auth failed Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbmEifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ status=401',
  '2026-03-02T10:00:04Z ERROR checkout-api db connect postgres://app:Wint3r-Sun-42@db-main:5432/orders refused',
  '2026-03-02T10:00:05Z INFO checkout-api refund to IBAN DE89 3704 0044 0532 0130 00 queued',
  '',
  '2026-03-02T10:00:06Z ERROR checkout-api timeout after 3000ms trace_id=4bf92f3577b34da6a3ce929d0e0e4736',
  '2026-03-02T10:00:07Z INFO checkout-api user ana.silva@example.com logged out',
].join('\n') + '\n';

const JOBS = [
  '{"ts":"2026-03-02T10:00:02Z","level":"info","service":"billing-worker","msg":"boot","aws_access_key_id":"AKIAZ7QW3ER5TY2UI8OP"}',
  '{"ts":"2026-03-02T10:00:03Z","level":"error","service":"billing-worker","msg":"push failed","token":"ghp_R4nd0mT0k3nV4lu3F0rT3st1ngPurp0s3s1","password":"correct-horse-battery"}',
  '{"ts":"2026-03-02T10:00:04Z","level":"warn","service":"billing-worker","msg":"notify +44 20 7946 0958 about invoice 77","ssn":"078-05-1120"}',
  '{"ts":"2026-03-02T10:00:05Z","level":"error","service":"billing-worker","msg":"slack https://hooks.slack.com/services/T0123ABCD/B0456EFGH/abcdefghijklmnopqrstuvwx failed"}',
].join('\r\n');

/** Lines as ingest frames them (\n, \r\n; a last line without a terminator counts). */
function lineCount(body) {
  const parts = body.split(/\r\n|\n/);
  return body.endsWith('\n') ? parts.length - 1 : parts.length;
}

function checkCopy(name, body, input) {
  for (const s of SECRETS) assert(!body.includes(s), `${name} still holds the planted secret ${s}`);
  assertEq(lineCount(body), lineCount(input), `${name}: line count`);
  for (const keep of ['checkout-api', 'trace_id=4bf92f3577b34da6a3ce929d0e0e4736', 'version=3.4.1', 'billing-worker']) {
    if (input.includes(keep)) assert(body.includes(keep), `${name} lost ${keep}`);
  }
  assert(/<(SECRET|EMAIL|CARD)_\d+>/.test(body), `${name} has no placeholder:\n${body}`);
}

/** Gives the page `files` ([name, body]) through the file picker and waits for their report. */
async function pick(page, files) {
  await page.locator('[data-testid="file-input"]').setInputFiles(
    files.map(([name, body]) => ({ name, mimeType: 'text/plain', buffer: Buffer.from(body) })),
  );
  await page.waitForFunction(
    (n) => Number(document.querySelector('[data-testid="input-lines"]')?.textContent) === n
      && document.querySelector('[data-testid="progress"]')?.dataset.state === 'idle',
    files.reduce((n, [, body]) => n + lineCount(body), 0),
    { timeout: TIMEOUT },
  );
}

test('redact: one download per file, no planted secret, same lines, summary by kind, no network', async ({ page, origin, requests }) => {
  await page.goto(origin + '/');
  await waitIdle(page);
  await pick(page, [['api.log', API], ['jobs.jsonl', JOBS]]);
  const before = requests.length;
  await page.locator('[data-testid="export-redacted"]').click();
  await page.waitForSelector('[data-testid="redacted-files"] button', { timeout: TIMEOUT });
  const summary = await text(page, 'redacted-summary');
  assert(/masked on \d+ of 13 lines in 2 files/.test(summary), `summary: ${summary}`);
  const kinds = await page.$$eval('[data-testid="redacted-kinds"] li', (li) => li.map((l) => l.dataset.kind));
  for (const k of ['EMAIL', 'SECRET', 'CARD', 'PHONE']) assert(kinds.includes(k), `no ${k} in the kinds ${kinds}`);
  assert(!(await text(page, 'redacted')).includes('ana.silva'), 'the summary shows a value');
  const buttons = page.locator('[data-testid="redacted-file"]');
  assertEq(await buttons.count(), 2, 'one download per input file');
  const got = {};
  for (let i = 0; i < 2; i += 1) {
    const [dl] = await Promise.all([page.waitForEvent('download'), buttons.nth(i).click()]);
    got[dl.suggestedFilename()] = fs.readFileSync(await dl.path(), 'utf8');
  }
  assertEq(Object.keys(got).sort(), ['api.redacted.log', 'jobs.redacted.jsonl'], 'file names');
  checkCopy('api.redacted.log', got['api.redacted.log'], API);
  checkCopy('jobs.redacted.jsonl', got['jobs.redacted.jsonl'], JOBS);
  for (const line of got['jobs.redacted.jsonl'].split('\r\n')) JSON.parse(line);
  // One value, one placeholder: the address appears twice in api.log.
  const email = got['api.redacted.log'].match(/<EMAIL_\d+>/g);
  assert(email && email.length === 2 && email[0] === email[1], `email placeholders: ${email}`);
  assertEq(requests.slice(before), [], 'network requests while redacting and saving');
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.locator('.report-tools').screenshot({ path: path.join(SHOTS, 'redact-panel.png') });
});

test('redact: a single file downloads at once; a new analysis drops the old copies', async ({ page, origin, requests }) => {
  await page.goto(origin + '/');
  await waitIdle(page);
  await pick(page, [['api.log', API]]);
  const before = requests.length;
  const [dl] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('[data-testid="export-redacted"]').click(),
  ]);
  assertEq(dl.suggestedFilename(), 'api.redacted.log', 'file name');
  checkCopy('api.redacted.log', fs.readFileSync(await dl.path(), 'utf8'), API);
  const note = await text(page, 'export-note');
  assertEq(note, 'Saved api.redacted.log.', 'note');
  assert(/masked on \d+ of 9 lines in 1 file: /.test(await text(page, 'redacted-summary')), 'summary');
  assertEq(requests.slice(before), [], 'network requests while redacting');
  assertEq(await page.locator('[data-testid="redacted-file"]').count(), 1, 'the copy can be saved again');
  await pick(page, [['jobs.jsonl', JOBS]]);
  assertEq(await page.locator('[data-testid="redacted"]').count(), 0, 'old copies are gone');
});

test('redact: the user\'s extra patterns apply to the download, and a bad one says so', async ({ page, origin, requests }) => {
  await page.goto(origin + '/');
  await waitIdle(page);
  // A value no built-in rule masks: an internal customer reference.
  const log = [
    '2026-03-02T10:00:00Z INFO checkout-api order placed customer=ACME-00417 total=12.50',
    '2026-03-02T10:00:01Z INFO checkout-api order shipped customer=ACME-00417',
  ].join('\n') + '\n';
  await pick(page, [['orders.log', log]]);
  const before = requests.length;
  await page.locator('details.redact-patterns summary').click();
  await page.locator('[data-testid="redact-patterns"]').fill('(');
  await page.locator('[data-testid="export-redacted"]').click();
  await page.waitForFunction(
    () => /Could not redact the logs .*not a valid regex/.test(document.querySelector('[data-testid="export-note"]')?.textContent || ''),
    null,
    { timeout: TIMEOUT },
  );
  await page.locator('[data-testid="redact-patterns"]').fill('customer=(ACME-\\d+)');
  const [dl] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('[data-testid="export-redacted"]').click(),
  ]);
  const body = fs.readFileSync(await dl.path(), 'utf8');
  assert(!body.includes('ACME-00417'), `the pattern's value is still there:\n${body}`);
  assertEq((body.match(/customer=<CUSTOM_1>/g) || []).length, 2, 'one placeholder for the value, on both lines');
  assertEq(lineCount(body), lineCount(log), 'line count');
  assert(body.includes('checkout-api') && body.includes('total=12.50'), `kept text lost:\n${body}`);
  const kinds = await page.$$eval('[data-testid="redacted-kinds"] li', (li) => li.map((l) => l.dataset.kind));
  assert(kinds.includes('CUSTOM'), `no CUSTOM in the kinds ${kinds}`);
  assertEq(requests.slice(before), [], 'network requests while redacting');
});
