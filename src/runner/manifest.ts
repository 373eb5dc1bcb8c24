import { createReadStream, existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { FormatError, InvalidOptionError } from '../core/errors.ts';
import { configHash, computedPart, canonicalJson, sha256, type BenchConfig } from './config.ts';

export interface Manifest {
  readonly schemaVersion: 1;
  readonly config: BenchConfig;
  readonly configHash: string;
  /** sha256 of the dataset file's bytes (of the spec for generated datasets). */
  readonly datasetHash: string;
  /** True when an offline simulator produced the answers: say so wherever results are shown. */
  readonly simulated: boolean;
  readonly createdAt: string;
}

/** Streams a file through sha256 (a generated dataset such as arith hashes its spec). */
export async function datasetHash(dataset: string, data: string): Promise<string> {
  if (dataset === 'arith') return sha256(`arith:${data}`);
  if (!existsSync(data)) throw new InvalidOptionError('--data', `file ${data} does not exist`);
  const h = createHash('sha256');
  for await (const chunk of createReadStream(data)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/**
 * Writes the manifest of a new run, or checks that a resumed one computes the same thing: a changed
 * config or dataset refuses to resume (mixing two configs in one results file would be a silent lie).
 */
export async function checkOrWriteManifest(dir: string, config: BenchConfig, dataHash: string, simulated: boolean): Promise<{ resumed: boolean }> {
  const file = join(dir, 'manifest.json');
  const hash = configHash(config);
  if (existsSync(file)) {
    let old: Manifest;
    try {
      old = JSON.parse(await readFile(file, 'utf8')) as Manifest;
    } catch (e) {
      throw new FormatError(file, `not a manifest (${(e as Error).message})`);
    }
    if (old.configHash !== hash) {
      const diff = changedFields(old.config ? computedPart(old.config) : {}, computedPart(config));
      throw new InvalidOptionError(
        '--out',
        `${dir} holds a run with a different config (changed: ${diff.join(', ') || 'unknown'}); use a new --out folder, or the same options to resume`,
      );
    }
    if (old.datasetHash !== dataHash)
      throw new InvalidOptionError(
        '--data',
        `the dataset changed since ${dir} was started (sha256 ${old.datasetHash.slice(0, 12)}… → ${dataHash.slice(0, 12)}…); use a new --out folder`,
      );
    return { resumed: true };
  }
  const m: Manifest = { schemaVersion: 1, config, configHash: hash, datasetHash: dataHash, simulated, createdAt: new Date().toISOString() };
  await writeFile(`${file}.tmp`, JSON.stringify(m, null, 2) + '\n');
  await rename(`${file}.tmp`, file);
  return { resumed: false };
}

function changedFields(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => canonicalJson(a[k]) !== canonicalJson(b[k])).sort();
}
