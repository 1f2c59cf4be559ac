// The engine on every core: a large input of several files is read by the engine worker's pool
// of helper workers (src/worker/pool.rs) and must give the report of the worker alone, byte for
// byte; progress counts every helper's bytes; Cancel stops the helpers with their coordinator.
// `?workers=N` sets the pool (1: the worker alone); the default is one helper per core.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { test, assert, assertEq, waitForLines, waitIdle, text, paste, until, cliReport, assertFactsMatch, TIMEOUT } from '../lib.mjs';

/** Counts the workers the page's engine starts from now on (Playwright lists nested workers). */
function countWorkers(page) {
  const seen = { n: 0 };
  page.on('worker', () => (seen.n += 1));
  return seen;
}

/**
 * ~`mb` MB over four files of different formats: year-less syslog first (its year is written in
 * another file, read by another helper), classic lines with an outage, JSON lines (escaped
 * messages), and a gzip file. Errors name other services, so the report has a story to tell.
 */
function input(mb) {
  const per = (mb * 1e6) / 4;
  const grow = (f) => {
    const out = [];
    let size = 0;
    for (let i = 0; size < per; i++) {
      const l = f(i);
      out.push(l);
      size += l.length + 1;
    }
    return out.join('\n') + '\n';
  };
  const t = (i) => `${String(10 + Math.floor(i / 3600) % 10).padStart(2, '0')}:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}`;
  const sys = grow((i) => `May  1 ${t(i)} db-1 postgres[42]: ${i % 40 === 39 ? 'FATAL: sorry, too many clients already' : `checkpoint complete: wrote ${i % 500} buffers`}`);
  const api = grow((i) => `2024-05-01T${t(i)}.${String(i % 1000).padStart(3, '0')}Z ${i % 25 === 24 ? 'ERROR' : 'INFO'} orders-api ${i % 25 === 24 ? `upstream billing-worker timed out after ${5000 + (i % 7)}ms` : `GET /orders/${i} 200 in ${i % 97}ms`}`);
  const json = grow((i) => JSON.stringify({ ts: `2024-05-01T${t(i)}Z`, level: i % 30 === 29 ? 'error' : 'info', service: 'billing-worker', msg: i % 30 === 29 ? `connection to "db-1" refused: too many clients (${i})` : `charged invoice ${i} in ${i % 50}ms` }));
  const web = grow((i) => `10.0.${i % 200}.${i % 250} - - [01/May/2024:${t(i)} +0000] "GET /api/orders/${i % 900} HTTP/1.1" ${i % 20 === 19 ? 502 : 200} ${100 + (i % 4000)} "-" "curl/8.0"`);
  return [
    { name: 'syslog', mimeType: 'text/plain', buffer: Buffer.from(sys) },
    { name: 'orders-api.log', mimeType: 'text/plain', buffer: Buffer.from(api) },
    { name: 'billing-worker.jsonl', mimeType: 'text/plain', buffer: Buffer.from(json) },
    { name: 'web-access.log.gz', mimeType: 'application/gzip', buffer: gzipSync(Buffer.from(web)) },
  ];
}

/** The shown report as JSON text (the JSON export, which is the engine's report verbatim). */
async function reportJson(page) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid="export-json"]').click()]);
  return fs.readFileSync(await dl.path(), 'utf8');
}

async function analyzeFiles(page, files, lines) {
  await page.locator('[data-testid="file-input"]').setInputFiles(files);
  await waitForLines(page, lines);
}

