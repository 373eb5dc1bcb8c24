import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fetchFiles, files, paths, urlPaths } from '../../src/core/files.ts';

test('on Node, files and paths are node:fs/promises and node:path', async () => {
  const fs = await import('node:fs/promises');
  const path = await import('node:path');
  assert.ok(files.readFile === fs.readFile && paths.join === path.join);
});

test('urlPaths joins URL parts without doubling slashes (and keeps the scheme)', () => {
  assert.equal(urlPaths.join('http://127.0.0.1:1/models/', 'arith-prm', 'config.json'), 'http://127.0.0.1:1/models/arith-prm/config.json');
  assert.equal(urlPaths.join('models/arith-prm', 'weights.bin'), 'models/arith-prm/weights.bin');
  assert.equal(urlPaths.dirname('a/b/c.json'), 'a/b');
});

test('fetchFiles reads text and bytes over HTTP; a 404 is ENOENT; writes say they need a file system', async () => {
  const server = createServer((req, res) => {
    if (req.url === '/a.txt') res.end('héllo');
    else if (req.url === '/b.bin') res.end(Buffer.from([1, 2, 3]));
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    assert.equal(await fetchFiles.readFile(`${base}/a.txt`, 'utf8'), 'héllo');
    assert.equal([...(await fetchFiles.readFile(`${base}/b.bin`))], [1, 2, 3]);
    await fetchFiles.readFile(`${base}/missing`).then(
      () => assert.unreachable(),
      (e) => assert.equal(e.code, 'ENOENT'),
    );
    await fetchFiles.writeFile('x', 'y').then(
      () => assert.unreachable(),
      (e) => assert.match(e.message, /file system/),
    );
  } finally {
    server.close();
  }
});

test.run();
