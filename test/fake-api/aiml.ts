/**
 * The AIML API's contract: `POST /v1/images/generations`, synchronous, answering shape A
 * (`{data, meta}`) or, by fault, shape B (fal's `{images, seed, has_nsfw_concepts, ...}`).
 */
import { randomInt, randomUUID } from 'node:crypto';
import type { AimlResponseFault, StatusFault } from './faults';
import { jsonReply, type Reply } from './http';
import { contentTypeOf, renderImage, type ImageSpec } from './images';
import type { FaultSpec } from './faults';
import type { Store, StoredFile } from './store';
import { validateAiml, type ReceivedReference } from './validate';

export const AIML_PATH = '/v1/images/generations';

const MESSAGES: Readonly<Record<number, string>> = {
  400: 'Body validation error!',
  401: 'This request requires a valid API key. You can create a new API key on the Billing page: https://aimlapi.com/app/keys',
  403: "You've run out of credits. Please top up your balance or update your payment method to continue: https://aimlapi.com/app/billing/",
  404: 'Not Found',
  409: 'Conflict',
  429: 'Too Many Requests',
  500: 'Internal server error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Generation timeout',
};

export const newRequestId = (): string => randomUUID();

/** AIML's error body `{ message, path, requestId, statusCode, timestamp }`, with `x-request-id`. */
export function aimlError(
  status: number,
  message: string | undefined,
  opts: { path: string; requestId: string; statusCodeAsString?: boolean; headers?: Record<string, string> },
): Reply {
  return jsonReply(
    status,
    {
      message: message ?? MESSAGES[status] ?? `Request failed with status ${status}`,
      path: opts.path,
      requestId: opts.requestId,
      statusCode: opts.statusCodeAsString ? String(status) : status,
      timestamp: new Date().toISOString(),
    },
    { 'x-request-id': opts.requestId, ...opts.headers },
  );
}

/** The reply for a `status` fault on an AIML request; `authorization` is the header the request carried (for `echoKey`). */
export function aimlFaultReply(fault: StatusFault, path: string, requestId: string, model: unknown, authorization?: string): Reply {
  const maintenance = fault.maintenance ? `${typeof model === 'string' ? model : 'The model'} is under maintenance. Please try again later.` : undefined;
  const echoed = fault.echoKey ? `Invalid API key provided: ${authorization ?? ''}` : undefined;
  return aimlError(fault.status, fault.message ?? echoed ?? maintenance, {
    path,
    requestId,
    ...(fault.statusCodeAsString ? { statusCodeAsString: true } : {}),
    ...(fault.retryAfter !== undefined ? { headers: { 'retry-after': String(fault.retryAfter) } } : {}),
  });
}

export interface AimlInput {
  readonly store: Store;
  readonly fileUrl: (file: StoredFile) => string;
  readonly path: string;
  readonly requestId: string;
  readonly body: unknown;
  /** The body was not JSON. */
  readonly badJson: boolean;
  readonly markers: readonly FaultSpec[];
  /** The shaping faults for this answer; called (and consumed) only once the body passed. */
  readonly shaping: () => AimlResponseFault | undefined;
  /** Told the reference images of a request that passed (an edit). */
  readonly onChecked?: (references: readonly ReceivedReference[]) => void;
}

export async function aimlGenerate(input: AimlInput): Promise<Reply> {
  const { path, requestId } = input;
  if (input.badJson) return aimlError(400, 'Body validation error!\nInvalid JSON body', { path, requestId });
  const checked = validateAiml(input.body);
  if (!checked.ok) {
    const lines = checked.issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message));
    return aimlError(400, ['Body validation error!', ...lines].join('\n'), { path, requestId });
  }
  const req = checked.value;
  if (req.references) input.onChecked?.(req.references);
  const shaping = input.shaping();
  const nsfw = shaping?.nsfw === true;
  const seed = req.seed ?? randomInt(req.model.seed.min, Math.min(req.model.seed.max, 2 ** 31 - 1));
  const started = performance.now();

  const files = shaping?.empty
    ? []
    : Array.from({ length: req.numImages }, (_, i) => {
        const image: ImageSpec = {
          prompt: req.prompt,
          seed: seed + i,
          model: req.model.key,
          width: req.width,
          height: req.height,
          format: req.format,
          ...(nsfw ? { blackout: true } : {}),
        };
        return input.store.addFile(image, 'aimlapi', input.markers);
      });
  // The synchronous API answers once the images exist.
  const bytes = await Promise.all(files.map((f) => renderImage(f.image)));

  // The Kontext image-to-image schemas document 201 (their `image_url` field tells them apart).
  const status = shaping?.status ?? (req.model.reference?.wire === 'image_url' ? 201 : 200);
  const headers = { 'x-request-id': requestId };
  const shapeB = !shaping?.b64 && (shaping?.shape === 'B' || (nsfw && shaping?.shape !== 'A'));
  if (shapeB) {
    return jsonReply(
      status,
      {
        images: files.map((f) => ({ url: input.fileUrl(f), width: req.width, height: req.height, content_type: contentTypeOf(req.format) })),
        timings: { inference: (performance.now() - started) / 1000 },
        seed,
        has_nsfw_concepts: files.map(() => nsfw),
        prompt: req.prompt,
      },
      headers,
    );
  }
  const credits = Math.round(((req.width * req.height) / 1_000_000) * 60_000) * files.length;
  const data = files.map((f, i) =>
    shaping?.b64 ? { url: null, b64_json: (bytes[i] ?? Buffer.alloc(0)).toString('base64') } : { url: input.fileUrl(f), b64_json: null },
  );
  const answer: Record<string, unknown> = { data, meta: { usage: { [shaping?.usageField ?? 'credits_used']: credits } } };
  if (nsfw) answer.has_nsfw_concepts = files.map(() => true);
  return jsonReply(status, answer, headers);
}
