/**
 * Polling benchmark: apiframe jobs that finish after a random 2-20 s. For each job, the delay
 * between the job completing at the fake API and the image download starting, and the number of
 * polls. Ours (the engine's progress-aware polling) against a reference measured in the same run:
 * apiframe's own SDK cadence (2 s, growing x1.5 to 5 s).
 *
 *   npm run bench:polling [-- --jobs 16 --seed 7]
 */
import { parseArgs } from 'node:util';
import { generate } from '../src/core/engine';
import { HttpClient } from '../src/core/http';
import { silentLogger } from '../src/core/log';
import { startFakeApi, type FakeApi } from '../test/fake-api/server';

const { values } = parseArgs({ options: { jobs: { type: 'string', default: '16' }, seed: { type: 'string', default: '7' } } });
const JOBS = Number(values.jobs);

/** A small seeded PRNG, so both strategies see the same job durations. */
function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

interface Measured {
  delays: number[];
  pollsPerJob: number[];
  pollsPerSecond: number[];
}

function measure(fake: FakeApi, prompts: string[]): Measured {
  const delays: number[] = [];
  const pollsPerJob: number[] = [];
  const pollsPerSecond: number[] = [];
  for (const p of prompts) {
    const job = fake.jobs.find((j) => j.prompt === p);
    if (!job?.completedAt || !job.downloads[0]) throw new Error(`job for ${p} did not complete and download`);
    delays.push(job.downloads[0] - job.completedAt);
    pollsPerJob.push(job.polls);
    pollsPerSecond.push(job.polls / ((job.downloads[0] - job.createdAt) / 1000));
  }
  return { delays, pollsPerJob, pollsPerSecond };
}

/** The reference: apiframe's SDK cadence, polling with plain fetch, then fetching the image. */
async function sdkClient(baseUrl: string, prompt: string): Promise<void> {
  const headers = { 'x-api-key': 'bench', 'content-type': 'application/json' };
  const sub = (await (
    await fetch(`${baseUrl}/v2/images/generate`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ prompt, model: 'flux-1.1-pro', fluxParams: { aspect_ratio: '1:1', output_format: 'png' } }),
    })
  ).json()) as { jobId: string };
  let wait = 2000;
  for (;;) {
    await new Promise((r) => setTimeout(r, wait));
    const job = (await (await fetch(`${baseUrl}/v2/jobs/${sub.jobId}`, { headers })).json()) as { status: string; result: string };
    if (job.status === 'COMPLETED') {
      await (await fetch(job.result)).arrayBuffer();
      return;
    }
    wait = Math.min(5000, wait * 1.5);
  }
}

async function run(kind: 'ours' | 'reference', durations: number[]): Promise<Measured> {
  const fake = await startFakeApi();
  const http = new HttpClient();
  const prompts = durations.map((_, i) => `${kind} bench job ${i}`);
  const byPrompt = new Map(prompts.map((p, i) => [p, durations[i]!]));
  fake.setJobDuration((prompt: string) => byPrompt.get(prompt) ?? 2000);
  try {
    await Promise.all(
      prompts.map((prompt) =>
        kind === 'ours'
          ? generate(
              { model: 'apiframe:flux-1.1-pro', prompt, size: '1:1', outputFormat: 'png' },
              { http, logger: silentLogger, baseUrl: fake.baseUrl, apiKey: 'bench' },
            )
          : sdkClient(fake.baseUrl, prompt),
      ),
    );
    return measure(fake, prompts);
  } finally {
    await http.close();
    await fake.close();
  }
}

async function main(): Promise<void> {
  const rand = mulberry32(Number(values.seed));
  const durations = Array.from({ length: JOBS }, () => Math.round(2000 + rand() * 18000));
  console.log(`polling: ${JOBS} apiframe jobs of 2-20 s (median ${(median(durations) / 1000).toFixed(1)} s), both strategies at once`);
  const [ours, ref] = await Promise.all([run('ours', durations), run('reference', durations)]);
  const row = (name: string, m: Measured) =>
    `${name.padEnd(34)} median delay ${(median(m.delays) / 1000).toFixed(2).padStart(5)} s   polls/job ${median(m.pollsPerJob).toFixed(1).padStart(4)}   polls/s ${(m.pollsPerSecond.reduce((a, b) => a + b, 0) / m.pollsPerSecond.length).toFixed(2)}`;
  console.log(row('ours (progress-aware)', ours));
  console.log(row('reference (SDK: 2 s, x1.5, 5 s)', ref));
  const ratio = median(ours.delays) / median(ref.delays);
  console.log(`ratio (ours / reference, median completion-to-download delay): ${ratio.toFixed(2)}x`);
  const mean = ours.pollsPerSecond.reduce((a, b) => a + b, 0) / ours.pollsPerSecond.length;
  console.log(`targets: median delay < 1 s: ${median(ours.delays) < 1000 ? 'met' : 'NOT met'}; at most 1 poll/s on average: ${mean <= 1 ? 'met' : 'NOT met'}`);
}

void main();
