import { createInterface } from 'node:readline';
import { CliError } from './context.ts';

/** All of standard input, as text (when it is piped). */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads a secret: from a prompt without echo on a terminal, else the first line of standard input. */
export async function readSecret(prompt: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    const line = (await readStdin()).split(/\r?\n/)[0] ?? '';
    if (!line) throw new CliError('no password given: pipe it on standard input, or run in a terminal to be asked');
    return line;
  }
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  return new Promise((resolve, reject) => {
    let value = '';
    const onData = (buf: Buffer) => {
      for (const ch of buf.toString('utf8')) {
        if (ch === '\r' || ch === '\n') {
          cleanup();
          process.stderr.write('\n');
          resolve(value);
          return;
        }
        if (ch === '\u0003') {
          cleanup();
          reject(new CliError('cancelled'));
          return;
        }
        value = ch === '\u007f' ? value.slice(0, -1) : value + ch;
      }
    };
    const cleanup = () => {
      stdin.setRawMode(false);
      stdin.off('data', onData);
      stdin.pause();
    };
    stdin.on('data', onData);
    stdin.resume();
  });
}

/** Asks a yes/no question on a terminal; false without one. */
export async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const answer = await new Promise<string>((resolve) => rl.question(`${question} [y/N] `, resolve));
  rl.close();
  return /^y(es)?$/i.test(answer.trim());
}
