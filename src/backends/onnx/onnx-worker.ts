import { parentPort, workerData, type TransferListItem } from 'node:worker_threads';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import type { OrtType } from './onnx-datatypes.js';
import type { PoolToWorker, WireTensor, WireValueInfo, WorkerSettings, WorkerToPool } from './worker-messages.js';

/**
 * Entry of an onnx worker thread: holds one session per loaded model version and runs them.
 * `session.run()` blocks the thread it is called on, which is why it happens here and not on the
 * server's event loop.
 */
const port = parentPort;
const settings = workerData as WorkerSettings;
const sessions = new Map<string, InferenceSession>();

const sessionOptions: InferenceSession.SessionOptions = {
  intraOpNumThreads: settings.intraOpThreads,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  graphOptimizationLevel: 'all',
  // Spinning threads would burn a core each between runs; workers × intra-op threads already fill them.
  extra: { session: { 'intra_op.allow_spinning': '0', 'inter_op.allow_spinning': '0' } },
};

// One request at a time, in arrival order: a run posted after a load waits for the session it needs.
let previous: Promise<void> = Promise.resolve();
port?.on('message', (message: PoolToWorker) => {
  previous = previous.then(() => handle(message)).catch((error: unknown) => {
    reply({ kind: 'failed', id: message.id, message: error instanceof Error ? error.message : String(error) });
  });
});

async function handle(message: PoolToWorker): Promise<void> {
  switch (message.kind) {
    case 'load': {
      await sessions.get(message.key)?.release();
      const session = await InferenceSession.create(message.path, sessionOptions);
      sessions.set(message.key, session);
      reply({ kind: 'loaded', id: message.id, inputs: session.inputMetadata.map(valueInfo), outputs: session.outputMetadata.map(valueInfo) });
      return;
    }
    case 'run': {
      const session = sessions.get(message.key);
      if (!session) {
        reply({ kind: 'failed', id: message.id, message: 'the model is not loaded in this worker (its reload after a worker restart failed)' });
        return;
      }
      const feeds = Object.fromEntries(message.feeds.map((t) => [t.name, new Tensor(t.type, t.data, t.dims)]));
      const fetches = message.fetches.length > 0 ? [...message.fetches] : [...session.outputNames];
      const results = await session.run(feeds, fetches);
      const outputs: WireTensor[] = [];
      for (const name of fetches) {
        const value = results[name];
        if (!value || !('dims' in value)) {
          reply({ kind: 'failed', id: message.id, message: `output '${name}' is not a tensor` });
          return;
        }
        outputs.push({ name, type: value.type as OrtType, dims: [...value.dims], data: value.data as WireTensor['data'] });
      }
      reply({ kind: 'ran', id: message.id, outputs }, transferables(outputs));
      return;
    }
    case 'release': {
      const session = sessions.get(message.key);
      sessions.delete(message.key);
      await session?.release();
      reply({ kind: 'released', id: message.id });
      return;
    }
    case 'stop': {
      // Released here rather than left to the thread's teardown, where onnxruntime has been known to abort.
      for (const session of sessions.values()) await session.release();
      sessions.clear();
      reply({ kind: 'stopped', id: message.id });
      port?.close();
      return;
    }
  }
}

function reply(message: WorkerToPool, transfer: TransferListItem[] = []): void {
  try {
    port?.postMessage(message, transfer);
  } catch {
    // A buffer ONNX Runtime still owns cannot be transferred; copying it is the fallback.
    port?.postMessage(message);
  }
}

/** Output buffers the worker can hand over instead of copying: each whole ArrayBuffer once. */
function transferables(outputs: readonly WireTensor[]): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const { data } of outputs) {
    if (!Array.isArray(data) && data.buffer instanceof ArrayBuffer) buffers.add(data.buffer);
  }
  return [...buffers];
}

function valueInfo(metadata: InferenceSession.ValueMetadata): WireValueInfo {
  return metadata.isTensor
    ? { name: metadata.name, type: metadata.type, shape: [...metadata.shape] }
    : { name: metadata.name, type: null, shape: [] };
}
