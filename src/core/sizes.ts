/**
 * Sizes and formats in words, without zod: the pickers in the editor use these as the user types,
 * and they load with the extension at activation.
 */
import type { ModelEntry, OutputFormat, SizeChoice } from './catalog';
import { t } from './l10n';

export const FORMAT_NAMES: Readonly<Record<OutputFormat, string>> = { jpeg: 'JPEG', png: 'PNG', webp: 'WebP' };

export function formatName(f: OutputFormat): string {
  return FORMAT_NAMES[f];
}

/** Parse the text form of a size: `1024x768`, `16:9` or a preset name. */
export function parseSize(text: string): SizeChoice | undefined {
  const t = text.trim();
  const custom = /^(\d{1,6})\s*[x×]\s*(\d{1,6})$/i.exec(t);
  if (custom) return { kind: 'custom', width: Number(custom[1]), height: Number(custom[2]) };
  const ratio = /^(\d{1,3})\s*:\s*(\d{1,3})$/.exec(t);
  if (ratio) return { kind: 'ratio', ratio: `${Number(ratio[1])}:${Number(ratio[2])}` };
  if (/^[a-z][a-z0-9_]*$/i.test(t)) return { kind: 'preset', name: t };
  return undefined;
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

/** The pixel size of a size choice for a model, or undefined when the model does not offer it. */
export function pixelsOf(model: ModelEntry, choice: SizeChoice): { width: number; height: number } | undefined {
  switch (choice.kind) {
    case 'custom':
      return { width: choice.width, height: choice.height };
    case 'preset': {
      const p = model.size.presets?.find((x) => x.name === choice.name);
      return p && { width: p.width, height: p.height };
    }
    case 'ratio': {
      const r = model.size.ratios?.find((x) => x.ratio === choice.ratio);
      return r && { width: r.width, height: r.height };
    }
  }
}
