/**
 * Sizes and formats in words, without zod: the pickers in the editor use these as the user types,
 * and they load with the extension at activation.
 */
import type { ModelEntry, OutputFormat } from './catalog';
import { t } from './l10n';

// The text form of a size and its pixels live beside the size's type, light enough for the status
// bar at activation; they are offered here too, with the rest of the size words.
export { parseSize, pixelsOf } from './catalogTypes';

export const FORMAT_NAMES: Readonly<Record<OutputFormat, string>> = { jpeg: 'JPEG', png: 'PNG', webp: 'WebP' };

export function formatName(f: OutputFormat): string {
  return FORMAT_NAMES[f];
}

/**
 * Check one side of a custom size, as the user types it. Returns the sentence, or undefined when fine.
 * `axis` is "Width" or "Height" (each side has its own sentences, so that they translate whole).
 */
export function checkSide(model: ModelEntry, axis: 'Width' | 'Height', value: number): string | undefined {
  const rule = model.size.custom;
  if (!rule) return t('{0} does not take a custom size.', model.id);
  const range = `${rule.min}–${rule.max}`;
  const w = axis === 'Width';
  // NaN (a field holding "abc") or Infinity: say what is wanted rather than echo "NaN".
  if (!Number.isFinite(value)) {
    return w
      ? t('Width must be a whole number of pixels from {0} to {1} in steps of {2} for {3}.', rule.min, rule.max, rule.step, model.id)
      : t('Height must be a whole number of pixels from {0} to {1} in steps of {2} for {3}.', rule.min, rule.max, rule.step, model.id);
  }
  if (!Number.isInteger(value)) {
    return w
      ? t('Width {0} is not a whole number of pixels for {1} ({2}).', value, model.id, range)
      : t('Height {0} is not a whole number of pixels for {1} ({2}).', value, model.id, range);
  }
  if (value < rule.min) {
    return w
      ? t('Width {0} is below the minimum of {1} for {2} ({3}).', value, rule.min, model.id, range)
      : t('Height {0} is below the minimum of {1} for {2} ({3}).', value, rule.min, model.id, range);
  }
  if (value > rule.max) {
    return w
      ? t('Width {0} is above the maximum of {1} for {2} ({3}).', value, rule.max, model.id, range)
      : t('Height {0} is above the maximum of {1} for {2} ({3}).', value, rule.max, model.id, range);
  }
  if (value % rule.step !== 0) {
    const lower = Math.max(rule.min, Math.floor(value / rule.step) * rule.step);
    const upper = Math.min(rule.max, Math.ceil(value / rule.step) * rule.step);
    const nearest = lower === upper ? `${lower}` : t('{0} or {1}', lower, upper);
    return w
      ? t('Width {0} is not a multiple of {1} for {2} ({3}). Nearest: {4}.', value, rule.step, model.id, range, nearest)
      : t('Height {0} is not a multiple of {1} for {2} ({3}). Nearest: {4}.', value, rule.step, model.id, range, nearest);
  }
  return undefined;
}

/** The sizes a model offers, as one short list for messages. */
export function describeSizes(model: ModelEntry): string {
  const parts: string[] = [];
  const s = model.size;
  if (s.custom) parts.push(t('any width and height from {0} to {1} in steps of {2}', s.custom.min, s.custom.max, s.custom.step));
  if (s.presets?.length) parts.push(t('the presets {0}', s.presets.map((p) => p.name).join(', ')));
  if (s.ratios?.length) parts.push(t('the aspect ratios {0}', s.ratios.map((r) => r.ratio).join(', ')));
  if (s.fixed) parts.push(t('only {0}', `${s.fixed.width}x${s.fixed.height}`));
  return parts.join('; ');
}
