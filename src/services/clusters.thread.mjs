// The clustering worker thread: the TypeScript sources through tsx (as bin/mindstorm.js), then clusterNotes on each
// message from the parent (src/services/clusters.thread.ts).
import { parentPort } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { clusterNotes } = await import('../ml/cluster-notes.ts');
parentPort.on('message', ({ notes, options }) => {
  try {
    parentPort.postMessage({ result: clusterNotes(notes, options) });
  } catch (err) {
    parentPort.postMessage({ error: err instanceof Error ? err.message : String(err) });
  }
});
