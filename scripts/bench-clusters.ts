/**
 * Speed and memory of clustering at 1.7k (the real dev notes), 10k and 100k notes (synthesised from the dev notes by mixing
 * sentences across rows of the same label and dropping ~5% of words), plus the latency of assigning one new note.
 * Each size runs in its own child process so peak memory (VmHWM, and the max of sampled rss) is per size.
 *
 *   npx tsx scripts/bench-clusters.ts [--sizes 1730,10000,100000] [--assign 200] [--no-layout] [--embed-dim D]
 *
 * --embed-dim D adds synthetic unit embeddings of dimension D (label direction + noise) to every note, to time the
 * LSA ⊕ embedding path at the app model's width.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { assignNote } from '../src/ml/assign.js';
import type { NoteInput } from '../src/ml/cluster-notes.js';
import { clusterNotes } from '../src/ml/cluster-notes.js';
import { nmi } from '../src/ml/metrics.js';
import { createRng } from '../src/ml/random.js';
import { synthesize } from '../src/eval/synthetic-notes.ts';


function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}


function vmHwmMb(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Synthetic embeddings: a fixed random direction per label plus as much noise, normalised. */
function addEmbeddings(notes: NoteInput[], labels: string[], dim: number, seed: number): void {
  const rng = createRng(seed);
  const dirs = new Map<string, Float32Array>();
  const gauss = () => Math.sqrt(-2 * Math.log(rng() || 1e-12)) * Math.cos(2 * Math.PI * rng());
  notes.forEach((nt, i) => {
    let d = dirs.get(labels[i]!);
    if (!d) dirs.set(labels[i]!, (d = Float32Array.from({ length: dim }, gauss)));
    const v = Float32Array.from(d, (x) => x + 1.5 * gauss());
    const norm = Math.hypot(...v);
    nt.embedding = v.map((x) => x / norm);
  });
}

function child(n: number, assignCount: number, layout: boolean): void {
  let maxRss = 0;
  const sample = () => (maxRss = Math.max(maxRss, process.memoryUsage().rss));
  const { notes, labels } = synthesize(n, 7);
  const embedDim = Number(arg('embed-dim', '0'));
  if (embedDim > 0) addEmbeddings(notes, labels, embedDim, 5);
  const fresh = synthesize(Math.max(assignCount, 1) + (n === 1730 ? 1 : 0), 99).notes.slice(0, assignCount);
  sample();
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const res = clusterNotes(notes, { seed: 1, layout: layout ? {} : false });
  const totalMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  sample();
  const byId = new Map<string, string>();
  for (const c of res.clusters) for (const id of c.noteIds) byId.set(id, c.key);
  const pred = notes.map((nt) => byId.get(nt.id) ?? 'noise');
  const times: number[] = [];
  for (const f of fresh) {
    const t = performance.now();
    assignNote(res.model, res.clusters, res.threshold, f.text, embedDim > 0 ? notes[0]!.embedding : undefined);
    times.push(performance.now() - t);
  }
  sample();
  times.sort((a, b) => a - b);
  const q = (p: number) => (times.length ? times[Math.min(times.length - 1, Math.floor(p * times.length))]! : NaN);
  console.log(
    JSON.stringify({
      n,
      totalMs: Math.round(totalMs),
      cpuMs: Math.round((cpu.user + cpu.system) / 1000),
      timings: res.timings,
      k: res.clusters.length,
      unclustered: res.unclustered.length / n,
      nmi: nmi(labels, pred),
      assignP50: q(0.5),
      assignP99: q(0.99),
      assignMax: times.length ? times[times.length - 1] : NaN,
      maxRssMb: maxRss / 1024 / 1024,
      vmHwmMb: vmHwmMb(),
    }),
  );
}

function parent(): void {
  const sizes = arg('sizes', '1730,10000,100000').split(',').map(Number);
  const assign = arg('assign', '200');
  const layout = !process.argv.includes('--no-layout');
  const embedDim = arg('embed-dim', '0');
  const self = fileURLToPath(import.meta.url);
  console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), Node ${process.version}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}, embeddings: ${embedDim === '0' ? 'none' : `${embedDim}-d`}`);
  const header = ['notes', 'total s', 'CPU s', 'features', 'graph', 'assign', 'naming', 'layout', 'k', 'unclust.', 'NMI', 'assign 1 note p50/p99/max ms', 'peak RSS MB (VmHWM)'];
  const lines: string[][] = [];
  for (const n of sizes) {
    const r = spawnSync(process.execPath, [...process.execArgv, self, '--child', String(n), '--assign', assign, '--embed-dim', embedDim, ...(layout ? [] : ['--no-layout'])], {
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    });
    if (r.status !== 0) {
      console.error(r.stderr);
      process.exit(1);
    }
    const j = JSON.parse(r.stdout.trim().split('\n').pop()!);
    const s = (ms: number | undefined) => ((ms ?? 0) / 1000).toFixed(2);
    lines.push([
      String(n),
      s(j.totalMs),
      s(j.cpuMs),
      s(j.timings.features),
      s(j.timings.graph),
      s(j.timings.assign),
      s(j.timings.naming),
      s(j.timings.layout),
      String(j.k),
      `${(100 * j.unclustered).toFixed(1)}%`,
      j.nmi.toFixed(3),
      `${j.assignP50.toFixed(2)} / ${j.assignP99.toFixed(2)} / ${j.assignMax.toFixed(2)}`,
      `${j.maxRssMb.toFixed(0)} (${j.vmHwmMb.toFixed(0)})`,
    ]);
    console.error(`done ${n}: ${s(j.totalMs)} s`);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(fmt(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const l of lines) console.log(fmt(l));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
function main(): void {
const ci = process.argv.indexOf('--child');
if (ci >= 0) child(Number(process.argv[ci + 1]), Number(arg('assign', '200')), !process.argv.includes('--no-layout'));
else parent();
}
