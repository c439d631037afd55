/**
 * The two tools the extension gives VS Code's agent, for any MCP client: the same input, the same
 * checks and words (core/agentInput.ts), the same engine and the same record in every image. What
 * differs: no VS Code, so the images are written with Node's fs into the workspace's assets folder
 * (never over an existing file, never outside the workspace), and the answer gives the Markdown link
 * for the client to place.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { describeCatalog, parseGenerateInput, requestFromNamed } from '../core/agentInput';
import { PROVIDER_IDS, PROVIDERS, keyName, type ProviderId } from '../core/catalog';
import { generateValid, type GeneratedImage } from '../core/engine';
import { FluxError } from '../core/errors';
import type { HttpClient } from '../core/http';
import { t } from '../core/l10n';
import { altText, buildLink, relativeImagePath } from '../core/links';
import type { Logger } from '../core/log';
import { renderBaseName, uniqueName } from '../core/naming';
import { validateRequest } from '../core/request';
import type { McpConfig } from './config';

export const GENERATE_TOOL = 'fluxStudio_generateImage';
export const LIST_TOOL = 'fluxStudio_listModels';

/** The tools as MCP lists them: JSON Schema inputs mirroring GenerateToolInputSchema. */
export function toolList(): unknown[] {
  return [
    {
      name: GENERATE_TOOL,
      title: t('Generate an image with FLUX'),
      description: t(
        "Generate images with a FLUX model and save them in the workspace's assets folder (with the prompt, model and seed embedded). Answers with each file's workspace-relative path and a Markdown link to place. Call {0} first to choose a model and size.",
        LIST_TOOL,
      ),
      inputSchema: {
        type: 'object',
        properties: {
          prompt: { type: 'string', description: t('What the image shows.'), maxLength: 10000 },
          model: { type: 'string', description: t("provider:model, e.g. {0} (default: the user's default model).", 'aimlapi:flux-pro/v1.1') },
          size: { type: 'string', description: t('WIDTHxHEIGHT, a preset ({0}, …) or an aspect ratio W:H, as the model allows.', 'square_hd, landscape_4_3') },
          numImages: { type: 'integer', minimum: 1 },
          seed: { type: 'integer', minimum: 0 },
          outputFormat: { type: 'string', enum: ['png', 'jpeg', 'webp'] },
        },
        required: ['prompt'],
        additionalProperties: false,
      },
    },
    {
      name: LIST_TOOL,
      title: t('List FLUX models'),
      description: t(
        "The FLUX models Flux Image Studio can use: each model's provider:model key, size rule, formats and image count, and which providers have a key set (never the key).",
      ),
      inputSchema: { type: 'object', properties: {}, additionalProperties: false },
    },
  ];
}

export interface ToolContext {
  readonly config: McpConfig;
  readonly http: HttpClient;
  readonly logger: Logger;
}

export interface ToolAnswer {
  readonly text: string;
  readonly isError: boolean;
}

const answer = (text: string, isError = false): ToolAnswer => ({ text, isError });

export function listModels(ctx: ToolContext): ToolAnswer {
  const hasKey = Object.fromEntries(PROVIDER_IDS.map((p) => [p, Boolean(ctx.config.keys[p])])) as Record<ProviderId, boolean>;
  return answer(describeCatalog(hasKey, ctx.config.defaultModel.key));
}

