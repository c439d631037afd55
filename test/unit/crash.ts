/**
 * A crash injector for a child process: counts every file-system call that changes something
 * (fs.promises and FileHandle methods) and, at call number CRASH_AT, kills the process with
 * SIGKILL, as a power cut or a killed extension host would. A write is cut in the middle: half of
 * its bytes reach the file first. Import it, then call `armCrash(n)` before the code under test.
 */
import { promises as fsp } from 'node:fs';

const CHANGING = ['open', 'writeFile', 'appendFile', 'rename', 'link', 'unlink', 'rm', 'copyFile', 'truncate', 'mkdir'] as const;
const HANDLE_CHANGING = ['write', 'writeFile', 'writev', 'truncate', 'sync', 'datasync', 'close'] as const;

const die = (): never => {
  process.kill(process.pid, 'SIGKILL');
  throw new Error('unreachable');
};

/** Half of what a write would have written: a string or bytes. */
const half = (data: unknown): unknown =>
  typeof data === 'string' ? data.slice(0, data.length >> 1) : data instanceof Uint8Array ? data.subarray(0, data.length >> 1) : data;

export function armCrash(at: number): void {
  let n = 0;
  const hit = () => ++n === at;
  for (const name of CHANGING) {
    const original = (fsp as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[name]!;
    (fsp as unknown as Record<string, unknown>)[name] = async (...args: unknown[]) => {
      if (!hit()) return original.apply(fsp, args);
      if (name === 'writeFile' || name === 'appendFile') await original.apply(fsp, [args[0], half(args[1]), ...args.slice(2)]);
      return die();
    };
  }
  // FileHandle's prototype, from a handle on something harmless.
  void fsp.open(__filename, 'r').then(async (h) => {
    const proto = Object.getPrototypeOf(h) as Record<string, (...a: unknown[]) => Promise<unknown>>;
    await h.close();
    for (const name of HANDLE_CHANGING) {
      const original = proto[name]!;
      proto[name] = async function (this: unknown, ...args: unknown[]) {
        if (!hit()) return original.apply(this, args);
        if (name === 'write' || name === 'writeFile') await original.apply(this, [half(args[0]), ...args.slice(1)]);
        if (name === 'writev') await original.apply(this, [(args[0] as Uint8Array[]).slice(0, 1), ...args.slice(1)]);
        return die();
      };
    }
    process.emit('crash-armed' as never);
  });
}

/** Resolves once `armCrash` has patched FileHandle too. */
export const armed = (): Promise<void> => new Promise((resolve) => process.once('crash-armed' as never, () => resolve()));
