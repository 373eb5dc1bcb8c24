import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { ResponseParser, type ParsedResponse } from './http1-parser.ts';

/**
 * A lean HTTP/1.1 client for one origin: keep-alive sockets reused last-in first-out, one request per socket at a
 * time, the request written in one go, the response read by a small parser (Content-Length, chunked, or until close).
 * It costs about half of node:http's client CPU per request (0.14 vs 0.29 ms, 115 in flight), which is what bounds a run
 * with hundreds of requests in flight against a fast server. It never retries: a reset or a torn response is the
 * caller's to count and retry.
 */
export interface Http1Options {
  /** An idle socket is closed after this long, or a second before the server's `Keep-Alive: timeout=N` hint. Default 4000 ms (uvicorn and Node close idle sockets after 5 s). */
  readonly idleMs?: number;
  /** TLS settings for https (e.g. `ca` for a server with a private certificate). */
  readonly tls?: Pick<ConnectionOptions, 'ca' | 'rejectUnauthorized'>;
}

export class ConnectionError extends Error {
  constructor(
    message: string,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

interface Exchange {
  readonly parser: ResponseParser;
  readonly resolve: (r: ParsedResponse) => void;
  readonly reject: (e: unknown) => void;
}

/** A socket and the exchange it carries (null while idle). */
class Conn {
  exchange: Exchange | null = null;
  idleTimer: NodeJS.Timeout | null = null;
  constructor(
    readonly socket: Socket,
    readonly pool: Http1Client,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (c: Buffer) => this.onData(c));
    socket.on('end', () => this.onEnd());
    socket.on('error', (e) => this.fail(new ConnectionError(e.message, (e as { code?: string }).code ?? 'ECONNERROR', { cause: e })));
    socket.on('close', () => this.fail(new ConnectionError('socket closed before the response ended', 'ECONNRESET')));
  }

  private onData(chunk: Buffer) {
    const x = this.exchange;
    if (!x) return void this.socket.destroy(); // bytes nobody asked for: the socket cannot be trusted again
    let done: boolean;
    try {
      done = x.parser.feed(chunk);
    } catch (e) {
      return this.fail(new ConnectionError(`bad HTTP response: ${(e as Error).message}`, 'EPROTO', { cause: e }));
    }
    if (done) this.finish(x);
  }

  private onEnd() {
    const x = this.exchange;
    if (x?.parser.end()) return this.finish(x);
    this.fail(new ConnectionError('socket closed before the response ended', 'ECONNRESET'));
  }

  private finish(x: Exchange) {
    this.exchange = null;
    const r = x.parser.result();
    if (r.keepAlive && !this.socket.destroyed && this.socket.readyState === 'open') this.pool.release(this, r.keepAliveMs);
    else this.socket.destroy();
    x.resolve(r);
  }

  fail(e: unknown) {
    const x = this.exchange;
    this.exchange = null;
    this.pool.forget(this);
    if (!this.socket.destroyed) this.socket.destroy();
    x?.reject(e);
  }
}

export class Http1Client {
  private readonly idle: Conn[] = [];
  private readonly host: string;
  private readonly port: number;
  private readonly tls: boolean;
  private readonly hostHeader: string;
  private readonly idleMs: number;
  private readonly tlsOptions: Http1Options['tls'] & object;

  constructor(origin: URL, o: Http1Options = {}) {
    this.tls = origin.protocol === 'https:';
    this.host = origin.hostname.replace(/^\[|\]$/g, '');
    this.port = origin.port ? Number(origin.port) : this.tls ? 443 : 80;
    this.hostHeader = origin.host;
    this.idleMs = o.idleMs ?? 4000;
    this.tlsOptions = o.tls ?? {};
  }

  /**
   * Sends one request; `head` holds extra header lines, each ending in \r\n. Rejects with ConnectionError (code
   * ETIMEDOUT when no complete response came within `timeoutMs`) or with the signal's reason.
   */
  request(method: string, path: string, head: string, body: string, signal: AbortSignal, timeoutMs?: number): Promise<ParsedResponse> {
    if (signal.aborted) return Promise.reject(signal.reason);
    const conn = this.take();
    return new Promise<ParsedResponse>((resolve, reject) => {
      const onAbort = () => conn.fail(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      // one timer per request, covering a body that stalls after its head
      const timer =
        timeoutMs === undefined
          ? null
          : setTimeout(() => conn.fail(new ConnectionError(`no complete response within ${timeoutMs} ms`, 'ETIMEDOUT')), timeoutMs);
      const settled = () => {
        signal.removeEventListener('abort', onAbort);
        if (timer) clearTimeout(timer);
      };
      conn.exchange = {
        parser: new ResponseParser(method === 'HEAD'),
        resolve: (r) => (settled(), resolve(r)),
        reject: (e) => (settled(), reject(e)),
      };
      // one write, one syscall (head and body together); `body` is UTF-8 text
      conn.socket.write(`${method} ${path} HTTP/1.1\r\nhost: ${this.hostHeader}\r\n${head}content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    });
  }

  /** Idle sockets kept for reuse (tests). */
  get idleCount(): number {
    return this.idle.length;
  }

  /** Closes the idle sockets (requests in flight finish on theirs, which then close). */
  close(): void {
    for (const c of this.idle.splice(0)) c.socket.destroy();
  }

  /** @internal A finished exchange hands its socket back. */
  release(c: Conn, hintMs: number | null): void {
    const ms = hintMs === null ? this.idleMs : Math.min(this.idleMs, hintMs - 1000);
    if (ms <= 0) return void c.socket.destroy();
    c.idleTimer = setTimeout(() => c.socket.destroy(), ms);
    c.idleTimer.unref();
    c.socket.unref();
    this.idle.push(c);
  }

  /** @internal A socket that closed or failed leaves the idle list. */
  forget(c: Conn): void {
    this.unidle(c);
    const i = this.idle.indexOf(c);
    if (i >= 0) this.idle.splice(i, 1);
  }

  private take(): Conn {
    for (let c = this.idle.pop(); c; c = this.idle.pop()) {
      this.unidle(c);
      if (!c.socket.destroyed && c.socket.readyState === 'open') return (c.socket.ref(), c);
      c.socket.destroy();
    }
    const socket = this.tls
      ? tlsConnect({ ...this.tlsOptions, host: this.host, port: this.port, ...(isIP(this.host) ? {} : { servername: this.host }), ALPNProtocols: ['http/1.1'] })
      : netConnect({ host: this.host, port: this.port });
    return new Conn(socket, this);
  }

  private unidle(c: Conn) {
    if (c.idleTimer) (clearTimeout(c.idleTimer), (c.idleTimer = null));
  }
}
