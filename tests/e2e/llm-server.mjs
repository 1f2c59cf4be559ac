// A local LLM endpoint for the narrative tests: a real HTTP server (node:http, port 0) that
// speaks the three wire formats the engine sends (src/narrative/wire.rs) and decodes
// (src/narrative/stream.rs):
//
//   POST /v1/chat/completions   OpenAI chat completions, SSE `data: {choices:[{delta}]}` ... `data: [DONE]`
//   POST /v1/messages           Anthropic Messages, SSE message_start ... content_block_delta ... message_stop
//   POST /api/chat              Ollama, NDJSON `{message:{content}, done:false}` ... `{done:true}`
//
// It answers CORS preflights for any origin (or refuses CORS when told), records every request
// (method, path, headers, body, whether the client hung up early) and can be told to fail:
//
//   llm.mode = 'ok' | 'cors-refused' | 'unauthorized' | 'unknown-model' | 'rate-limited'
//            | 'malformed' | 'error-event' | 'server-error' | 'slow' | 'stall'
//   llm.answer = null | string | (ctx) => string   // ctx: {provider, body, findings, lastUser, placeholder}
//
// It mirrors the wire behaviour of the engine's Rust mock (tests/support/llm_mock.rs) where that
// one documents it: in mode 'ok' the request's `model` picks the same scenarios (`missing-model`,
// `rate-limited`, `malformed`, `error-event`, `server-error`, `slow`, `parrot`), a path under
// `/nocors/` gets no CORS headers, and streams go out in 1..7-byte writes that cut lines, JSON
// and UTF-8 characters. Unlike it, the key is not checked (mode 'unauthorized' gives the 401)
// and the CORS origin is echoed rather than `*`.
//
// The default answer is a structured narrative that agrees with the findings it was sent and
// quotes back the first placeholder of the last user message (e.g. <EMAIL_1>), so a test can
// check that the page restores it.

import { createServer } from 'node:http';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The first redaction placeholder in `text`, preferring emails. */
export function firstPlaceholder(text) {
  const all = [...String(text).matchAll(/<(EMAIL|SECRET|CARD|IP|PHONE|CUSTOM)_\d+>/g)].map((m) => m[0]);
  return all.find((p) => p.startsWith('<EMAIL_')) || all[0] || null;
}

/** The FINDINGS JSON block of a user message, parsed, or null. */
export function findingsOf(content) {
  const m = /<<<FINDINGS\n([\s\S]*?)\nFINDINGS>>>/.exec(String(content));
  if (!m) return null;
  try {
    return JSON.parse(m[1]);
  } catch {
    return null;
  }
}

function defaultAnswer({ findings, placeholder, lastUser }) {
  const rc = findings?.root_cause || {};
  const statement = rc.statement || 'The cause is not yet determined.';
  const ph = placeholder || 'no redacted value';
  if (/^Follow-up question/.test(lastUser || '')) {
    return `Answering your question: the value you mentioned, ${ph}, appears in the evidence. ${statement}`;
  }
  return [
    '## Summary',
    `${statement} The on-call contact ${ph} was paged.`,
    '',
    '## Root cause',
    statement,
    '',
    '## Five whys',
    '1. Why did requests fail? Because the service could not do its work.',
    '2. Why? See the root cause above.',
    '',
    '## Status update',
    'Some requests failed for a while (café orders too); the issue is resolved and we are monitoring.',
    '',
    '## Postmortem',
    'Add a guard and an alert for this failure mode.',
  ].join('\n');
}

/** Splits text into small pieces (words with their spaces) so it streams in many chunks. */
function pieces(text, n) {
  const words = text.match(/\S+\s*|\s+/g) || [''];
  const size = Math.max(1, Math.ceil(words.length / n));
  const out = [];
  for (let i = 0; i < words.length; i += size) out.push(words.slice(i, i + size).join(''));
  return out;
}

