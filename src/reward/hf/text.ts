import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Template } from '@huggingface/jinja';
import { Tokenizer } from '@huggingface/tokenizers';
import { FormatError, ModelConfigError } from '../../core/errors.ts';
import { stepSegment, templateParts, type LabelTokens, type StepFormat } from '../formats.ts';

type TokenizerConfig = Record<string, unknown> & { chat_template?: string | { name: string; template: string }[] };

const tokenText = (v: unknown): string | undefined =>
  typeof v === 'string'
    ? v
    : v && typeof v === 'object' && typeof (v as { content?: unknown }).content === 'string'
      ? (v as { content: string }).content
      : undefined;

/**
 * A checkpoint's text side: `tokenizer.json` through @huggingface/tokenizers and, for formats that say so, the
 * `chat_template` of `tokenizer_config.json` through @huggingface/jinja (with bos/eos tokens passed as transformers
 * does). The score of a step is read at the last token of the text through that step, which must be the tag.
 */
export class HfText {
  private readonly template: Template | null;
  private readonly heads = new Map<string, { head: string; tail: string }>();

  private constructor(
    readonly tokenizer: Tokenizer,
    private readonly config: TokenizerConfig,
    readonly format: StepFormat,
    readonly dir: string,
  ) {
    const t = config.chat_template;
    const src = Array.isArray(t) ? t.find((x) => x.name === 'default')?.template : t;
    this.template = format.chatSystem && typeof src === 'string' ? new Template(src) : null;
  }

  static load(dir: string, format: StepFormat): HfText {
    const tj = join(dir, 'tokenizer.json'),
      tc = join(dir, 'tokenizer_config.json');
    if (!existsSync(tj)) throw new ModelConfigError(tj, 'tokenizer.json missing (only fast-tokenizer checkpoints are read)');
    const json = JSON.parse(readFileSync(tj, 'utf8'));
    const config = existsSync(tc) ? (JSON.parse(readFileSync(tc, 'utf8')) as TokenizerConfig) : {};
    return new HfText(new Tokenizer(json, config), config, format, dir);
  }

  /** Whether the text comes from the checkpoint's chat template (else the format's string template). */
  get usesChatTemplate(): boolean {
    return this.template !== null;
  }

  /** Text before the first step and after the last (memoised per problem). */
  parts(problem: string): { head: string; tail: string } {
    let p = this.heads.get(problem);
    if (!p) {
      p = this.template ? this.chatParts(problem) : templateParts(this.format, problem);
      if (this.heads.size > 1024) this.heads.clear();
      this.heads.set(problem, p);
    }
    return p;
  }

  private chatParts(problem: string): { head: string; tail: string } {
    const mark = '\u0000steps\u0000';
    const clean = templateParts({ ...this.format, template: '{problem}' }, problem).head;
    const c = this.config;
    const text = this.template!.render({
      messages: [
        { role: 'system', content: this.format.chatSystem },
        { role: 'user', content: clean },
        { role: 'assistant', content: mark },
      ],
      add_generation_prompt: false,
      bos_token: tokenText(c.bos_token) ?? '',
      eos_token: tokenText(c.eos_token) ?? '',
      pad_token: tokenText(c.pad_token),
      unk_token: tokenText(c.unk_token),
    });
    const i = text.indexOf(mark);
    if (i < 0) throw new FormatError(join(this.dir, 'tokenizer_config.json'), 'chat_template does not render the assistant message');
    return { head: text.slice(0, i), tail: text.slice(i + mark.length) };
  }

  /** The text through the last step (what scoring that step needs; the tail never affects it). */
  through(problem: string, steps: readonly string[]): string {
    return this.parts(problem).head + steps.map((s, i) => stepSegment(this.format, s, i)).join('');
  }

  render(problem: string, steps: readonly string[]): string {
    return this.through(problem, steps) + this.parts(problem).tail;
  }

  encode(text: string): number[] {
    return this.tokenizer.encode(text, { add_special_tokens: this.format.addSpecialTokens ?? false }).ids;
  }

  /** Ids through the last step, checked to end on the step tag (where the model reads its verdict). */
  encodeThrough(problem: string, steps: readonly string[]): number[] {
    const ids = this.encode(this.through(problem, steps));
    const tag = this.format.tag;
    if (tag && ids.length) {
      const last = this.tokenizer.decode([ids[ids.length - 1]!], { skip_special_tokens: false });
      if (!last || !(last.endsWith(tag) || tag.endsWith(last))) {
        throw new FormatError(
          join(this.dir, 'tokenizer.json'),
          `format ${this.format.name}: the text through a step ends in token ${JSON.stringify(last)}, not the step tag ${JSON.stringify(tag)} (a trailing post-processor token, or a tokenizer that merges the tag)`,
        );
      }
    }
    return ids;
  }

  /** [good, bad] token ids for an LM-head PRM, or null when the format has no label tokens. */
  labelIds(): [number, number] | null {
    const f = this.format as Partial<LabelTokens> & StepFormat;
    if (!f.good || !f.bad) return null;
    const plain = (s: string) => this.tokenizer.encode(s, { add_special_tokens: false }).ids;
    const ids: [number, number] =
      f.labelEncoding === 'pair'
        ? (() => {
            const p = plain(`${f.good} ${f.bad}`);
            return [p[0]!, p[p.length - 1]!];
          })()
        : [plain(f.good).at(-1)!, plain(f.bad).at(-1)!];
    if (ids.some((x) => x === undefined) || ids[0] === ids[1])
      throw new FormatError(
        join(this.dir, 'tokenizer.json'),
        `label tokens ${JSON.stringify(f.good)} / ${JSON.stringify(f.bad)} do not encode to two distinct ids`,
      );
    return ids;
  }
}
