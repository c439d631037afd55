/** The AIML API: one synchronous POST that answers with the images. */
import * as z from 'zod/mini';
import { PROVIDERS } from '../catalog';
import { FluxError } from '../errors';
import { surelyNotSent, withRetry } from '../http';
import { t } from '../l10n';
import type { ValidRequest } from '../request';
import { exchangeJson } from './common';
import { wireParams } from './params';
import { dataUri, referenceField, referenceStandIn, type ReferenceShow } from '../reference';
import type { ImageSource, ProviderClient, ProviderContext, ProviderResult } from './types';

const nullish = <T extends z.ZodMiniType>(t: T) => z.optional(z.nullable(t));

/** Both success shapes: A (`data[]`, the OpenAPI schema) and B (fal's `images[]`). */
const AimlSuccess = z.object({
  data: nullish(z.array(z.object({ url: nullish(z.string()), b64_json: nullish(z.string()) }))),
  images: nullish(z.array(z.object({ url: nullish(z.string()), content_type: nullish(z.string()) }))),
  meta: nullish(z.object({ usage: nullish(z.object({ credits_used: nullish(z.number()), tokens_used: nullish(z.number()) })) })),
  seed: nullish(z.number()),
  has_nsfw_concepts: nullish(z.array(z.boolean())),
});

/**
 * The request body. `show` writes a reference image (default: the `data:` URI that is sent;
 * "Copy as cURL" passes a short stand-in, so the clipboard does not get megabytes of base64).
 */
export function aimlBody(req: ValidRequest, show: ReferenceShow = dataUri): Record<string, unknown> {
  const body: Record<string, unknown> = { model: req.model.id, prompt: req.prompt };
  const size = req.size.choice;
  if (size.kind === 'ratio') body.aspect_ratio = size.ratio;
  else if (size.kind === 'preset') body.image_size = size.name;
  else body.image_size = { width: size.width, height: size.height };
  if (req.model.maxImages > 1) body.num_images = req.numImages;
  if (req.seed !== undefined) body.seed = req.seed;
  if (req.model.formats.length > 1) body.output_format = req.outputFormat;
  Object.assign(body, wireParams(req));
  const rule = req.model.reference;
  if (rule && req.references?.length) body[rule.wire] = referenceField(rule, req.references, show);
  return body;
}

/** Images from the answer: `data[].url`, else `data[].b64_json`, else `images[].url`. */
function imagesOf(ok: z.infer<typeof AimlSuccess>): ImageSource[] {
  const out: ImageSource[] = [];
  for (const d of ok.data ?? []) {
    if (d.url) out.push({ url: d.url });
    else if (d.b64_json) out.push({ b64: d.b64_json });
  }
  if (out.length === 0) for (const i of ok.images ?? []) if (i.url) out.push({ url: i.url });
  return out;
}

export const aimlapi: ProviderClient = {
  id: 'aimlapi',

  describe(req, baseUrl, showReference = referenceStandIn) {
    return {
      method: 'POST',
      url: `${baseUrl.replace(/\/+$/, '')}/v1/images/generations`,
      headers: { Authorization: 'Bearer <AIMLAPI_API_KEY>', 'Content-Type': 'application/json' },
      body: aimlBody(req, showReference),
    };
  },

  async run(req: ValidRequest, ctx: ProviderContext): Promise<ProviderResult> {
    const url = `${ctx.baseUrl.replace(/\/+$/, '')}/v1/images/generations`;
    const body = JSON.stringify(aimlBody(req));
    ctx.onProgress?.({ phase: 'submitting' });
    ctx.logger.info(
      `AIML API: ${req.model.id} ${req.size.width}x${req.size.height}, ${req.numImages} image(s)${req.references?.length ? `, ${req.references.length} reference image(s) inline` : ''}`,
    );
    // A synchronous request may have been processed (and charged) whenever the server saw it, so
    // only what surely was not is retried: refused connections, 429 and 503.
    const answer = await withRetry(
      async (n) => {
        if (n === 1) ctx.onProgress?.({ phase: 'generating' });
        return exchangeJson(
          ctx,
          'aimlapi',
          {
            method: 'POST',
            url,
            headers: { authorization: `Bearer ${ctx.apiKey}`, 'content-type': 'application/json', accept: 'application/json' },
            body,
          },
          t('generating'),
        );
      },
      (e) => e.status === 429 || e.status === 503 || (e.kind === 'network' && surelyNotSent(e.cause)),
      { policy: ctx.retry, signal: ctx.signal, logger: ctx.logger, provider: 'aimlapi', label: 'AIML API' },
    );
    const parsed = AimlSuccess.safeParse(answer.json);
    const label = PROVIDERS.aimlapi.label;
    if (!parsed.success) {
      throw new FluxError({
        kind: 'bad-response',
        provider: 'aimlapi',
        status: answer.status,
        ...(answer.requestId ? { requestId: answer.requestId } : {}),
        message: t("The {0}'s answer did not have the expected form (no image list). Try again later.", label),
      });
    }
    const images = imagesOf(parsed.data);
    if (images.length === 0) {
      throw new FluxError({
        kind: 'bad-response',
        provider: 'aimlapi',
        status: answer.status,
        ...(answer.requestId ? { requestId: answer.requestId } : {}),
        message: t('The {0} answered without any image. Try again, perhaps with another prompt.', label),
      });
    }
    const usage = parsed.data.meta?.usage;
    const credits = usage?.credits_used ?? usage?.tokens_used ?? undefined;
    const result: ProviderResult = {
      images,
      ...(parsed.data.seed != null ? { seed: parsed.data.seed } : {}),
      ...(credits != null ? { creditsUsed: credits } : {}),
      ...(answer.requestId ? { requestId: answer.requestId } : {}),
      ...(parsed.data.has_nsfw_concepts ? { nsfw: parsed.data.has_nsfw_concepts } : {}),
    };
    return result;
  },
};
