import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A response cache on disk: the key is the sha256 of the full request (endpoint, model, prompt, every sampling
 * parameter, sample index, seed), so a resumed or repeated run never pays twice for a call and n samples never
 * collapse into one. One file per entry under `dir/ab/<hash>.json`, written to a temporary name and renamed, so a
 * crash never leaves a torn entry; a torn or unreadable file reads as a miss. Secrets never go into keys.
 */
export class ResponseCache {
  hits = 0;
  misses = 0;
  writes = 0;
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  static key(request: unknown): string {
    return createHash('sha256').update(stableJson(request)).digest('hex');
  }

  get<T>(key: string): T | undefined {
    try {
      const v = JSON.parse(readFileSync(this.path(key), 'utf8')) as { key: string; value: T };
      if (v.key === key) return this.hits++, v.value;
    } catch {
      // a missing or torn entry is a miss
    }
    this.misses++;
    return undefined;
  }

  set(key: string, value: unknown, request?: unknown): void {
    const file = this.path(key);
    mkdirSync(join(this.dir, key.slice(0, 2)), { recursive: true });
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    writeFileSync(tmp, JSON.stringify({ key, request, value }));
    renameSync(tmp, file);
    this.writes++;
  }

  private path(key: string): string {
    return join(this.dir, key.slice(0, 2), `${key}.json`);
  }
}

/** JSON with object keys sorted, so equal requests hash equal whatever order their fields were built in. */
export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).filter((k) => (v as Record<string, unknown>)[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}
