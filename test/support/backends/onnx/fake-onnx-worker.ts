import { parentPort } from 'node:worker_threads';
import type { PoolToWorker, WorkerToPool } from '../../../../src/backends/onnx/worker-messages.js';

/**
 * Stand-in for `onnx-worker.js` in pool tests, where a thread must die or hang on cue (terminating
 * a real one inside onnxruntime aborts the process). Loading the path `crash` throws an uncaught
 * error; a run of the key `hang` is never answered; other runs echo their feeds.
 */
const port = parentPort;
const loaded = new Set<string>();
const reply = (message: WorkerToPool) => port?.postMessage(message);

port?.on('message', (message: PoolToWorker) => {
  switch (message.kind) {
    case 'load':
      if (message.path === 'crash') throw new Error('fake worker crashed on purpose');
      loaded.add(message.key);
      reply({ kind: 'loaded', id: message.id, inputs: [{ name: 'x', type: 'float32', shape: ['N'] }], outputs: [{ name: 'x', type: 'float32', shape: ['N'] }] });
      return;
    case 'run':
      if (message.key === 'hang') return;
      if (loaded.has(message.key)) reply({ kind: 'ran', id: message.id, outputs: message.feeds });
      else reply({ kind: 'failed', id: message.id, message: `no session '${message.key}'` });
      return;
    case 'release':
      loaded.delete(message.key);
      reply({ kind: 'released', id: message.id });
      return;
    case 'stop':
      reply({ kind: 'stopped', id: message.id });
      port?.close();
      return;
  }
});
