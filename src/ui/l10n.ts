/**
 * A page's words in VS Code's display language. The extension puts its translations (English
 * message → translation; none in English) into `#app`'s `data-l10n` attribute (src/webview/html.ts);
 * this module reads them and gives them to the translator hook every `t()` uses, the page's own and
 * the shared form and engine code's. Imported first by each page, so it runs before anything is built.
 */
import { bundleTranslator, setTranslator } from '../core/l10n';

export { t, tCatalog } from '../core/l10n';

function readBundle(): Record<string, string> {
  try {
    const raw = document.getElementById('app')?.dataset.l10n;
    const parsed: unknown = raw ? JSON.parse(raw) : {};
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
    return Object.fromEntries(Object.entries(parsed as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    return {};
  }
}

setTranslator(bundleTranslator(readBundle()));

/** The display language (the page's `lang`), for numbers and dates. */
export const LANGUAGE = document.documentElement.lang || 'en';
