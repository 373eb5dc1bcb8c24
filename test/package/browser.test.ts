// steptree in a browser: an esbuild bundle of fixtures/browser.mjs (package names only, from the installed tarball)
// runs a search with the shipped tfjs PRM on wasm in Debian's chromium, headless through playwright-core, served
// from 127.0.0.1.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { build } from 'esbuild';
import { CHROMIUM, launchChromium } from '../helpers/browser.ts';
import { repo, tfjsProject } from './setup.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.bin': 'application/octet-stream',
  '.jsonl': 'text/plain',
};

function serve(routes: Record<string, string>, bundle: string): Promise<Server> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/')
      return res
        .writeHead(200, { 'content-type': TYPES['.html']! })
        .end('<!doctype html><meta charset="utf-8"><script type="module" src="/bundle.js"></script>');
    if (url.pathname === '/favicon.ico') return res.writeHead(204).end();
    if (url.pathname === '/bundle.js') return res.writeHead(200, { 'content-type': TYPES['.js']! }).end(bundle);
    for (const [prefix, dir] of Object.entries(routes)) {
      if (!url.pathname.startsWith(prefix)) continue;
      const file = normalize(join(dir, url.pathname.slice(prefix.length)));
      if (!file.startsWith(dir) || !existsSync(file)) break;
      return res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
    }
    res.writeHead(404).end();
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r(server)));
}

test('an esbuild bundle runs a search with the wasm tfjs PRM in headless chromium', async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing (apt-get install -y chromium)`);
  const dir = tfjsProject();
  const out = await build({
    entryPoints: [join(repo, 'test/package/fixtures/browser.mjs')],
    nodePaths: [join(dir, 'node_modules')],
    absWorkingDir: dir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  const bundle = out.outputFiles[0]!.text;
  assert.not.match(bundle, /from\s*["']node:|import\(["']node:/, 'the bundle imports a node: module');
  const nm = join(dir, 'node_modules');
  const server = await serve({ '/wasm/': join(nm, '@tensorflow/tfjs-backend-wasm/dist/'), '/models/': join(nm, 'steptree/models/') }, bundle);
  const browser = await launchChromium(); // headless, a fresh profile, the closed-network flags
  const errors: string[] = [];
  try {
    const page = await browser.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('response', (r) => r.status() >= 400 && errors.push(`HTTP ${r.status()} ${r.url()}`));
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await page.waitForFunction(() => (globalThis as { __result?: unknown }).__result !== undefined, undefined, { timeout: 120_000 });
    const result = (await page.evaluate(() => (globalThis as { __result?: unknown }).__result)) as Record<string, unknown>;
    assert.equal(result.error, undefined, `${result.error}\n${errors.join('\n')}`);
    assert.equal(result.backend, 'wasm', JSON.stringify(result));
    assert.ok((result.prmCalls as number) > 0 && (result.nodes as number) > 1);
    const s = result.score as number;
    assert.ok(s > 0 && s < 1, `score ${s}`);
  } finally {
    await browser.close();
    server.close();
  }
});

test.run();
