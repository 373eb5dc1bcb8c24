import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { ResponseParser } from '../../src/policy/openai/http1-parser.ts';
import { ConnectionError, Http1Client } from '../../src/policy/openai/http1.ts';
import { rejects } from '../helpers/rejects.ts';

/** Feeds a response in pieces of `step` bytes (1: every byte its own chunk). */
function parse(raw: string, step = raw.length) {
  const p = new ResponseParser();
  const buf = Buffer.from(raw, 'latin1');
  let done = false;
  for (let i = 0; i < buf.length; i += step) {
    assert.not.ok(done, 'complete before its last byte');
    done = p.feed(buf.subarray(i, i + step));
  }
  return { done, p };
}

const fixed = 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\nKeep-Alive: timeout=5\r\n\r\n{"a":"b c"}';
const chunked =
  'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\n4;ext=1\r\n{"a"\r\n7\r\n:"b c"}\r\n0\r\nX-Trailer: t\r\n\r\n';

test('parser: Content-Length and chunked bodies, fed whole or byte by byte', () => {
  for (const step of [1, 3, 1000]) {
    const a = parse(fixed, step);
    assert.ok(a.done, `fixed, step ${step}`);
    const r = a.p.result();
    assert.is(r.status, 200);
    assert.is(r.body.toString(), '{"a":"b c"}');
    assert.is(r.headers.get('content-type'), 'application/json');
    assert.ok(r.keepAlive);
    assert.is(r.keepAliveMs, 5000);
    const b = parse(chunked, step);
    assert.ok(b.done, `chunked, step ${step}`);
    assert.is(b.p.result().body.toString(), '{"a":"b c"}');
    assert.is(b.p.result().headers.get('set-cookie'), 'a=1, b=2');
  }
});

test('parser: interim 1xx skipped, 204 without a body, a body until close, Connection: close and HTTP/1.0', () => {
  const a = parse('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 500 Internal Server Error\r\nContent-Length: 2\r\n\r\nno', 2);
  assert.ok(a.done);
  assert.is(a.p.result().status, 500);
  assert.is(a.p.result().body.toString(), 'no');
  const b = parse('HTTP/1.1 204 No Content\r\n\r\n');
  assert.ok(b.done);
  assert.is(b.p.result().body.length, 0);
  const c = parse('HTTP/1.1 200 OK\r\n\r\npart one, ', 4);
  assert.not.ok(c.done, 'no framing: the body runs to the end of the connection');
  assert.ok(c.p.end());
  assert.is(c.p.result().body.toString(), 'part one, ');
  assert.not.ok(c.p.result().keepAlive);
  assert.not.ok(parse('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n').p.result().keepAlive);
  assert.not.ok(parse('HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n').p.result().keepAlive);
  assert.ok(parse('HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n').p.result().keepAlive);
  // a torn fixed-length body is not complete when the connection ends
  const d = parse('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc');
  assert.not.ok(d.done);
  assert.not.ok(d.p.end());
});

test('parser: malformed framing throws', () => {
  for (const bad of [
    'HTTP/2 200\r\n\r\n',
    'SMTP ready\r\n\r\n',
    'HTTP/1.1 200 OK\r\nno colon here\r\n\r\n',
    'HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n',
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n',
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabXY',
  ])
    assert.throws(() => parse(bad), undefined, JSON.stringify(bad));
  assert.throws(() => new ResponseParser().feed(Buffer.alloc(70 * 1024, 65)), /longer than/);
});

const servers: (Server | NetServer)[] = [];
test.after.each(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => ((s as { closeAllConnections?: () => void }).closeAllConnections?.(), s.close(r)))));
});
async function listen<S extends Server | NetServer>(s: S): Promise<URL> {
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return new URL(`http://127.0.0.1:${(s.address() as AddressInfo).port}/v1`);
}
const signal = () => new AbortController().signal;

test('client: one keep-alive socket serves sequential requests; chunked and fixed responses; request head and body arrive', async () => {
  const sockets = new Set<Socket>();
  const seen: { method: string; url: string; auth: string | undefined; body: string }[] = [];
  const s = createHttpServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, auth: req.headers.authorization, body });
      if (seen.length % 2)
        res.end(`echo ${body}`); // Node frames this with Content-Length
      else (res.write('echo '), res.end(body)); // and this one chunked
    });
  });
  s.on('connection', (c) => sockets.add(c));
  const url = await listen(s);
  const c = new Http1Client(url);
  for (let i = 0; i < 4; i++) {
    const r = await c.request('POST', '/v1/completions', 'authorization: Bearer k\r\n', `{"i":${i},"t":"é✓😀"}`, signal());
    assert.is(r.status, 200);
    assert.is(r.body.toString(), `echo {"i":${i},"t":"é✓😀"}`, 'a multi-byte body arrives whole (its length in bytes)');
  }
  assert.is(sockets.size, 1, 'the socket was reused');
  assert.equal(seen[0], { method: 'POST', url: '/v1/completions', auth: 'Bearer k', body: '{"i":0,"t":"é✓😀"}' });
  assert.is(c.idleCount, 1);
  c.close();
  assert.is(c.idleCount, 0);
});

