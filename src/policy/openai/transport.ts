import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import OpenAI, { APIConnectionError, APIError, APIUserAbortError } from 'openai';

/**
 * How a request body reaches the server. Both transports fail with the SDK's error classes (APIError with status
 * and headers, APIConnectionError, APIUserAbortError), so one retry classifier serves both.
 */
export type ApiPath = '/completions' | '/chat/completions';

export interface Transport {
  post(path: ApiPath, body: Record<string, unknown>, o: { signal: AbortSignal; timeoutMs: number }): Promise<unknown>;
}

/** The `openai` SDK (any runtime with fetch). Its own retries are off: ours replace them. */
export function sdkTransport(baseURL: string, apiKey: string | undefined, timeoutMs: number): Transport {
  const client = new OpenAI({ baseURL, apiKey: apiKey ?? 'EMPTY', maxRetries: 0, timeout: timeoutMs, logLevel: 'off' });
  return {
    post: (path, body, o) =>
      path === '/completions'
        ? client.completions.create(body as never, { signal: o.signal, timeout: o.timeoutMs })
        : client.chat.completions.create(body as never, { signal: o.signal, timeout: o.timeoutMs }),
  };
}

/**
 * node:http(s) with keep-alive sockets: about a tenth of the client CPU per request of the SDK over Node's fetch, which
 * is what a run with 64 problems in flight against a fast server is bound by (benchmarks/runner.ts).
 */
export function nodeTransport(baseURL: string, apiKey: string | undefined): Transport {
  const url = new URL(baseURL);
  const https = url.protocol === 'https:';
  const agent = https ? new HttpsAgent({ keepAlive: true, scheduling: 'lifo' }) : new HttpAgent({ keepAlive: true, scheduling: 'lifo' });
  const send = https ? httpsRequest : httpRequest;
  const base = url.pathname.replace(/\/+$/, '');
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (apiKey) headers.authorization = `Bearer ${apiKey}`;
  return {
    post: (path, body, o) =>
      new Promise((resolve, reject) => {
        if (o.signal.aborted) return reject(new APIUserAbortError());
        const payload = Buffer.from(JSON.stringify(body));
        const req = send(
          { host: url.hostname, port: url.port, path: base + path, method: 'POST', agent, headers: { ...headers, 'content-length': String(payload.length) } },
          (res) => void readBody(res).then((text) => settle(res, text), fail),
        );
        const onAbort = () => req.destroy(new APIUserAbortError());
        o.signal.addEventListener('abort', onAbort, { once: true });
        const done = () => o.signal.removeEventListener('abort', onAbort);
        function fail(e: unknown) {
          done();
          reject(e instanceof APIUserAbortError || e instanceof APIError ? e : new APIConnectionError({ cause: e as Error }));
        }
        function settle(res: IncomingMessage, text: string) {
          done();
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) {
            try {
              resolve(JSON.parse(text));
            } catch (e) {
              reject(e); // a SyntaxError: a malformed body, retried
            }
            return;
          }
          const error = safeJSON(text);
          reject(APIError.generate(status, error, error ? undefined : text, toHeaders(res)));
        }
        req.on('error', fail);
        req.end(payload);
      }),
  };
}

function readBody(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
    res.on('aborted', () => reject(new Error('response aborted')));
  });
}

function safeJSON(text: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function toHeaders(res: IncomingMessage): Headers {
  const h = new Headers();
  for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h.set(k, Array.isArray(v) ? v.join(', ') : v);
  return h;
}
