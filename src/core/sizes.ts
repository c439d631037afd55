/**
 * Sizes and formats in words, without zod: the pickers in the editor use these as the user types,
 * and they load with the extension at activation.
 */
import type { ModelEntry, OutputFormat, SizeChoice } from './catalog';

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
 * `axis` is "Width" or "Height".
 */
export function checkSide(model: ModelEntry, axis: 'Width' | 'Height', value: number): string | undefined {
  const rule = model.size.custom;
  if (!rule) return `${model.id} does not take a custom size.`;
  const range = `${rule.min}–${rule.max}`;
  // NaN (a field holding "abc") or Infinity: say what is wanted rather than echo "NaN".
  if (!Number.isFinite(value)) return `${axis} must be a whole number of pixels from ${rule.min} to ${rule.max} in steps of ${rule.step} for ${model.id}.`;
  if (!Number.isInteger(value)) return `${axis} ${value} is not a whole number of pixels for ${model.id} (${range}).`;
  if (value < rule.min) return `${axis} ${value} is below the minimum of ${rule.min} for ${model.id} (${range}).`;
  if (value > rule.max) return `${axis} ${value} is above the maximum of ${rule.max} for ${model.id} (${range}).`;
  if (value % rule.step !== 0) {
    const lower = Math.max(rule.min, Math.floor(value / rule.step) * rule.step);
    const upper = Math.min(rule.max, Math.ceil(value / rule.step) * rule.step);
    const nearest = lower === upper ? `${lower}` : `${lower} or ${upper}`;
    return `${axis} ${value} is not a multiple of ${rule.step} for ${model.id} (${range}). Nearest: ${nearest}.`;
  }
  return undefined;
}

/** The sizes a model offers, as one short list for messages. */
export function describeSizes(model: ModelEntry): string {
  const parts: string[] = [];
  const s = model.size;
  if (s.custom) parts.push(`any width and height from ${s.custom.min} to ${s.custom.max} in steps of ${s.custom.step}`);
  if (s.presets?.length) parts.push(`the presets ${s.presets.map((p) => p.name).join(', ')}`);
  if (s.ratios?.length) parts.push(`the aspect ratios ${s.ratios.map((r) => r.ratio).join(', ')}`);
  if (s.fixed) parts.push(`only ${s.fixed.width}x${s.fixed.height}`);
  return parts.join('; ');
}