/** The assets folder inside the workspace, made if missing; undefined (with the sentence) when it would lead outside. */
async function assetsDir(config: McpConfig): Promise<{ ok: true; dir: string } | { ok: false; message: string }> {
  const setting = config.assetsFolder.replaceAll('${workspaceFolder}', config.workspace);
  if (/\$\{/.test(setting)) {
    return {
      ok: false,
      message: t(
        'The assets folder "{0}" names a document, and the MCP server has none. Use a folder such as "assets" in {1}.',
        config.assetsFolder,
        'fluxStudio.assetsFolder',
      ),
    };
  }
  const dir = path.resolve(config.workspace, setting);
  const inside = (root: string, p: string): boolean => p === root || p.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
  if (!inside(config.workspace, dir)) {
    return {
      ok: false,
      message: t(
        'The assets folder "{0}" leads outside the workspace folder "{1}". Use a folder inside it, such as "assets", in {2}.',
        config.assetsFolder,
        config.workspace,
        'fluxStudio.assetsFolder',
      ),
    };
  }
  await fs.mkdir(dir, { recursive: true });
  // A link inside the repository may point anywhere: the real path must stay inside the real workspace.
  const [realRoot, realDir] = await Promise.all([fs.realpath(config.workspace), fs.realpath(dir)]);
  if (!inside(realRoot, realDir)) {
    return {
      ok: false,
      message: t(
        'The assets folder "{0}" leads outside the workspace folder "{1}" (to {2}). Use a folder inside it, such as "assets", in {3}.',
        config.assetsFolder,
        config.workspace,
        realDir,
        'fluxStudio.assetsFolder',
      ),
    };
  }
  return { ok: true, dir };
}

/**
 * Writes the image under the first free name: a temporary file first, then a hard link to the
 * name (which fails rather than replace a file someone else made meanwhile), so nothing is ever
 * overwritten and no half-written file carries the name.
 */
async function saveImage(dir: string, base: string, img: GeneratedImage): Promise<string> {
  const temp = path.join(dir, `.flux-${randomBytes(6).toString('hex')}.tmp`);
  await fs.writeFile(temp, img.parts, { flag: 'wx' });
  try {
    for (let attempt = 0; attempt < 20; attempt++) {
      const name = await uniqueName(base, img.info.ext, (n) =>
        fs.access(path.join(dir, n)).then(
          () => true,
          () => false,
        ),
      );
      try {
        await fs.link(temp, path.join(dir, name));
        return path.join(dir, name);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
    }
    throw new Error(t('Could not find a free file name for {0}.', base));
  } finally {
    await fs.rm(temp, { force: true });
  }
}

export async function generateImage(input: unknown, ctx: ToolContext, signal: AbortSignal): Promise<ToolAnswer> {
  const parsed = parseGenerateInput(input);
  if (!parsed.ok) return answer(`${parsed.problems.join(' ')} ${t('Nothing was sent.')}`, true);
  if (parsed.value.insertInto !== undefined) {
    return answer(t("insertInto works in VS Code's own tool only; here the answer gives the link for you to place. Nothing was sent."), true);
  }
  if (parsed.value.referenceImages?.length) {
    return answer(t("referenceImages (editing an image) works in VS Code's own tool only. Nothing was sent."), true);
  }
  const named = requestFromNamed(parsed.value, ctx.config);
  if (!named.ok) return answer(`${named.message} ${t('Nothing was sent.')}`, true);
  const checked = validateRequest(named.request);
  if (!checked.ok) return answer(`${checked.problems.map((p) => p.message).join(' ')} ${t('Nothing was sent.')}`, true);
  const request = checked.value;
  const provider = request.model.provider;
  const apiKey = ctx.config.keys[provider];
  if (!apiKey) {
    return answer(
      t(
        'No {0} is set. Set the environment variable {1} for the MCP server (in VS Code: "{2}"). Nothing was sent.',
        keyName(provider),
        PROVIDERS[provider].envKey,
        'Flux: Set API Key…',
      ),
      true,
    );
  }
  const where = await assetsDir(ctx.config);
  if (!where.ok) return answer(`${where.message} ${t('Nothing was sent.')}`, true);
  try {
    const result = await generateValid(request, {
      http: ctx.http,
      logger: ctx.logger,
      apiKey,
      signal,
      ...(ctx.config.baseUrls[provider] ? { baseUrl: ctx.config.baseUrls[provider] } : {}),
    });
    const date = new Date();
    const lines: string[] = [];
    for (const [i, img] of result.images.entries()) {
      if (signal.aborted) break;
      const base = renderBaseName(ctx.config.fileNamePattern, { prompt: request.prompt, model: request.model.id, seed: result.seed, date, index: i + 1 });
      const file = await saveImage(where.dir, base, img);
      const rel = path.relative(ctx.config.workspace, file).split(path.sep).join('/');
      const link = buildLink('markdown', {
        path: relativeImagePath('/', `/${rel}`),
        alt: altText(request.prompt),
        width: img.info.width,
        height: img.info.height,
        prompt: request.prompt,
        seed: result.seed,
        model: request.model.id,
      });
      lines.push(
        t(
          'Saved {0} ({1}×{2}, {3}, seed {4}). Markdown link from the workspace root: {5}',
          rel,
          img.info.width,
          img.info.height,
          request.model.key,
          result.seed,
          link,
        ),
      );
    }
    if (result.moderated.length) lines.push(t("{0} image(s) were withheld by the provider's safety checker.", result.moderated.length));
    return answer(lines.join('\n'));
  } catch (e) {
    if (e instanceof FluxError) return answer(e.message, true);
    throw e;
  }
}
