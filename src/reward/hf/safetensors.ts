import { closeSync, existsSync, openSync, readFileSync, readSync, fstatSync } from 'node:fs';
import { join } from 'node:path';
import { FormatError } from '../../core/errors.ts';

/** What the header says about one tensor. */
export interface TensorEntry {
  readonly name: string;
  readonly dtype: 'F32' | 'F16' | 'BF16';
  readonly shape: readonly number[];
  readonly file: string;
  /** Absolute byte offset of the data in `file`. */
  readonly offset: number;
  readonly bytes: number;
}

const WIDTH = { F32: 4, F16: 2, BF16: 2 } as const;

/** Parses one file's header (8-byte little-endian length, then JSON); reads nothing else. */
export function readHeader(file: string): TensorEntry[] {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const len8 = Buffer.alloc(8);
    if (readSync(fd, len8, 0, 8, 0) !== 8) throw new FormatError(file, 'too short for a safetensors header');
    const n = Number(len8.readBigUInt64LE(0));
    if (!(n > 1 && 8 + n <= size)) throw new FormatError(file, `header length ${n} does not fit a ${size}-byte file`);
    const buf = Buffer.alloc(n);
    readSync(fd, buf, 0, n, 8);
    let json: Record<string, { dtype?: string; shape?: number[]; data_offsets?: [number, number] }>;
    try {
      json = JSON.parse(buf.toString('utf8'));
    } catch (e) {
      throw new FormatError(file, `header is not JSON: ${(e as Error).message}`);
    }
    const out: TensorEntry[] = [];
    for (const [name, t] of Object.entries(json)) {
      if (name === '__metadata__') continue;
      const dtype = t.dtype as TensorEntry['dtype'];
      if (!Object.hasOwn(WIDTH, dtype)) throw new FormatError(file, `tensor ${name}: dtype ${t.dtype} not supported (F32, F16, BF16)`);
      const [a, b] = t.data_offsets ?? [NaN, NaN];
      const shape = t.shape ?? [];
      const count = shape.reduce((x, y) => x * y, 1);
      if (!(b - a === count * WIDTH[dtype] && 8 + n + b <= size))
        throw new FormatError(file, `tensor ${name}: data_offsets ${JSON.stringify(t.data_offsets)} do not match shape ${JSON.stringify(shape)} ${dtype}`);
      out.push({ name, dtype, shape, file, offset: 8 + n + a, bytes: b - a });
    }
    return out;
  } finally {
    closeSync(fd);
  }
}

/** All tensors of a checkpoint folder: `model.safetensors`, or the shards named by `model.safetensors.index.json`. */
export function listTensors(dir: string): Map<string, TensorEntry> {
  const index = join(dir, 'model.safetensors.index.json');
  let files: string[];
  if (existsSync(index)) {
    const map = (JSON.parse(readFileSync(index, 'utf8')) as { weight_map?: Record<string, string> }).weight_map;
    if (!map || typeof map !== 'object') throw new FormatError(index, 'no `weight_map`');
    files = [...new Set(Object.values(map))];
  } else if (existsSync(join(dir, 'model.safetensors'))) files = ['model.safetensors'];
  else throw new FormatError(dir, 'no model.safetensors or model.safetensors.index.json (only safetensors checkpoints are read)');
  const out = new Map<string, TensorEntry>();
  for (const f of files) for (const e of readHeader(join(dir, f))) out.set(e.name, e);
  return out;
}

const f16Table = (() => {
  // All 65 536 half values, so widening is one lookup per element.
  const t = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const s = h & 0x8000 ? -1 : 1,
      e = (h >> 10) & 0x1f,
      m = h & 0x3ff;
    t[h] = e === 0 ? s * m * 2 ** -24 : e === 31 ? (m ? NaN : s * Infinity) : s * (1 + m / 1024) * 2 ** (e - 15);
  }
  return t;
})();

/**
 * Reads `rows` (all when omitted) of a tensor's leading axis from its file, by offset, widened to fp32.
 * Only those bytes are read, so an LM head reduced to two label rows costs two rows of I/O.
 */
export function readTensor(e: TensorEntry, rows?: readonly number[]): Float32Array {
  const rowLen = e.shape.slice(1).reduce((x, y) => x * y, 1);
  const w = WIDTH[e.dtype];
  const pick = rows ?? null;
  const n = pick ? pick.length * rowLen : e.bytes / w;
  const raw = new Uint8Array(n * w);
  const fd = openSync(e.file, 'r');
  try {
    if (!pick) readFull(fd, raw, 0, raw.length, e.offset, e);
    else
      pick.forEach((r, i) => {
        if (!(r >= 0 && r < (e.shape[0] ?? 0))) throw new FormatError(e.file, `tensor ${e.name}: row ${r} out of range ${e.shape[0]}`);
        readFull(fd, raw, i * rowLen * w, rowLen * w, e.offset + r * rowLen * w, e);
      });
  } finally {
    closeSync(fd);
  }
  if (e.dtype === 'F32') return new Float32Array(raw.buffer, 0, n);
  const half = new Uint16Array(raw.buffer, 0, n);
  const out = new Float32Array(n);
  if (e.dtype === 'BF16') {
    const bits = new Uint32Array(out.buffer);
    for (let i = 0; i < n; i++) bits[i] = half[i]! << 16;
  } else for (let i = 0; i < n; i++) out[i] = f16Table[half[i]!]!;
  return out;
}

function readFull(fd: number, buf: Uint8Array, at: number, len: number, pos: number, e: TensorEntry) {
  // readSync caps one call at 2 GiB; loop until the whole range is in.
  let done = 0;
  while (done < len) {
    const k = readSync(fd, buf, at + done, Math.min(len - done, 1 << 30), pos + done);
    if (k <= 0) throw new FormatError(e.file, `tensor ${e.name}: file ends early`);
    done += k;
  }
}
