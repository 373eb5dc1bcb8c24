// A worker that answers "ready", then on any job allocates until its heap limit kills it.
import { parentPort } from 'node:worker_threads';
parentPort.on('message', () => {
  const keep = [];
  for (;;) keep.push(new Array(1e6).fill(Math.random()));
});
parentPort.postMessage({ ready: true });
