// The engine entry (steptree = src/index.ts) is platform-neutral: walking its import graph finds no Node built-in
// module, no Node-only global (setImmediate, Buffer, require, …) and no optional peer package. Type-only imports
// do not count (they are erased), so each file is transpiled first and its JavaScript is read.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { builtinModules } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { repo } from './setup.ts';

const NODE_GLOBALS = new Set(['setImmediate', 'clearImmediate', 'Buffer', 'require', '__dirname', '__filename', 'process', 'global']);
const builtins = new Set(builtinModules);
const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; peerDependencies: Record<string, string> };

interface Graph {
  readonly files: string[];
  readonly problems: string[];
  readonly packages: Set<string>;
}

/** Static imports and re-exports, and dynamic import() of a string literal; free uses of Node-only globals. */
function scan(js: string, file: string): { specifiers: string[]; globals: string[] } {
  const sf = ts.createSourceFile(file, js, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const specifiers: string[] = [];
  const globals: string[] = [];
  const visit = (n: ts.Node): void => {
    if ((ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) && n.moduleSpecifier && ts.isStringLiteral(n.moduleSpecifier))
      specifiers.push(n.moduleSpecifier.text);
    if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.ImportKeyword && n.arguments[0] && ts.isStringLiteralLike(n.arguments[0]))
      specifiers.push(n.arguments[0].text);
    if (ts.isIdentifier(n) && NODE_GLOBALS.has(n.text)) {
      const p = n.parent;
      const isName =
        (ts.isPropertyAccessExpression(p) && p.name === n) ||
        (ts.isPropertyAssignment(p) && p.name === n) ||
        ts.isMethodDeclaration(p) ||
        ts.isPropertyDeclaration(p) ||
        (ts.isBindingElement(p) && p.propertyName === n);
      const declared = (ts.isVariableDeclaration(p) || ts.isParameter(p) || ts.isFunctionDeclaration(p) || ts.isBindingElement(p)) && p.name === n;
      if (!isName && !declared) globals.push(`${n.text} (line ${sf.getLineAndCharacterOfPosition(n.getStart()).line + 1} of the JS)`);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return { specifiers, globals };
}

export function walk(entry: string): Graph {
  const seen = new Set<string>();
  const problems: string[] = [];
  const packages = new Set<string>();
  const todo = [resolve(repo, entry)];
  while (todo.length) {
    const file = todo.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const rel = relative(repo, file);
    const js = ts.transpileModule(readFileSync(file, 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
    }).outputText;
    const found = scan(js, file);
    for (const g of found.globals) problems.push(`${rel}: uses ${g}`);
    for (const s of found.specifiers) {
      if (s.startsWith('.')) todo.push(resolve(dirname(file), s));
      else if (s.startsWith('node:') || builtins.has(s)) problems.push(`${rel}: imports ${s}`);
      else packages.add(s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]!);
    }
  }
  return { files: [...seen].map((f) => relative(repo, f)).sort(), problems, packages };
}

test('the walker sees what it must: a node: import, setImmediate and a peer package are found in a known file', () => {
  const g = walk('src/node/tree-file.ts');
  assert.ok(
    g.problems.some((p) => p.includes('imports node:fs')),
    g.problems.join('\n'),
  );
  const tfjs = walk('src/reward/tfjs/index.ts');
  assert.ok(tfjs.packages.has('@tensorflow/tfjs-core'));
  assert.ok(
    tfjs.problems.some((p) => p.startsWith('src/reward/tfjs/train.ts: uses setImmediate')),
    tfjs.problems.join('\n'),
  );
  assert.equal(scan("setImmediate(f); const o = { process: 1 }; o.Buffer; // import 'x'", 'x.js').globals.length, 1);
  assert.equal(scan("import a from 'a'; export { b } from './b.js'; const s = 'import c from \\'c\\''; await import('d');", 'x.js').specifiers, [
    'a',
    './b.js',
    'd',
  ]);
});

test('steptree (src/index.ts): no node: imports, no setImmediate or other Node-only globals, in its whole import graph', () => {
  const g = walk('src/index.ts');
  assert.ok(g.files.includes('src/search/engine.ts') && g.files.includes('src/core/errors.ts'), g.files.join(', '));
  assert.equal(g.problems, []);
});

test('steptree (src/index.ts) imports only regular dependencies, never an optional peer', () => {
  const g = walk('src/index.ts');
  for (const p of g.packages) {
    assert.ok(p in pkg.dependencies, `${p} is not in dependencies`);
    assert.not.ok(p in (pkg.peerDependencies ?? {}), `${p} is an optional peer`);
  }
});

test('steptree/tfjs, steptree/http and steptree/tasks/arith (they run in browsers) have no node: imports', () => {
  for (const entry of ['src/reward/tfjs/index.ts', 'src/reward/http/index.ts', 'src/tasks/arith.ts']) {
    const imports = walk(entry).problems.filter((p) => p.includes(': imports '));
    assert.equal(imports, [], entry);
  }
});

test.run();
