/**
 * Step formats: how a problem and its steps are written out for a PRM and where each step's score is read.
 * One table for every PRM that reads a real model's text format: HttpPRM (a served model) and HfPRM (a local
 * checkpoint). The HTTP fields (`endpoint`, `path`, `topLogprobs`, `extraBody`) only matter to HttpPRM; the
 * in-process PRM reads the score at the last token of each step's text (the tag), from the head the checkpoint has.
 */
interface FormatBase {
  readonly name: string;
  /** The whole text; `{problem}` and `{steps}` are replaced. Text after `{steps}` never affects a step score. */
  readonly template: string;
  /** One step in the text; `{step}` and `{n}` (1-based) are replaced. */
  readonly stepTemplate: string;
  readonly joiner: string;
  /** Whether the tokenizer adds its special tokens (BOS) when encoding, as the model card's code does. */
  readonly addSpecialTokens?: boolean;
  /**
   * Render with the checkpoint's own `chat_template` when it has one: messages system (this text), user
   * (`{problem}`), assistant (`{steps}`), `add_generation_prompt` false. `template` is the same text written out,
   * for a server or a checkpoint without a template.
   */
  readonly chatSystem?: string;
  /**
   * How an in-process LM head finds the ids of `good` and `bad`: `pair` encodes "good bad" and takes the first and
   * last token (Math-Shepherd's card: `encode("+ -")[1:]`, the tokens with a leading space); `alone` (default)
   * encodes each by itself and takes its last token (RLHFlow's card).
   */
  readonly labelEncoding?: 'pair' | 'alone';
}
interface HttpFields {
  /** Request path under the server root. */
  readonly path: string;
  /** Extra request fields (e.g. a pooling `task` on vLLM versions that want it). */
  readonly extraBody?: Readonly<Record<string, unknown>>;
}
/** Label tokens read from an LM head: P(good) against P(bad) for the token after the tag. */
export interface LabelTokens {
  readonly good: string;
  readonly bad: string;
}
export interface LogprobFormat extends FormatBase, HttpFields, LabelTokens {
  readonly endpoint: 'completions-logprobs';
  /** Marks each step's end; removed from problem and step texts so only real step ends carry it. */
  readonly tag: string;
  /** How many top tokens to ask for; good and bad must be among them. */
  readonly topLogprobs: number;
}
export interface PoolingFormat extends FormatBase, HttpFields {
  readonly endpoint: 'pooling';
  readonly tag: string;
  /** Which class of each row means "step is correct". */
  readonly positiveIndex: number;
}
export interface ClassifyFormat extends FormatBase, HttpFields {
  readonly endpoint: 'classify';
  readonly tag?: undefined;
  readonly positiveIndex: number;
}
export type HttpStepFormat = LogprobFormat | PoolingFormat | ClassifyFormat;
/** A format only an in-process model can read (its score is predicted past the end of the prompt). */
export interface LocalFormat extends FormatBase, Partial<LabelTokens> {
  readonly endpoint?: undefined;
  readonly tag?: string;
  readonly positiveIndex?: number;
}
export type StepFormat = HttpStepFormat | LocalFormat;

const QWEN_SYSTEM = 'Please reason step by step, and put your final answer within \\boxed{}.';
const LLAMA3_TURN = (role: string) => `<|start_header_id|>${role}<|end_header_id|>\n\n`;

export const httpStepFormats = {
  // peiyi9979/math-shepherd-mistral-7b-prm: "Step n: … ки" lines; '+' / '-' predicted after each ки.
  // Its card encodes with tokenizer.encode (BOS added).
  'math-shepherd': {
    name: 'math-shepherd',
    endpoint: 'completions-logprobs',
    path: '/v1/completions',
    template: '{problem} {steps}',
    stepTemplate: 'Step {n}: {step} ки',
    joiner: '\n',
    tag: 'ки',
    good: '+',
    bad: '-',
    topLogprobs: 20,
    addSpecialTokens: true,
    labelEncoding: 'pair',
  },
  // Qwen/Qwen2.5-Math-PRM-7B/72B: the chat template with `<extra_0>` after every step (as on its model card).
  // vLLM's Qwen2ForProcessRewardModel pools at token 151651 (<extra_0>) with softmax, so rows are [P(wrong), P(right)].
  // No `task` field by default: older servers reject values they do not know; newer ones may want extraBody below.
  'qwen2.5-math-prm': {
    name: 'qwen2.5-math-prm',
    endpoint: 'pooling',
    path: '/pooling',
    template: `<|im_start|>system\n${QWEN_SYSTEM}<|im_end|>\n<|im_start|>user\n{problem}<|im_end|>\n<|im_start|>assistant\n{steps}<|im_end|>\n`,
    stepTemplate: '{step}<extra_0>',
    joiner: '',
    tag: '<extra_0>',
    positiveIndex: 1,
    chatSystem: QWEN_SYSTEM,
    addSpecialTokens: false,
  },
  // A sequence classifier over problem + steps so far, steps separated by blank lines.
  plain: {
    name: 'plain',
    endpoint: 'classify',
    path: '/classify',
    template: '{problem}\n\n{steps}',
    stepTemplate: '{step}',
    joiner: '\n\n',
    positiveIndex: 1,
  },
} as const satisfies Record<string, HttpStepFormat>;

export const stepFormats = {
  ...httpStepFormats,
  // RLHFlow Llama3.1-8B-PRM-{Mistral,Deepseek}-Data: each step is a user turn (the first one after the problem and
  // a space), the assistant answers '+' or '-'; P('+') against P('-') is read where the assistant's answer starts.
  // The Llama 3 chat layout is written out (BOS in the text, so the tokenizer adds none); the card's prefix turns are
  // assumed to be '+'.
  rlhflow: {
    name: 'rlhflow',
    template: `<|begin_of_text|>${LLAMA3_TURN('user')}{problem} {steps}`,
    stepTemplate: `{step}<|eot_id|>${LLAMA3_TURN('assistant')}`,
    joiner: `+<|eot_id|>${LLAMA3_TURN('user')}`,
    tag: '\n\n',
    good: '+',
    bad: '-',
    addSpecialTokens: false,
  },
} as const satisfies Record<string, StepFormat>;

export type HttpStepFormatName = keyof typeof httpStepFormats;
export type StepFormatName = keyof typeof stepFormats;

function fill(template: string, vars: Record<string, string>): string {
  // One pass over the template only, so braces inside the problem or steps are never substituted.
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (Object.hasOwn(vars, k) ? vars[k]! : m));
}

/** Problem and step texts with the tag removed, so only real step ends carry it. */
const cleaner = (f: StepFormat) => (s: string) => (f.tag && f.tag.trim() ? s.split(f.tag).join('') : s);

/** The text of step `i` (0-based) as it appears in the whole text, joiner before it included. */
export function stepSegment(f: StepFormat, step: string, i: number): string {
  return (i > 0 ? f.joiner : '') + fill(f.stepTemplate, { step: cleaner(f)(step), n: String(i + 1) });
}

/** The text before the first step and after the last, from the string template. */
export function templateParts(f: StepFormat, problem: string): { head: string; tail: string } {
  const mark = '\u0000steps\u0000';
  const [head, tail] = fill(f.template, { problem: cleaner(f)(problem), steps: mark }).split(mark) as [string, string];
  return { head, tail: tail ?? '' };
}

/** The text the model sees for a problem and its steps under a format. */
export function renderPrompt(f: StepFormat, problem: string, steps: readonly string[]): string {
  const { head, tail } = templateParts(f, problem);
  return head + steps.map((s, i) => stepSegment(f, s, i)).join('') + tail;
}
