import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { ConnectionError, Http1Client } from './http1.ts';
import type { ParsedResponse } from './http1-parser.ts';

/**
 * How a request body reaches the server. Both transports fail with the SDK's error classes (APIError with status
 * and headers, APIConnectionError, APIConnectionTimeoutError when no complete response came within `timeoutMs`,
 * APIUserAbortError), so one retry classifier serves both.
 */
export type ApiPath = '/completions' | '/chat/completions';

export interface Transport {
  post(path: ApiPath, body: Record<string, unknown>, o: { signal: AbortSignal; timeoutMs: number }): Promise<unknown>;
}

/** The `openai` SDK (any runtime with fetch). Its own retries are off: ours replace them. */
export function sdkTransport(baseURL: string, apiKey: string | undefined, timeoutMs: number): Transport {
  const client = new OpenAI({ baseURL, apiKey: apiKey ?? 'EMPTY', maxRetries: 0, timeout: timeoutMs, logLevel: 'off' });
  return {
    post: async (path, body, o) => {
      // our own deadline, covering a body that stalls after its headers (the SDK's timeout stops at the headers)
      const deadline = new AbortController();
      const timer = setTimeout(() => deadline.abort(), o.timeoutMs);
      const follow = () => deadline.abort(o.signal.reason);
      o.signal.addEventListener('abort', follow, { once: true });
      const opts = { signal: deadline.signal, timeout: o.timeoutMs };
      try {
        return await (path === '/completions' ? client.completions.create(body as never, opts) : client.chat.completions.create(body as never, opts));
      } catch (e) {
        if (deadline.signal.aborted && !o.signal.aborted) throw new APIConnectionTimeoutError({ message: `no complete response within ${o.timeoutMs} ms` });
        throw e;
      } finally {
        clearTimeout(timer);
        o.signal.removeEventListener('abort', follow);
      }
    },
  };
}

/**
 * Our HTTP/1.1 client (`http1.ts`) on node:net / node:tls with keep-alive sockets: about half of node:http's client
 * CPU per request, and an eighth of the SDK's over Node's fetch; a run with hundreds of requests in flight against a fast
 * server is bound by that CPU (benchmarks/runner.ts).
 */
export function nodeTransport(baseURL: string, apiKey: string | undefined): Transport {
  const url = new URL(baseURL);
  const client = new Http1Client(url);
  const base = url.pathname.replace(/\/+$/, '');
  const head = `content-type: application/json\r\naccept: application/json\r\n${apiKey ? `authorization: Bearer ${apiKey}\r\n` : ''}`;
  return {
    post: async (path, body, o) => {
      let res: ParsedResponse;
      try {
        res = await client.request('POST', base + path, head, JSON.stringify(body), o.signal, o.timeoutMs);
      } catch (e) {
        if (o.signal.aborted) throw new APIUserAbortError();
        if (e instanceof ConnectionError && e.code === 'ETIMEDOUT') throw new APIConnectionTimeoutError({ message: e.message });
        throw new APIConnectionError({ cause: e as Error });
      }
      const text = res.body.toString('utf8');
      if (res.status >= 200 && res.status < 300) return JSON.parse(text); // a SyntaxError: a malformed body, retried
      const error = safeJSON(text);
      throw APIError.generate(res.status, error, error ? undefined : text, toHeaders(res.headers));
    },
  };
}

function safeJSON(text: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function toHeaders(m: ReadonlyMap<string, string>): Headers {
  const h = new Headers();
  for (const [k, v] of m) h.set(k, v);
  return h;
}
