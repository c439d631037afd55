/**
 * The unit layer's logger: keeps every line at every level (trace and debug included) for the
 * test to read, and writes each one to the canary wrapper's log folder (FLUX_LOG_DIR), which the
 * wrapper searches for the key after the run. A line that carries the key fails the run even when
 * no test looks at it.
 */
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../../src/core/log';

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error'] as const;
const file = process.env.FLUX_LOG_DIR ? path.join(process.env.FLUX_LOG_DIR, `unit-${process.pid}.log`) : undefined;

export function testLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const put = (level: string) => (m: string) => {
    const line = `${level} ${m}`;
    lines.push(line);
    if (file) appendFileSync(file, line + '\n');
  };
  return { logger: Object.fromEntries(LEVELS.map((l) => [l, put(l)])) as unknown as Logger, lines };
}
