/** The core's public surface for the extension host. Never imports 'vscode'. */
import { array, boolean, discriminatedUnion, enum as zenum, int, literal, maxLength, maximum, minLength, minimum, nullable, number, object, optional, record, string, union } from 'zod/mini';
export * from './catalog';
export * from './errors';
export * from './request';
export * from './engine';
export { HttpClient, type HttpOptions } from './http';
export type { Logger } from './log';
/** Taking the key out of text and logs: the host wraps its own log channel with `redactingLogger` too. */
export { redact, redactingLogger, providerText, oneLine } from './redact';
export type { Progress } from './providers/types';
/** The translator hook: the host plugs in vscode.l10n.t (src/host/core.ts). */
export { setTranslator, type Translator } from './l10n';
/** The gallery index's rules and the embedded records (the gallery store reads images' records). */
export * from './gallery';
export { readRecord, readRecordFrom, RECORD_MAX_BYTES, type ByteSource, type GenerationRecord } from './metadata';
export { openFileSource, type FileSource } from './fileSource';
/**
 * The pieces of zod (mini) the host's boundary schemas use (the generator panel's messages), so
 * dist/extension.js need not bundle zod. A named subset: the whole namespace would pull in zod's locales.
 */
export const z = { array, boolean, discriminatedUnion, enum: zenum, int, literal, maxLength, maximum, minLength, minimum, nullable, number, object, optional, record, string, union } as const;
