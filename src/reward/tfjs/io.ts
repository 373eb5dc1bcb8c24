import * as tf from '@tensorflow/tfjs-core';
import { ModelConfigError, errorText } from '../../core/errors.ts';
import { files, paths as path, writeWhole } from '../../core/files.ts';
import { archProblems, paramShapes, type ArchConfig, type Params } from './arch.ts';
import { upgradeKnobs } from './features/knobs.ts';
import { PRMNet, type StepFormat } from './model.ts';
import { ByteTokenizer, HFTokenizer, loadHFTokenizer, type TextTokenizer, type TokenizerSpec } from './tokenizer.ts';

const { copyFile, mkdir, readFile } = files; // node:fs/promises where there is one, fetch in browsers

/**
 * Bump when config.json or the weight layout changes incompatibly. Version 2 moved the five flat knobs of the
 * architecture (places, numbers, bindDigits, head, check) into `features`; version 1 files still load (same weights).
 */
export const FORMAT_VERSION = 2;
const READS = [1, 2];
export const FORMAT_NAME = 'steptree-tfjs-prm';

export interface SavedConfig {
  readonly format: typeof FORMAT_NAME;
  readonly version: number;
  readonly architecture: ArchConfig;
  readonly tokenizer: TokenizerSpec;
  readonly stepFormat: StepFormat;
  /** Free-form facts (training options, loss log, …); not checked by the loader. */
  readonly meta?: Readonly<Record<string, unknown>>;
}

/**
 * A tfjs IOHandler on a directory: `model.json` (weights manifest) + `weights.bin`, written with node:fs,
 * so saving and loading need neither tfjs-node nor fetch. Usable with any tfjs API taking an IOHandler.
 */
export function fileIOHandler(dir: string): tf.io.IOHandler {
  const jsonPath = path.join(dir, 'model.json');
  const binPath = path.join(dir, 'weights.bin');
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      await mkdir(dir, { recursive: true });
      const data = artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.concatenateArrayBuffers(artifacts.weightData as ArrayBuffer | ArrayBuffer[]);
      const manifest = {
        format: artifacts.format ?? FORMAT_NAME,
        generatedBy: artifacts.generatedBy ?? 'steptree',
        modelTopology: artifacts.modelTopology ?? null,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
      };
      await writeWhole(binPath, new Uint8Array(data));
      await writeWhole(jsonPath, JSON.stringify(manifest, null, 1));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON({ ...artifacts, weightData: data }) };
    },
    async load(): Promise<tf.io.ModelArtifacts> {
      const json = await readJson(jsonPath);
      const groups = (json as { weightsManifest?: { paths?: unknown; weights?: unknown }[] }).weightsManifest;
      if (!Array.isArray(groups) || groups.length !== 1 || !Array.isArray(groups[0]!.weights))
        throw new ModelConfigError(jsonPath, 'expected weightsManifest with one group of weights');
      const file = path.join(dir, String((groups[0]!.paths as string[] | undefined)?.[0] ?? 'weights.bin'));
      const bin = await readFile(file).catch((e) => {
        throw new ModelConfigError(file, `cannot read weights: ${errorText(e)}`);
      });
      return {
        modelTopology: (json as { modelTopology?: object }).modelTopology ?? undefined,
        weightSpecs: groups[0]!.weights as tf.io.WeightsManifestEntry[],
        weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer,
        format: (json as { format?: string }).format,
      };
    },
  };
}

/** Write model.json + weights.bin + config.json (and the tokenizer.json for a HuggingFace tokenizer) into dir. */
export async function saveNet(net: PRMNet, dir: string, meta?: Record<string, unknown>): Promise<void> {
  const named = Object.entries(net.params).map(([name, tensor]) => ({ name, tensor }));
  const { data, specs } = await tf.io.encodeWeights(named);
  await fileIOHandler(dir).save!({
    modelTopology: { architecture: net.config },
    weightSpecs: specs,
    weightData: data,
    format: FORMAT_NAME,
    generatedBy: 'steptree',
  });
  const tok = net.tokenizer;
  if (tok instanceof HFTokenizer && tok.spec.type === 'hf') {
    const dest = path.join(dir, tok.spec.file);
    if (path.resolve(dest) !== path.resolve(tok.sourcePath)) await copyFile(tok.sourcePath, dest);
  }
  const config: SavedConfig = {
    format: FORMAT_NAME,
    version: FORMAT_VERSION,
    architecture: net.config,
    tokenizer: tok.spec,
    stepFormat: net.stepFormat,
    ...(meta ? { meta } : {}),
  };
  await writeWhole(path.join(dir, 'config.json'), JSON.stringify(config, null, 2) + '\n'); // last: a folder with a new config.json has all its new files
}

