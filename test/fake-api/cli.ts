/**
 * `npm run fake-api [-- --port N] [--host H] [--latency MS] [--job-duration MS]`: run the fake Flux
 * API until SIGINT/SIGTERM. The first line printed is always
 * `Fake Flux API listening on http://127.0.0.1:PORT`, then usage hints.
 */
import { MARKER_HELP, startFakeApi, type FakeApiOptions } from './server';

function parseArgs(argv: readonly string[]): FakeApiOptions & { jobDurationMs?: number } {
  const out: FakeApiOptions & { jobDurationMs?: number } = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    const number = (): number => {
      const v = value();
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} needs a non-negative whole number, not "${v}"`);
      return n;
    };
    switch (flag) {
      case '--port':
        out.port = number();
        break;
      case '--host':
        out.host = value();
        break;
      case '--latency':
        out.latencyMs = number();
        break;
      case '--job-duration':
        out.jobDurationMs = number();
        break;
      case '--help':
      case '-h':
        process.stdout.write('Usage: npm run fake-api -- [--port N] [--host 127.0.0.1] [--latency MS] [--job-duration MS]\n');
        process.exit(0);
        break;
      default:
        throw new Error(`Unknown argument "${arg}" (try --help)`);
    }
  }
  return out;
}

function hints(base: string): string {
  return `
  AIML API      POST ${base}/v1/images/generations   (Authorization: Bearer <any key>)
  apiframe      POST ${base}/v2/images/generate      (X-API-Key: <any key>, optional Idempotency-Key)
                GET  ${base}/v2/jobs/<jobId>
  images        GET  ${base}/files/<name>
  Settings: point the AIML API and apiframe base URLs at ${base}.

  Faults from another process (JSON FaultSpec, a marker string, or null to clear):
    curl -X POST ${base}/__control/fault  -d '{"kind":"status","status":429,"retryAfter":2}'
    curl -X POST ${base}/__control/fault  -d '"503:phase=poll"'
    curl -X POST ${base}/__control/faults -d '[{"kind":"reset"},{"kind":"redirect","count":3}]'   (queued, once each)
    curl -X POST ${base}/__control/fault  -d null
    curl -X POST ${base}/__control/job-duration -d '{"ms":5000}'
    curl -X POST ${base}/__control/reset
    curl ${base}/__control/requests   curl ${base}/__control/jobs   curl ${base}/__control/faults

${MARKER_HELP}

  Ctrl+C stops the server.
`;
}

async function main(): Promise<void> {
  const { jobDurationMs, ...opts } = parseArgs(process.argv.slice(2));
  const api = await startFakeApi(opts);
  if (jobDurationMs !== undefined) api.setJobDuration(jobDurationMs);
  process.stdout.write(`Fake Flux API listening on ${api.baseUrl}\n`);
  process.stdout.write(hints(api.baseUrl));

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: stopping the fake Flux API.\n`);
    api.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`fake-api: ${(err as Error)?.message ?? String(err)}\n`);
  process.exit(1);
});
