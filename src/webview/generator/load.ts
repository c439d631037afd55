/**
 * The generator panel's own bundle (`dist/flux-generator.js`, built from ./index.ts), loaded on
 * first use so that activation stays light.
 */
import type * as Generator from './index';

export type GeneratorModule = typeof Generator;
let loaded: GeneratorModule | undefined;

export function loadGenerator(): GeneratorModule {
  // Kept external by esbuild: resolved next to dist/extension.js at run time.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= require('./flux-generator.js') as GeneratorModule;
  return loaded;
}