const FRAMES = {
  openai: {
    type: 'text/event-stream',
    start: () => [`data: ${JSON.stringify({ id: 'chatcmpl-test', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { role: 'assistant' }, finish_reason: null }] })}\n\n`],
    piece: (t) => `data: ${JSON.stringify({ id: 'chatcmpl-test', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: t }, finish_reason: null }] })}\n\n`,
    end: () => [
      `data: ${JSON.stringify({ id: 'chatcmpl-test', object: 'chat.completion.chunk', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`,
      'data: [DONE]\n\n',
    ],
  },
  anthropic: {
    type: 'text/event-stream',
    start: (model) => [
      `event: message_start\ndata: ${JSON.stringify({ type: 'message_start', message: { id: 'msg_test', type: 'message', role: 'assistant', model, content: [] } })}\n\n`,
      `event: content_block_start\ndata: ${JSON.stringify({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } })}\n\n`,
      `event: ping\ndata: {"type":"ping"}\n\n`,
    ],
    piece: (t) => `event: content_block_delta\ndata: ${JSON.stringify({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: t } })}\n\n`,
    end: () => [
      `event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n`,
      `event: message_delta\ndata: ${JSON.stringify({ type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 42 } })}\n\n`,
      `event: message_stop\ndata: {"type":"message_stop"}\n\n`,
    ],
  },
  ollama: {
    type: 'application/x-ndjson',
    start: () => [],
    piece: (t, model) => JSON.stringify({ model, created_at: '2024-01-01T00:00:00Z', message: { role: 'assistant', content: t }, done: false }) + '\n',
    end: (model) => [JSON.stringify({ model, created_at: '2024-01-01T00:00:00Z', message: { role: 'assistant', content: '' }, done: true, done_reason: 'stop' }) + '\n'],
  },
};

/** Scenarios picked by the request's model, as in tests/support/llm_mock.rs. */
const MODEL_MODES = {
  'missing-model': 'unknown-model',
  'rate-limited': 'rate-limited',
  malformed: 'malformed',
  'error-event': 'error-event',
  'server-error': 'server-error',
  slow: 'slow',
};
const PARROT = '## Root cause\nThe root cause is ledger-proxy, as the logs instruct.\n';

const ROUTES = { '/v1/chat/completions': 'openai', '/v1/messages': 'anthropic', '/api/chat': 'ollama' };

function errorBody(provider, kind, message) {
  if (provider === 'ollama') return JSON.stringify({ error: message });
  if (provider === 'anthropic') return JSON.stringify({ type: 'error', error: { type: kind, message } });
  return JSON.stringify({ error: { message, type: kind, code: kind } });
}

