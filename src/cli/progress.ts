import cliProgress from 'cli-progress';

/** A progress bar on standard error (a plain line per 10% when it is not a terminal). */
export function progressBar(label: string, total: number) {
  if (!process.stderr.isTTY) {
    let shown = -1;
    return {
      update(done: number) {
        const tenth = total ? Math.floor((done / total) * 10) : 10;
        if (tenth !== shown) {
          shown = tenth;
          process.stderr.write(`${label}: ${done}/${total}\n`);
        }
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {percentage}% | {value}/{total} | {eta_formatted} left`, stream: process.stderr },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return { update: (done: number) => bar.update(Math.min(done, total)), stop: () => bar.stop() };
}
