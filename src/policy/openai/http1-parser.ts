/**
 * An HTTP/1.x response parser fed socket chunks as they come (RFC 9112): the status line and headers, then a body
 * framed by `Transfer-Encoding: chunked`, `Content-Length`, or the end of the connection. 1xx interim responses are
 * skipped. Malformed framing throws; the socket is then closed by the caller.
 */
export interface ParsedResponse {
  readonly status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  readonly headers: ReadonlyMap<string, string>;
  readonly body: Buffer;
  /** The socket may carry another request. */
  readonly keepAlive: boolean;
  /** The server's `Keep-Alive: timeout=N`, in ms, when it sent one. */
  readonly keepAliveMs: number | null;
}

const MAX_HEAD = 64 * 1024;
const CRLF2 = Buffer.from('\r\n\r\n');
const CRLF = Buffer.from('\r\n');

type State = 'head' | 'fixed' | 'size' | 'chunk' | 'chunkEnd' | 'trailers' | 'close' | 'done';

export class ResponseParser {
  private state: State = 'head';
  private pending: Buffer | null = null;
  private parts: Buffer[] = [];
  private left = 0;
  private status = 0;
  private headers = new Map<string, string>();
  private keepAlive = false;
  private keepAliveMs: number | null = null;

  constructor(private readonly noBody = false) {}

  /** Takes the next chunk; true once the response is complete. */
  feed(chunk: Buffer): boolean {
    let buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = null;
    let at = 0;
    while (at < buf.length || this.state === 'fixed') {
      switch (this.state) {
        case 'head': {
          const end = buf.indexOf(CRLF2, at);
          if (end < 0) return this.keep(buf, at, MAX_HEAD, 'response head');
          this.head(buf.toString('latin1', at, end));
          at = end + 4;
          break;
        }
        case 'fixed': {
          const n = Math.min(this.left, buf.length - at);
          if (n > 0) this.parts.push(at === 0 && n === buf.length ? buf : buf.subarray(at, at + n));
          ((this.left -= n), (at += n));
          if (this.left > 0) return false;
          this.state = 'done';
          break;
        }
        case 'size': {
          const end = buf.indexOf(CRLF, at);
          if (end < 0) return this.keep(buf, at, 1024, 'chunk size line');
          const line = buf.toString('latin1', at, end);
          const m = /^([0-9A-Fa-f]{1,12})[ \t]*(;.*)?$/.exec(line);
          if (!m) throw new Error(`bad chunk size ${JSON.stringify(line.slice(0, 40))}`);
          this.left = parseInt(m[1]!, 16);
          this.state = this.left === 0 ? 'trailers' : 'chunk';
          at = end + 2;
          break;
        }
        case 'chunk': {
          const n = Math.min(this.left, buf.length - at);
          this.parts.push(buf.subarray(at, at + n));
          ((this.left -= n), (at += n));
          if (this.left === 0) this.state = 'chunkEnd';
          break;
        }
        case 'chunkEnd': {
          if (buf.length - at < 2) return this.keep(buf, at, 2, 'chunk end');
          if (buf[at] !== 13 || buf[at + 1] !== 10) throw new Error('chunk data not followed by CRLF');
          ((at += 2), (this.state = 'size'));
          break;
        }
        case 'trailers': {
          // trailer fields are read and dropped; an empty line ends them
          const end = buf.indexOf(CRLF, at);
          if (end < 0) return this.keep(buf, at, MAX_HEAD, 'trailers');
          if (end === at) this.state = 'done';
          at = end + 2;
          break;
        }
        case 'close':
          this.parts.push(buf.subarray(at));
          return false;
        case 'done':
          // bytes after the response: the server is confused or pipelining; the socket is not reused
          this.keepAlive = false;
          return true;
      }
      if (this.state === 'done') {
        if (at < buf.length) this.keepAlive = false;
        return true;
      }
    }
    return false;
  }

  /** The connection ended: true when that completes the response (a body read until close). */
  end(): boolean {
    if (this.state === 'close') return ((this.state = 'done'), true);
    return this.state === 'done';
  }

  result(): ParsedResponse {
    const body = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts);
    return { status: this.status, headers: this.headers, body, keepAlive: this.keepAlive, keepAliveMs: this.keepAliveMs };
  }

  private keep(buf: Buffer, at: number, max: number, what: string): false {
    if (buf.length - at > max) throw new Error(`${what} longer than ${max} bytes`);
    this.pending = buf.subarray(at);
    return false;
  }

  private head(text: string) {
    const lines = text.split('\r\n');
    const m = /^HTTP\/1\.([01]) (\d{3})(?: |$)/.exec(lines[0]!);
    if (!m) throw new Error(`bad status line ${JSON.stringify(lines[0]!.slice(0, 60))}`);
    const status = Number(m[2]);
    if (status >= 100 && status < 200) return; // interim (100 Continue, 103 Early Hints): the real head follows
    const h = this.headers;
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      const c = line.indexOf(':');
      if (c <= 0) throw new Error(`bad header line ${JSON.stringify(line.slice(0, 60))}`);
      const name = line.slice(0, c).trim().toLowerCase();
      const value = line.slice(c + 1).trim();
      const had = h.get(name);
      h.set(name, had === undefined ? value : `${had}, ${value}`);
    }
    this.status = status;
    const conn = (h.get('connection') ?? '').toLowerCase();
    this.keepAlive = m[1] === '1' ? !/\bclose\b/.test(conn) : /\bkeep-alive\b/.test(conn);
    const t = /\btimeout=(\d+)/i.exec(h.get('keep-alive') ?? '');
    this.keepAliveMs = t ? Number(t[1]) * 1000 : null;
    const te = h.get('transfer-encoding');
    const cl = h.get('content-length');
    if (this.noBody || status === 204 || status === 304) this.state = 'done';
    else if (te !== undefined) {
      if (!/(^|,)\s*chunked\s*$/i.test(te)) throw new Error(`unsupported transfer-encoding ${JSON.stringify(te)}`);
      this.state = 'size';
    } else if (cl !== undefined) {
      if (!/^\d{1,15}$/.test(cl)) throw new Error(`bad content-length ${JSON.stringify(cl)}`);
      this.left = Number(cl);
      this.state = 'fixed';
    } else ((this.state = 'close'), (this.keepAlive = false));
  }
}
