import { FormatError, MissingDependencyError } from '../../core/errors.ts';
import { files } from '../../core/files.ts';

const { readFile } = files; // node:fs/promises where there is one, fetch in browsers

/** How a saved model tokenizes; stored in config.json. `file` is relative to the model directory. */
export type TokenizerSpec = { readonly type: 'bytes' } | { readonly type: 'hf'; readonly file: string };

export interface TextTokenizer {
  readonly spec: TokenizerSpec;
  readonly vocabSize: number;
  /** Token ids, at most `maxTokens` of them, never empty (so every text pools to a defined vector). */
  encode(text: string, maxTokens: number): number[];
}

/** Special ids of the byte tokenizer; byte b has id b + BYTE_OFFSET. */
export const PAD_ID = 0;
export const BOS_ID = 1;
export const EOS_ID = 2;
export const UNK_ID = 3;
export const BYTE_OFFSET = 4;

/** Default tokenizer: BOS + UTF-8 bytes. Needs no vocabulary file, so any model dir is self-contained. */
export class ByteTokenizer implements TextTokenizer {
  readonly spec: TokenizerSpec = { type: 'bytes' };
  readonly vocabSize = 256 + BYTE_OFFSET;
  private readonly enc = new TextEncoder();

  encode(text: string, maxTokens: number): number[] {
    const bytes = this.enc.encode(text);
    const n = Math.min(bytes.length, Math.max(0, maxTokens - 1));
    const ids = new Array<number>(n + 1);
    ids[0] = BOS_ID;
    for (let i = 0; i < n; i++) ids[i + 1] = bytes[i]! + BYTE_OFFSET;
    return ids;
  }
}

interface HFTokenizerLike {
  encode(text: string, options?: { add_special_tokens?: boolean }): { ids: (number | undefined)[] };
  get_vocab?(): Map<string, number> | Record<string, number>;
}

/**
 * A HuggingFace `tokenizer.json`, run by the pure-JS `@huggingface/tokenizers` (checked on Node 20 with
 * version 0.2.0). Ids the library cannot map (it returns `undefined` for WordLevel unknowns) become `unkId`.
 */
export class HFTokenizer implements TextTokenizer {
  readonly spec: TokenizerSpec;
  constructor(
    private readonly tok: HFTokenizerLike,
    readonly vocabSize: number,
    file: string,
    private readonly unkId: number,
    /** Where the tokenizer.json was read from; saving copies it into the model directory. */
    readonly sourcePath: string,
  ) {
    this.spec = { type: 'hf', file };
  }

  encode(text: string, maxTokens: number): number[] {
    const ids = this.tok.encode(text, { add_special_tokens: true }).ids;
    const out: number[] = [];
    for (const id of ids.slice(0, maxTokens)) out.push(typeof id === 'number' && id >= 0 && id < this.vocabSize ? id : this.unkId);
    if (out.length === 0) out.push(this.unkId);
    return out;
  }
}

export type ModuleLoader = (specifier: string) => Promise<unknown>;
const defaultLoader: ModuleLoader = (s) => import(s);

/** Load a HuggingFace tokenizer.json (and tokenizer_config.json next to it when present). */
export async function loadHFTokenizer(path: string, opts: { fileName?: string; load?: ModuleLoader } = {}): Promise<HFTokenizer> {
  let mod: { Tokenizer?: new (json: object, config: object) => HFTokenizerLike };
  try {
    mod = (await (opts.load ?? defaultLoader)('@huggingface/tokenizers')) as typeof mod;
  } catch (e) {
    throw new MissingDependencyError('@huggingface/tokenizers', 'a HuggingFace tokenizer.json', e);
  }
  if (typeof mod.Tokenizer !== 'function')
    throw new MissingDependencyError('@huggingface/tokenizers', 'a HuggingFace tokenizer.json', new Error('module has no Tokenizer export'));
  let json: { model?: { vocab?: unknown; unk_token?: string }; added_tokens?: { id: number; content: string }[] };
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new FormatError(path, `cannot read tokenizer: ${(e as Error).message}`);
  }
  let config: object = {};
  try {
    config = JSON.parse(await readFile(path.replace(/tokenizer\.json$/, 'tokenizer_config.json'), 'utf8'));
  } catch {
    /* optional file */
  }
  const tok = new mod.Tokenizer(json, config);
  const vocabSize = hfVocabSize(json);
  if (vocabSize <= 0) throw new FormatError(path, 'tokenizer has an empty vocabulary');
  const unkToken = json.model?.unk_token;
  const unkId = (unkToken !== undefined ? lookup(json, unkToken) : undefined) ?? 0;
  return new HFTokenizer(tok, vocabSize, opts.fileName ?? 'tokenizer.json', unkId, path);
}

function lookup(json: { model?: { vocab?: unknown }; added_tokens?: { id: number; content: string }[] }, token: string): number | undefined {
  const v = json.model?.vocab;
  if (v && !Array.isArray(v) && typeof (v as Record<string, number>)[token] === 'number') return (v as Record<string, number>)[token];
  return json.added_tokens?.find((t) => t.content === token)?.id;
}

/** Largest id + 1 over the model vocab (object for BPE/WordPiece/WordLevel, [token, score][] for Unigram) and added tokens. */
function hfVocabSize(json: { model?: { vocab?: unknown }; added_tokens?: { id: number }[] }): number {
  let max = -1;
  const v = json.model?.vocab;
  if (Array.isArray(v)) max = v.length - 1;
  else if (v && typeof v === 'object') for (const id of Object.values(v as Record<string, number>)) if (id > max) max = id;
  for (const t of json.added_tokens ?? []) if (t.id > max) max = t.id;
  return max + 1;
}
