/**
 * The zod schemas for what reaches the extension from the generator page (every message, the saved
 * page state after a window reload) and for `fluxStudio.openGenerator`'s argument. In the main
 * bundle (with the engine's zod), never in the activation shell.
 */
import * as z from 'zod/mini';
import { PROVIDER_IDS } from '../../core/catalog';

const MAX_TEXT = 20_000;

function build() {
  const short = z.string().check(z.maxLength(200));
  const id = z.string().check(z.minLength(1), z.maxLength(64));
  // 4,096: a web-address parameter takes up to 2,048 characters (signed CDN links are long).
  const paramValue = z.union([z.string().check(z.maxLength(4096)), z.number(), z.boolean()]);
  const params = z.record(z.string().check(z.maxLength(64)), paramValue);
  const provider = z.enum(PROVIDER_IDS);

  const form = z.object({
    prompt: z.string().check(z.maxLength(MAX_TEXT)),
    model: short,
    size: z.string().check(z.maxLength(40)),
    width: z.string().check(z.maxLength(16)),
    height: z.string().check(z.maxLength(16)),
    numImages: z.int().check(z.minimum(1), z.maximum(16)),
    seedMode: z.enum(['random', 'fixed', 'last']),
    seed: z.string().check(z.maxLength(32)),
    outputFormat: z.string().check(z.maxLength(16)),
    params,
    references: z.optional(z.array(z.string().check(z.maxLength(4096))).check(z.maxLength(8))),
  });

  const toHost = z.discriminatedUnion('type', [
    z.object({ type: z.literal('ready') }),
    z.object({ type: z.literal('form'), seq: z.int(), form }),
    z.object({ type: z.literal('generate'), form }),
    z.object({ type: z.literal('copyCurl'), form }),
    z.object({ type: z.literal('cancel'), runId: id }),
    z.object({
      type: z.literal('image'),
      action: z.enum(['insert', 'copyLink', 'open', 'reveal', 'vary', 'regenerate']),
      runId: id,
      index: z.int().check(z.minimum(0), z.maximum(64)),
    }),
    z.object({ type: z.literal('run'), action: z.enum(['setKey', 'retry', 'showLog', 'dismiss']), runId: id }),
    z.object({ type: z.literal('setKey'), provider }),
    z.object({ type: z.literal('clearRuns') }),
    z.object({ type: z.literal('chooseReferences') }),
    // Files dropped on the reference area (a uri-list): bounded here, each parsed and checked by the extension.
    z.object({ type: z.literal('dropReferences'), uris: z.array(z.string().check(z.maxLength(4096))).check(z.minLength(1), z.maxLength(16)) }),
  ]);

  const runRequest = z.object({
    model: short,
    prompt: z.string().check(z.maxLength(MAX_TEXT)),
    size: z.optional(z.string().check(z.maxLength(40))),
    numImages: z.optional(z.number()),
    seed: z.optional(z.number()),
    outputFormat: z.optional(z.string().check(z.maxLength(16))),
    params: z.optional(params),
  });

  const image = z.object({
    index: z.int().check(z.minimum(0)),
    uri: z.string().check(z.maxLength(4096)),
    name: z.string().check(z.maxLength(1024)),
    src: z.string().check(z.maxLength(8192)),
    width: z.number(),
    height: z.number(),
    seed: z.optional(z.number()),
    model: short,
  });

  const run = z.object({
    id,
    status: z.enum(['running', 'done', 'failed', 'cancelled']),
    request: runRequest,
    modelLabel: short,
    sizeText: short,
    startedAt: z.number(),
    endedAt: z.optional(z.number()),
    phase: z.string().check(z.maxLength(1000)),
    percent: z.optional(z.number()),
    error: z.optional(
      z.object({ message: z.string().check(z.maxLength(MAX_TEXT)), actions: z.readonly(z.array(z.enum(['setKey', 'retry', 'showLog', 'dismiss']))) }),
    ),
    images: z.array(image).check(z.maxLength(16)),
  });

  /** The page's state as VS Code hands it back after a window reload. */
  const uiState = z.object({
    v: z.literal(1),
    form,
    advancedOpen: z.boolean(),
    curl: z.nullable(z.object({ text: z.string().check(z.maxLength(MAX_TEXT * 2)), note: z.string().check(z.maxLength(1000)) })),
    runs: z.array(run).check(z.maxLength(100)),
    lastSeed: z.nullable(z.number()),
  });

  /** `fluxStudio.openGenerator`'s argument (each field optional; unknown fields are dropped). */
  const openArgs = z.object({
    prompt: z.optional(z.string().check(z.maxLength(MAX_TEXT))),
    model: z.optional(short),
    size: z.optional(z.string().check(z.maxLength(40))),
    seed: z.optional(z.number()),
    params: z.optional(params),
    outputFormat: z.optional(z.string().check(z.maxLength(16))),
    numImages: z.optional(z.number()),
  });

  return { form, toHost, uiState, openArgs, run };
}

export const generatorSchemas = build();
export type GeneratorSchemas = typeof generatorSchemas;
