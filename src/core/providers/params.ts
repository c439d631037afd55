import type { ValidRequest } from '../request';

/** The caller's parameters under their wire names; enums go as strings (AIML's safety_tolerance). */
export function wireParams(req: ValidRequest): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const spec of req.model.params) {
    const v = req.params[spec.name];
    if (v === undefined) continue;
    out[spec.wire] = spec.type === 'enum' ? String(v) : v;
  }
  return out;
}
