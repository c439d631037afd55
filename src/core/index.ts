/** The core's public surface for the extension host. Never imports 'vscode'. */
export * from './catalog';
export * from './errors';
export * from './request';
export * from './engine';
export { HttpClient, type HttpOptions } from './http';
export type { Logger } from './log';
export type { Progress } from './providers/types';
