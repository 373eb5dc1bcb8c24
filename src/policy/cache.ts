import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * A response cache on disk: the key is the sha256 of the full request (endpoint, model, prompt, every sampling
 * parameter, sample index, seed), so a resumed or repeated run never pays twice for a call and n samples never
 * collapse into one. One file per entry under `dir/ab/<hash>.json`, written to a temporary name and renamed, so a
 * crash never leaves a torn entry; a torn or unreadable file reads as a miss. Writes run in the background (a
 * write lost to a crash is only a miss later); `flush()` waits for them, and a normal exit (even process.exit)
 * writes what is still pending synchronously. Secrets never go into keys.
 */
export class ResponseCache {
  hits = 0;
  misses = 0;
  writes = 0;
  writeErrors = 0;
  private readonly dirs = new Set<string>();
  private readonly pending = new Map<string, { value: unknown; done: Promise<void>; request: unknown }>();
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  static key(request: unknown): string {
    return createHash('sha256').update(stableJson(request)).digest('hex');
  }

  get<T>(key: string): T | undefined {
    const p = this.pending.get(key);
    if (p) return (this.hits++, p.value as T);
    const file = this.path(key);
    if (existsSync(file)) {
      try {
        const v = JSON.parse(readFileSync(file, 'utf8')) as { key: string; value: T };
        if (v.key === key) return (this.hits++, v.value);
      } catch {
        // a torn or unreadable entry is a miss
      }
    }
    this.misses++;
    return undefined;
  }

  set(key: string, value: unknown, request?: unknown): void {
    const sub = join(this.dir, key.slice(0, 2));
    if (!this.dirs.has(sub)) (mkdirSync(sub, { recursive: true }), this.dirs.add(sub));
    const file = this.path(key);
    const tmp = this.tmpName(file);
    const done = writeFile(tmp, JSON.stringify({ key, request, value }))
      .then(() => rename(tmp, file))
      .then(
        () => void this.writes++,
        () => void this.writeErrors++,
      )
      .finally(() => {
        this.pending.delete(key);
        if (!this.pending.size) busy.delete(this);
      });
    this.pending.set(key, { value, done, request });
    busy.add(this);
  }

  /** Waits for the writes in flight. */
  async flush(): Promise<void> {
    await Promise.all([...this.pending.values()].map((p) => p.done));
  }

  /** At exit, the writes still in flight are done here, synchronously (their own temporary files are left behind). */
  flushSync(): void {
    for (const [key, p] of this.pending) {
      try {
        const file = this.path(key),
          tmp = this.tmpName(file);
        writeFileSync(tmp, JSON.stringify({ key, request: p.request, value: p.value }));
        renameSync(tmp, file);
      } catch {
        this.writeErrors++;
      }
    }
  }

  private tmpName(file: string): string {
    return `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  }

  private path(key: string): string {
    return join(this.dir, key.slice(0, 2), `${key}.json`);
  }
}

/** Caches with writes in flight; one exit hook for all of them. */
const busy = new Set<ResponseCache>();
process.once('exit', () => {
  for (const c of busy) c.flushSync();
});

/** JSON with object keys sorted, so equal requests hash equal whatever order their fields were built in. */
export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}
