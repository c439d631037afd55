/**
 * The main bundle (`dist/main.js`, built from src/main.ts), required and started on first use so
 * that activation stays light. Kept external by esbuild: resolved next to dist/extension.js.
 */
import type * as MainModule from '../main';
import type { Main } from '../main';
import type { Shell } from './shell';

let loaded: Main | undefined;

export function main(shell: Shell): Main {
  if (!loaded) {
    // In tests run from the sources (no bundles) this resolves src/main.ts itself.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const m = require('./main.js') as typeof MainModule;
    loaded = m.start(shell);
  }
  return loaded;
}

/** The main bundle's parts if something already started them; never loads anything. */
export function loadedMain(): Main | undefined {
  return loaded;
}