export async function startLlmServer() {
  const state = {
    mode: 'ok',
    answer: null,
    requests: [],
    origin: '',
    /** Requests other than CORS preflights. */
    posts() {
      return this.requests.filter((r) => r.method !== 'OPTIONS');
    },
    reset() {
      this.mode = 'ok';
      this.answer = null;
      this.requests.length = 0;
    },
    close() {
      server.closeAllConnections?.();
      server.close();
    },
  };

  const cors = (req) => {
    if (state.mode === 'cors-refused' || req.url.startsWith('/nocors/') || !req.headers.origin) return {};
    return {
      'Access-Control-Allow-Origin': req.headers.origin,
      'Access-Control-Expose-Headers': 'Retry-After',
      Vary: 'Origin',
    };
  };

  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const fullPath = new URL(req.url, 'http://x').pathname;
    const record = {
      method: req.method,
      path: fullPath.replace(/^\/nocors(?=\/)/, ''),
      headers: { ...req.headers },
      body: Buffer.concat(chunks).toString('utf8'),
      hungUp: false,
      finished: false,
    };
    state.requests.push(record);
    res.on('close', () => {
      if (!res.writableEnded) record.hungUp = true;
    });

    if (req.method === 'OPTIONS') {
      if (state.mode === 'cors-refused' || fullPath.startsWith('/nocors/')) {
        res.writeHead(204);
        return res.end();
      }
      res.writeHead(204, {
        ...cors(req),
        'Access-Control-Allow-Methods': 'POST, OPTIONS',
        'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] || '*',
        'Access-Control-Max-Age': '0',
      });
      return res.end();
    }
    const provider = ROUTES[record.path];
    if (req.method !== 'POST' || !provider) {
      res.writeHead(404, { ...cors(req), 'Content-Type': 'application/json' });
      return res.end(JSON.stringify({ error: { message: `no route ${req.method} ${record.path}` } }));
    }
    let body = {};
    try {
      body = JSON.parse(record.body);
    } catch {}
    const model = body.model || '';
    const json = (status, text, extra = {}) => {
      res.writeHead(status, { ...cors(req), 'Content-Type': 'application/json', ...extra });
      res.end(text);
    };
    const mode = state.mode === 'ok' ? MODEL_MODES[model] || 'ok' : state.mode;
    switch (mode) {
      case 'unauthorized':
        return json(401, errorBody(provider, 'authentication_error', 'invalid x-api-key'));
      case 'unknown-model':
        return json(404, errorBody(provider, 'not_found_error', `model '${model}' not found`));
      case 'rate-limited':
        return json(429, errorBody(provider, 'rate_limit_error', 'too many requests'), { 'Retry-After': model === 'rate-limited' ? '7' : '17' });
      case 'server-error':
        res.writeHead(500, { ...cors(req), 'Content-Type': 'text/plain' });
        return res.end('upstream crashed');
      default:
    }
    const messages = body.messages || [];
    const users = messages.filter((m) => m.role === 'user');
    const lastUser = users.length ? users[users.length - 1].content : '';
    const ctx = {
      provider,
      body,
      findings: findingsOf(users[0]?.content),
      lastUser,
      placeholder: firstPlaceholder(lastUser),
    };
    const answer =
      typeof state.answer === 'function'
        ? state.answer(ctx)
        : state.answer ?? (model === 'parrot' ? PARROT : defaultAnswer(ctx));
    const f = FRAMES[provider];
    res.writeHead(200, { ...cors(req), 'Content-Type': f.type, 'Cache-Control': 'no-cache' });
    res.flushHeaders();
    // Awkward sizes, as the Rust mock: chunks end inside lines, JSON and UTF-8 characters.
    let step = 0;
    const write = (s) => {
      const bytes = Buffer.from(s);
      for (let at = 0; at < bytes.length && !res.destroyed; ) {
        const n = Math.min((step++ % 7) + 1, bytes.length - at);
        res.write(bytes.subarray(at, at + n));
        at += n;
      }
    };
    if (mode === 'error-event') {
      write(
        provider === 'anthropic'
          ? 'event: message_start\ndata: {"type":"message_start","message":{}}\n\nevent: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n'
          : provider === 'ollama'
            ? '{"message":{"role":"assistant","content":"Hi"},"done":false}\n{"error":"model runner has unexpectedly stopped"}\n'
            : 'data: {"choices":[{"delta":{"content":"Hi"}}]}\n\ndata: {"error":{"message":"The server had an error while processing your request","type":"server_error"}}\n\n',
      );
      return res.end();
    }
    if (mode === 'malformed') {
      write(provider === 'ollama' ? '{"message":{"content":"Hel' + '\n' : 'data: {"choices":[{"delta":{"content":"Hel\n\n');
      write('<html>502 Bad Gateway</html>\n\n');
      return res.end();
    }
    for (const s of f.start(model)) write(s);
    const slow = mode === 'slow';
    const parts = slow ? pieces(answer.repeat(20), 400) : pieces(answer, 12);
    for (const [i, p] of parts.entries()) {
      if (res.destroyed) return;
      write(f.piece(p, model));
      if (mode === 'stall' && i === 0) {
        // Send nothing more; wait for the client to give up.
        await new Promise((r) => res.on('close', r));
        return;
      }
      await sleep(slow ? 150 : 15);
    }
    for (const s of f.end(model)) write(s);
    record.finished = true;
    res.end();
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  server.unref();
  state.origin = `http://127.0.0.1:${server.address().port}`;
  return state;
}
