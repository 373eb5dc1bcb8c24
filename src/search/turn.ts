/**
 * Yield to the event loop (a macrotask, so timers and abort events run) in any runtime: Node, Bun,
 * Deno and browsers have MessageChannel; setTimeout is the fallback. One shared channel; in Node its
 * port is referenced only while a turn is pending, so an idle process can still exit.
 */
type Port = MessagePort & { ref?: () => void; unref?: () => void };

const waiting: (() => void)[] = [];
let channel: { send: Port; recv: Port } | null = null;

function open(): { send: Port; recv: Port } {
  const c = new MessageChannel();
  const recv = c.port1 as Port;
  recv.onmessage = () => {
    const ready = waiting.splice(0);
    if (!waiting.length) recv.unref?.();
    for (const r of ready) r();
  };
  recv.unref?.();
  return { send: c.port2 as Port, recv };
}

export function nextTurn(): Promise<void> {
  if (typeof MessageChannel !== 'function') return new Promise((r) => setTimeout(r, 0));
  const c = (channel ??= open());
  return new Promise((r) => {
    if (waiting.push(r) === 1) {
      c.recv.ref?.();
      c.send.postMessage(0);
    }
  });
}

/**
 * Yield so that timers run too (a caller's `setTimeout(() => ctl.abort())`, a wall-clock deadline).
 * setTimeout, not MessageChannel: Node drains up to 1000 port messages per loop iteration before it
 * runs timers, so a search yielding through a port would starve them for seconds.
 */
export function timerTurn(): Promise<void> {
  return new Promise((r) => setTimeout(r, 0));
}

let epoch = 0;
let armed = false;

/**
 * A count of timer phases seen: a search that reads a larger count than at its last turn knows timers (and so
 * abort events and wall-clock deadlines) have had their turn since, and need not yield for them. One shared 0 ms
 * timer, armed only while read, serves every search.
 */
export function timerEpoch(): number {
  if (!armed) {
    armed = true;
    setTimeout(() => ((armed = false), epoch++), 0);
  }
  return epoch;
}
