/**
 * Writes images that carry a generation record into a folder, as Flux Image Studio saves them
 * (the fake API's real pictures, the record embedded by src/core/metadata.ts), without going through
 * a provider: for the gallery's end-to-end tests, which need many images at known times.
 *
 *   node --import tsx test/e2e/seed-gallery.ts <folder> '<json: [{ name, prompt, seed, minutesAgo, model? }]>'
 *
 * A spec without `prompt` writes an image without a record (someone else's picture).
 */
import fs from 'node:fs';
import path from 'node:path';
import { findModel } from '../../src/core/catalog';
import { embedRecord } from '../../src/core/metadata';
import { renderImage } from '../fake-api/images';

interface Spec {
  readonly name: string;
  readonly prompt?: string;
  readonly seed: number;
  readonly minutesAgo: number;
  readonly model?: string;
  readonly width?: number;
  readonly height?: number;
}

const [folder, json] = process.argv.slice(2);
if (!folder || !json) throw new Error('usage: seed-gallery.ts <folder> <json>');
const specs = JSON.parse(json) as Spec[];
async function main(): Promise<void> {
  fs.mkdirSync(folder!, { recursive: true });
  for (const s of specs) {
    const key = s.model ?? 'aimlapi:flux-pro/v1.1';
    const model = findModel(key);
    if (!model) throw new Error(`no model ${key}`);
    const width = s.width ?? 512;
    const height = s.height ?? 384;
    const bytes = await renderImage({ prompt: s.prompt ?? s.name, seed: s.seed, model: key, width, height, format: 'png' });
    const out =
      s.prompt === undefined
        ? bytes
        : embedRecord(bytes, {
            v: 1,
            app: 'flux-image-studio',
            prompt: s.prompt,
            provider: model.provider,
            model: model.id,
            modelKey: key,
            width,
            height,
            seed: s.seed,
            params: {},
            outputFormat: 'png',
            createdAt: new Date(Date.now() - s.minutesAgo * 60_000).toISOString(),
          });
    fs.writeFileSync(path.join(folder!, s.name), out);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