/** Load a directory written by saveNet onto the current backend. Any mismatch is a ModelConfigError naming the file. */
export async function loadNet(dir: string): Promise<PRMNet> {
  const cfgPath = path.join(dir, 'config.json');
  const cfg = await readJson(cfgPath);
  const bad = (detail: string) => new ModelConfigError(cfgPath, detail);
  if (cfg.format !== FORMAT_NAME) throw bad(`not a steptree tfjs PRM (format ${JSON.stringify(cfg.format)}, expected "${FORMAT_NAME}")`);
  if (!READS.includes(cfg.version as number))
    throw bad(`format version ${JSON.stringify(cfg.version)} is not supported (this build reads versions ${READS.join(' and ')})`);
  const saved = cfg.architecture as Record<string, unknown> | undefined;
  if (typeof saved !== 'object' || saved === null) throw bad('missing "architecture"');
  const arch = cfg.version === 1 ? fromVersion1(saved, bad) : { features: {}, ...saved };
  const problems = archProblems(arch);
  if (problems.length) throw bad(`architecture.${problems[0]!.field}: ${problems[0]!.detail}`);
  const sf = cfg.stepFormat as Record<string, unknown> | undefined;
  if (typeof sf !== 'object' || sf === null || typeof sf.trim !== 'boolean') throw bad('stepFormat: expected { "trim": boolean }');
  const tokenizer = await loadTokenizer(dir, cfg.tokenizer, cfgPath);
  if (tokenizer.vocabSize !== arch.vocabSize) throw bad(`architecture.vocabSize is ${arch.vocabSize} but the tokenizer has ${tokenizer.vocabSize} ids`);
  if ((arch.features as ArchConfig['features']).digitSlots && tokenizer.spec.type !== 'bytes')
    throw bad('architecture.features.digitSlots: digit place embeddings need the byte tokenizer');
  const config = arch as unknown as ArchConfig;

  const artifacts = await fileIOHandler(dir).load!();
  const jsonPath = path.join(dir, 'model.json');
  let tensors: tf.NamedTensorMap;
  try {
    tensors = tf.io.decodeWeights(artifacts.weightData!, artifacts.weightSpecs!);
  } catch (e) {
    throw new ModelConfigError(path.join(dir, 'weights.bin'), `weights do not match ${jsonPath}: ${errorText(e)}`);
  }
  const params: Params = {};
  const fail = (detail: string) => {
    for (const t of Object.values(tensors)) t.dispose();
    for (const v of Object.values(params)) v.dispose();
    return new ModelConfigError(jsonPath, detail);
  };
  const expected = paramShapes(config);
  for (const name of Object.keys(tensors)) if (!(name in expected)) throw fail(`unexpected weight "${name}" for the architecture in ${cfgPath}`);
  for (const [name, shape] of Object.entries(expected)) {
    const t = tensors[name];
    if (!t) throw fail(`missing weight "${name}" required by the architecture in ${cfgPath}`);
    if (t.dtype !== 'float32' || t.shape.join(',') !== shape.join(','))
      throw fail(`weight "${name}" is ${t.dtype}[${t.shape}] but the architecture in ${cfgPath} needs float32[${shape}]`);
  }
  for (const [name, t] of Object.entries(tensors)) {
    params[name] = tf.variable(t, true);
    t.dispose();
  }
  return new PRMNet(config, params, tokenizer, { trim: sf.trim });
}

/** A version 1 architecture: its flat knobs become features; a bad knob is named as the file spells it. */
function fromVersion1(saved: Record<string, unknown>, bad: (detail: string) => Error): Record<string, unknown> {
  const { arch, problems } = upgradeKnobs(saved);
  if (problems.length) throw bad(`architecture.${problems[0]!.field}: ${problems[0]!.detail}`);
  return arch;
}

async function loadTokenizer(dir: string, spec: unknown, cfgPath: string): Promise<TextTokenizer> {
  const s = spec as { type?: unknown; file?: unknown } | undefined;
  if (s?.type === 'bytes') return new ByteTokenizer();
  if (s?.type === 'hf' && typeof s.file === 'string') {
    const file = path.join(dir, s.file);
    try {
      await readFile(file);
    } catch {
      throw new ModelConfigError(file, `tokenizer file named in ${cfgPath} is missing`);
    }
    return loadHFTokenizer(file, { fileName: s.file });
  }
  throw new ModelConfigError(cfgPath, `tokenizer: expected {"type":"bytes"} or {"type":"hf","file":…}, got ${JSON.stringify(spec)}`);
}

async function readJson(file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new ModelConfigError(file, (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing file' : `cannot read: ${errorText(e)}`);
  }
  try {
    const v = JSON.parse(text);
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('expected a JSON object');
    return v;
  } catch (e) {
    throw new ModelConfigError(file, `invalid JSON: ${errorText(e)}`);
  }
}