test('client: concurrent requests open their own sockets, then share them; an idle socket closes before the server hint', async () => {
  const sockets = new Set<Socket>();
  const s = createHttpServer((_req, res) => setTimeout(() => res.end('ok'), 20));
  s.keepAliveTimeout = 1500; // Node then sends Keep-Alive: timeout=1; the client keeps the socket 1 s less: not at all
  s.on('connection', (c) => sockets.add(c));
  const url = await listen(s);
  const c = new Http1Client(url);
  await Promise.all(Array.from({ length: 8 }, () => c.request('POST', '/v1/x', '', '', signal())));
  assert.is(sockets.size, 8);
  assert.is(c.idleCount, 0, 'a 1 s hint leaves no time to reuse safely');
  s.keepAliveTimeout = 5000;
  await Promise.all(Array.from({ length: 4 }, () => c.request('POST', '/v1/x', '', '', signal())));
  assert.is(c.idleCount, 4);
  await Promise.all(Array.from({ length: 4 }, () => c.request('POST', '/v1/x', '', '', signal())));
  assert.is(sockets.size, 12, 'the second round reused the four idle sockets');
  c.close();
});

test('client: reset, a torn body and bad framing reject with ConnectionError; abort rejects with its reason; a server that closes after each response is fine', async () => {
  let mode = 'reset';
  const s = createNetServer((sock) => {
    sock.on('data', () => {
      if (mode === 'reset') sock.destroy();
      else if (mode === 'torn') sock.end('HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n{"half":');
      else if (mode === 'garbage') sock.write('HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n');
      else if (mode === 'close') sock.end('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok');
      // 'hang': never answers
    });
  });
  const url = await listen(s);
  const c = new Http1Client(url);
  const post = (sig = signal()) => c.request('POST', '/v1/x', '', '{}', sig);
  for (const m of ['reset', 'torn', 'garbage']) {
    mode = m;
    const e = await rejects(post());
    assert.instance(e, ConnectionError, m);
    assert.is(c.idleCount, 0, m);
  }
  mode = 'close';
  for (let i = 0; i < 3; i++) assert.is((await post()).body.toString(), 'ok');
  assert.is(c.idleCount, 0, 'Connection: close is honoured');
  mode = 'hang';
  const ac = new AbortController();
  const pending = post(ac.signal);
  setTimeout(() => ac.abort(new Error('deadline')), 30);
  assert.is((await rejects(pending)).message, 'deadline');
  assert.is((await rejects(post(AbortSignal.abort(new Error('before'))))).message, 'before');
});

test('client: a socket the server closed while idle is dropped, not reused', async () => {
  const sockets = new Set<Socket>();
  const s = createHttpServer((_req, res) => res.end('ok'));
  s.keepAliveTimeout = 5000;
  s.on('connection', (c) => sockets.add(c));
  const url = await listen(s);
  const c = new Http1Client(url);
  await c.request('POST', '/v1/x', '', '', signal());
  assert.is(c.idleCount, 1);
  for (const k of sockets) k.destroy();
  for (let i = 0; i < 50 && c.idleCount; i++) await new Promise((r) => setTimeout(r, 5));
  assert.is(c.idleCount, 0);
  assert.is((await c.request('POST', '/v1/x', '', '', signal())).body.toString(), 'ok');
});

/** A throwaway self-signed certificate for 127.0.0.1, made per run (no private key is committed); null without openssl. */
function selfSigned(): { cert: Buffer; key: Buffer } | null {
  const dir = mkdtempSync(join(tmpdir(), 'steptree-tls-'));
  const r = spawnSync('openssl', [
    ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1'],
    ...['-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-subj', '/CN=localhost'],
    ...['-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'],
  ]);
  if (r.status !== 0) return null;
  return { cert: readFileSync(join(dir, 'cert.pem')), key: readFileSync(join(dir, 'key.pem')) };
}

test('client over https: a private CA is trusted when given, refused otherwise', async () => {
  const pair = selfSigned();
  if (!pair) return void console.log('  skipped: the https test needs openssl to make a throwaway certificate');
  const { cert, key } = pair;
  const s = createHttpsServer({ cert, key }, (req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => res.end(`tls ${body}`));
  });
  const url = await listen(s as unknown as Server);
  url.protocol = 'https:';
  const c = new Http1Client(url, { tls: { ca: cert } });
  for (let i = 0; i < 2; i++) assert.is((await c.request('POST', '/v1/x', '', `{"i":${i}}`, signal())).body.toString(), `tls {"i":${i}}`);
  assert.is(c.idleCount, 1);
  c.close();
  const e = await rejects(new Http1Client(url).request('POST', '/v1/x', '', '{}', signal()));
  assert.instance(e, ConnectionError);
  assert.match(e.message, /self.signed|certificate/i);
});

test.run();
