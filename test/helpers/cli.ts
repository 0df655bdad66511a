import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The command as a user runs it. */
export const MINDSTORM_BIN = fileURLToPath(new URL('../../bin/mindstorm.js', import.meta.url));

/** Runs `mindstorm ...args` to the end; returns its exit code and output. */
export function runCli(
  args: string[],
  env: Record<string, string | undefined>,
  input?: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MINDSTORM_BIN, ...args], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'warn', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}
