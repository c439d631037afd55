/**
 * A generation request from what an agent or a placeholder names (any of model, size, seed, number
 * of images, format), the rest from the user's settings as the commands take it, without a
 * question: a default size the model cannot make gives way to the model's own default.
 */
import { findModel } from '../../core/catalog';
import { unknownModelMessage } from '../../core/agentInput';
import { sizeFits, type GenerationRequest } from '../../core/request';
import type { Settings } from '../settings';

export interface Named {
  readonly prompt: string;
  readonly model?: string | undefined;
  readonly size?: string | undefined;
  readonly numImages?: number | undefined;
  readonly seed?: number | undefined;
  readonly outputFormat?: string | undefined;
}

export function requestFrom(n: Named, settings: Settings): { ok: true; request: GenerationRequest } | { ok: false; message: string } {
  const model = n.model !== undefined ? findModel(n.model.trim()) : settings.defaultModel;
  if (!model) return { ok: false, message: unknownModelMessage(n.model ?? '') };
  const size = n.size ?? (settings.defaultSize && sizeFits(model, settings.defaultSize) ? settings.defaultSize : undefined);
  const format = n.outputFormat ?? (settings.outputFormat !== 'auto' && model.formats.includes(settings.outputFormat) ? settings.outputFormat : undefined);
  return {
    ok: true,
    request: {
      model: model.key,
      prompt: n.prompt,
      ...(size ? { size } : {}),
      ...(n.numImages !== undefined ? { numImages: n.numImages } : {}),
      ...(n.seed !== undefined ? { seed: n.seed } : {}),
      ...(format ? { outputFormat: format } : {}),
    },
  };
}
