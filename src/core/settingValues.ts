/**
 * The numeric settings and what is done with a value outside their range: it is clamped (as VS
 * Code's settings editor would refuse it, but settings.json takes anything) and the clamping is
 * said, once per setting and value, naming the setting, the value given and the value used. Pure:
 * `src/host/settings.ts` reads the values and shows the warning.
 */
import { t } from './l10n';
import { oneLine } from './redact';

export interface NumberSetting {
  /** The full setting id, as a user finds it in the settings editor (`fluxStudio.…`). */
  readonly id: string;
  readonly def: number;
  readonly min: number;
  readonly max: number;
}

/** The numeric settings, with the default, minimum and maximum of package.json's contribution. */
export const NUMBER_SETTINGS = {
  pollTimeoutSeconds: { id: 'fluxStudio.pollTimeoutSeconds', def: 300, min: 30, max: 3600 },
  requestTimeoutSeconds: { id: 'fluxStudio.requestTimeoutSeconds', def: 180, min: 10, max: 900 },
  maxImageMegabytes: { id: 'fluxStudio.maxImageMegabytes', def: 50, min: 1, max: 500 },
} as const satisfies Record<string, NumberSetting>;

/** A setting whose value was not used as given. */
export interface SettingAdjustment {
  readonly setting: string;
  /** The value given, as it can be shown (a text quoted, on one line, bounded). */
  readonly given: string;
  readonly used: number;
  readonly reason: 'below-minimum' | 'above-maximum' | 'not-a-number';
  readonly min: number;
  readonly max: number;
}

/** How a value is shown in a sentence: a number as it is, anything else as (bounded) JSON. */
function shown(value: unknown): string {
  if (typeof value === 'number') return String(value);
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return oneLine(text, 40);
}

/**
 * The value to use for a numeric setting, and the adjustment made when it is not the value given.
 * Unset (undefined) is the default and no adjustment; a value outside the range is clamped; a value
 * that is not a finite number gives the default.
 */
export function numberSetting(spec: NumberSetting, value: unknown): { value: number; adjustment?: SettingAdjustment } {
  if (value === undefined || value === null) return { value: spec.def };
  const base = { setting: spec.id, given: shown(value), min: spec.min, max: spec.max };
  if (typeof value !== 'number' || !Number.isFinite(value)) return { value: spec.def, adjustment: { ...base, used: spec.def, reason: 'not-a-number' } };
  if (value < spec.min) return { value: spec.min, adjustment: { ...base, used: spec.min, reason: 'below-minimum' } };
  if (value > spec.max) return { value: spec.max, adjustment: { ...base, used: spec.max, reason: 'above-maximum' } };
  return { value };
}

/** The sentence for an adjustment: what was wrong, what is used, what to do. */
export function adjustmentMessage(a: SettingAdjustment): string {
  switch (a.reason) {
    case 'below-minimum':
      return t(
        'The setting {0} is {1}, below its minimum of {2}, so {3} is used. Set it to a value from {2} to {4}.',
        a.setting,
        a.given,
        a.min,
        a.used,
        a.max,
      );
    case 'above-maximum':
      return t(
        'The setting {0} is {1}, above its maximum of {2}, so {3} is used. Set it to a value from {4} to {2}.',
        a.setting,
        a.given,
        a.max,
        a.used,
        a.min,
      );
    case 'not-a-number':
      return t(
        'The setting {0} is {1}, which is not a number, so the default {2} is used. Set it to a number from {3} to {4}.',
        a.setting,
        a.given,
        a.used,
        a.min,
        a.max,
      );
  }
}

/**
 * Remembers which adjustments were already said, so each is said once: again only when the value
 * given changes, or when a setting was set back in range and then out of it again.
 */
export class AdjustmentNotices {
  private readonly said = new Map<string, string>();

  /**
   * The adjustments of `current` not said yet (from now on counted as said). `current` is every
   * adjustment of one reading of the settings: a setting missing from it is fine again and forgotten.
   */
  fresh(current: readonly SettingAdjustment[]): SettingAdjustment[] {
    const still = new Set(current.map((a) => a.setting));
    for (const k of [...this.said.keys()]) if (!still.has(k)) this.said.delete(k);
    const out: SettingAdjustment[] = [];
    for (const a of current) {
      if (this.said.get(a.setting) === a.given) continue;
      this.said.set(a.setting, a.given);
      out.push(a);
    }
    return out;
  }
}
