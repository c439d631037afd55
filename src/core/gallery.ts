/**
 * The gallery's records: one entry per saved image, kept per workspace. Pure data and merge rules
 * (no I/O, no vscode): the host stores the index, the webview shows it.
 */
import * as z from 'zod/mini';

export const GalleryEntrySchema = z.object({
  /** Stable id (random), also the key two windows merge on. */
  id: z.string().check(z.minLength(1)),
  /** The image's location: its URI as a string (file:, vscode-remote:, ...). */
  uri: z.string().check(z.minLength(1)),
  prompt: z.string(),
  provider: z.enum(['aimlapi', 'apiframe']),
  /** The provider's model id. */
  model: z.string(),
  /** The catalog key `provider:id`. */
  modelKey: z.string(),
  width: z.number(),
  height: z.number(),
  seed: z.optional(z.number()),
  /** The size as asked (`1024x768`, a preset or a ratio), for "Reuse settings" and "Regenerate". */
  size: z.optional(z.string()),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  outputFormat: z.string(),
  /** ISO time the image was made. */
  createdAt: z.string(),
  creditsUsed: z.optional(z.number()),
  requestId: z.optional(z.string()),
  /** Bytes on disk when saved. */
  bytes: z.optional(z.number()),
});
export type GalleryEntry = z.infer<typeof GalleryEntrySchema>;
