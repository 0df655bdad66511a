/**
 * clusterNotes off the event loop: a full clustering computes for seconds (10k notes) to a minute (100k), during which
 * the server must keep answering. One worker thread, started on first use and kept (referenced only while it computes,
 * so it never keeps a process alive); runs queue one after another.
 */
import { Worker } from 'node:worker_threads';
import type { ClusterOptions, ClusteringResult, NoteInput } from '../ml/cluster-notes.js';

let worker: Worker | null = null;
let queue: Promise<unknown> = Promise.resolve();

function start(): Worker {
  const w = new Worker(new URL('./clusters.thread.mjs', import.meta.url));
  w.on('exit', () => worker === w && (worker = null));
  w.unref();
  return w;
}

function run(notes: readonly NoteInput[], options: ClusterOptions): Promise<ClusteringResult> {
  return new Promise((resolve, reject) => {
    const w = (worker ??= start());
    const settle = () => {
      w.off('message', onMessage).off('error', onError).off('exit', onExit).unref();
    };
    const onMessage = (m: { result?: ClusteringResult; error?: string }) => {
      settle();
      if (m.result) resolve(m.result);
      else reject(new Error(`clustering failed: ${m.error}`));
    };
    const onError = (err: Error) => {
      settle();
      reject(err);
    };
    const onExit = (code: number) => {
      settle();
      reject(new Error(`the clustering thread stopped (exit code ${code})`));
    };
    w.on('message', onMessage).on('error', onError).on('exit', onExit).ref();
    w.postMessage({ notes, options });
  });
}

/** clusterNotes(notes, options), computed in the clustering thread. */
export function clusterInThread(notes: readonly NoteInput[], options: ClusterOptions): Promise<ClusteringResult> {
  const next = queue.then(() => run(notes, options));
  queue = next.catch(() => undefined);
  return next;
}
