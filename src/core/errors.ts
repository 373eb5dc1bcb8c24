/** One home for every error steptree throws. Each names what went wrong and where. */
export class SteptreeError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** An option failed validation before any model was called. `option` is its dotted path. */
export class InvalidOptionError extends SteptreeError {
  constructor(
    readonly option: string,
    detail: string,
  ) {
    super(`invalid option \`${option}\`: ${detail}`);
  }
}

/** A policy call failed (network, parse, model error). The engine marks the node failed and goes on. */
export class PolicyError extends SteptreeError {
  constructor(
    readonly nodeId: string,
    cause: unknown,
  ) {
    super(`policy failed on node ${nodeId}: ${errorText(cause)}`, { cause });
  }
}

/** A PRM batch failed. The nodes in it are marked failed and the search goes on. */
export class PRMError extends SteptreeError {
  constructor(
    readonly nodeIds: readonly string[],
    cause: unknown,
  ) {
    super(`PRM failed on ${nodeIds.length} step(s) (${nodeIds.slice(0, 3).join(', ')}${nodeIds.length > 3 ? ', …' : ''}): ${errorText(cause)}`, { cause });
  }
}

/** Nothing could proceed: every expansion failed before any step was scored. */
export class SearchFailedError extends SteptreeError {
  constructor(
    detail: string,
    readonly failures: readonly string[],
    cause?: unknown,
  ) {
    super(`search could not proceed: ${detail}${failures.length ? `\n  first failure: ${failures[0]}` : ''}`, { cause });
  }
}

/** A file or JSON value is not in the expected format. `where` names the file (and line) or JSON path. */
export class FormatError extends SteptreeError {
  constructor(
    readonly where: string,
    detail: string,
  ) {
    super(`${where}: ${detail}`);
  }
}

/** A saved model's config does not match what the loader expects. */
export class ModelConfigError extends SteptreeError {
  constructor(
    readonly where: string,
    detail: string,
  ) {
    super(`${where}: ${detail}`);
  }
}

/** A tfjs backend could not be initialised and the caller asked for no fallback (`strict`). */
export class BackendError extends SteptreeError {
  constructor(
    readonly backend: string,
    detail: string,
    cause?: unknown,
  ) {
    super(`backend ${backend} unavailable: ${detail}`, { cause });
  }
}

/** An optional dependency needed for a feature is not installed or does not load on this runtime. */
export class MissingDependencyError extends SteptreeError {
  constructor(
    readonly module: string,
    readonly feature: string,
    cause?: unknown,
  ) {
    super(`${feature} needs the npm package \`${module}\`, which could not be loaded${cause === undefined ? '' : `: ${errorText(cause)}`}`, { cause });
  }
}

export function errorText(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

/** An HTTP model server failed or answered with an error. `status` is null when no response came (network, timeout). */
export class HttpPRMError extends SteptreeError {
  constructor(
    readonly url: string,
    readonly status: number | null,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`PRM server ${url} ${status === null ? 'gave no response' : `answered HTTP ${status}`}: ${detail}`, options);
  }
}

/** A policy or PRM call gave no answer within its per-call timeout (`SearchOptions.timeouts`). */
export class CallTimeoutError extends SteptreeError {
  constructor(
    readonly role: 'policy' | 'PRM',
    readonly callee: string,
    readonly ms: number,
  ) {
    super(`${role} ${callee} timed out after ${ms} ms`);
  }
}