test('pool: a large input of several files gives the report of one worker, byte for byte', async ({ page, origin }) => {
  const files = input(12);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-pool-'));
  for (const f of files) fs.writeFileSync(path.join(dir, f.name), f.buffer);
  const cli = cliReport(files.map((f) => path.join(dir, f.name)));
  fs.rmSync(dir, { recursive: true, force: true });

  await page.goto(origin + '/?workers=1');
  await waitIdle(page);
  const alone = countWorkers(page);
  await analyzeFiles(page, files, cli.input.lines);
  assertEq(alone.n, 0, 'workers started with ?workers=1 (the engine worker alone)');
  const one = await reportJson(page);

  await page.goto(origin + '/?workers=2');
  await waitIdle(page);
  const helpers = countWorkers(page);
  await analyzeFiles(page, files, cli.input.lines);
  assertEq(helpers.n, 2, "the pool's helpers started");
  // Helpers live for one analysis: only the engine worker is left.
  await until(() => page.workers().length === 1, 'the helpers to end after their parts are in', 30_000);
  const pool = await reportJson(page);
  if (pool !== one) {
    let i = 0;
    while (pool[i] === one[i]) i += 1;
    throw new Error(`the pool's report differs from one worker's at ${i}: …${one.slice(Math.max(0, i - 80), i + 80)}… vs …${pool.slice(Math.max(0, i - 80), i + 80)}…`);
  }
  await assertFactsMatch(page, cli, 'pool vs CLI');
  assert(cli.input.files.length === 4 && cli.input.files[3].gzip, 'the gzip file is read as such');
  // The log view reads the merged lines.
  await page.locator('[data-testid="tab-logs"]').click();
  await page.waitForSelector('[data-testid="log-row"]', { timeout: TIMEOUT });
});

test('pool: progress counts every helper, Cancel stops the helpers, the next analysis runs', async ({ page, origin }) => {
  const files = input(40);
  const total = files.reduce((a, f) => a + f.buffer.length, 0);
  await page.goto(origin + '/?workers=2');
  await waitIdle(page);
  assertEq(page.workers().length, 1, 'the engine worker alone before a large input');
  await page.locator('[data-testid="file-input"]').setInputFiles(files);
  // Parsing, counted over all helpers: the total is the whole input's text (the gzip file
  // inflated), and the count grows.
  const seen = [];
  const end = Date.now() + TIMEOUT;
  while (seen.length < 3 && Date.now() < end) {
    const t = await text(page, 'progress');
    const m = /Parsing: (\d+\.\d) of (\d+\.\d) MB, ([\d,]+) events/.exec(t);
    if (m && (!seen.length || Number(m[1]) > seen[seen.length - 1][0])) seen.push([Number(m[1]), Number(m[2]), Number(m[3].replace(/,/g, ''))]);
    await new Promise((r) => setTimeout(r, 20));
  }
  assert(seen.length >= 2, `parsing progress should move: ${JSON.stringify(seen)}`);
  for (const [done, of] of seen) assert(of * 1e6 > total && done <= of, `progress ${done} of ${of} MB for ${total} bytes picked`);
  assert(seen[seen.length - 1][2] > 0, `events counted: ${JSON.stringify(seen)}`);
  assertEq(page.workers().length, 3, 'the engine worker and its two helpers while parsing');
  await page.locator('[data-testid="cancel"]').click();
  await waitIdle(page);
  assert(/cancel/i.test(await text(page, 'progress')), 'cancel note');
  // Terminating the engine worker ends its helpers: only the fresh engine worker is left.
  await until(() => page.workers().length === 1, 'the helpers to end with their engine worker', 30_000);
  await paste(page, '2024-05-01T10:00:00Z ERROR api down\n2024-05-01T10:00:01Z ERROR api down\n');
  await waitForLines(page, 2);
});

test('pool: a damaged file fails the input with the message one worker gives', async ({ page, origin }) => {
  const files = input(12);
  // A gzip header with nothing behind it, between two good files: the first file that cannot
  // be read names the error, whichever helper read it.
  const broken = (name) => ({ name, mimeType: 'application/gzip', buffer: Buffer.from([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3]) });
  files.splice(2, 0, broken('broken.log.gz'));
  files.push(broken('later-broken.log.gz'));
  const errorFor = async (query) => {
    await page.goto(origin + '/' + query);
    await waitIdle(page);
    await page.locator('[data-testid="file-input"]').setInputFiles(files);
    await page.waitForSelector('[data-testid="error"]', { timeout: TIMEOUT });
    await waitIdle(page);
    return text(page, 'error');
  };
  const one = await errorFor('?workers=1');
  assert(/gzip/i.test(one) && one.includes('broken.log.gz'), `one worker's error names the file: ${one}`);
  assertEq(await errorFor('?workers=2'), one, "the pool's error");
  await until(() => page.workers().length === 1, 'the helpers to end after the error', 30_000);
});
