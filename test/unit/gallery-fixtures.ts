/** Entries for the gallery tests. */
import type { GalleryEntry } from '../../src/core/gallery';

export const DAY = 24 * 60 * 60 * 1000;
export const T0 = Date.parse('2026-03-01T12:00:00.000Z');

export function entry(id: string, minutes: number, extra: Partial<GalleryEntry> = {}): GalleryEntry {
  return {
    id,
    uri: `file:///ws/assets/${id}.png`,
    prompt: `prompt ${id}`,
    provider: 'aimlapi',
    model: 'flux-pro/v1.1',
    modelKey: 'aimlapi:flux-pro/v1.1',
    width: 256,
    height: 256,
    seed: 7,
    params: {},
    outputFormat: 'png',
    createdAt: new Date(T0 + minutes * 60_000).toISOString(),
    ...extra,
  };
}
