/**
 * The engine's sentences in the user's language, without `vscode`: `t('Width {0} is …', value)`
 * formats the English message by default; the extension host plugs in `vscode.l10n.t`
 * (src/host/shell.ts) and a webview page a translator over the bundle it was given. The extension's
 * two bundles share this one module (see esbuild.mjs), so one translator serves both.
 * Messages are the English text itself, with `{0}`, `{1}`… where the arguments go (as in
 * l10n/bundle.l10n.json); the unit test test/unit/l10n.test.ts checks every one is translated.
 */

export type L10nArg = string | number | boolean;
export type Translator = (message: string, args: readonly L10nArg[]) => string;

let translator: Translator | undefined;

/** Put the arguments into `{0}`, `{1}`…; a placeholder without an argument stays as it is. */
export function format(message: string, args: readonly L10nArg[]): string {
  if (args.length === 0) return message;
  return message.replace(/\{(\d+)\}/g, (whole, i: string) => (Number(i) < args.length ? String(args[Number(i)]) : whole));
}

/** The message in the user's language, its `{n}` filled with `args`. */
export function t(message: string, ...args: L10nArg[]): string {
  return translator ? translator(message, args) : format(message, args);
}

/**
 * A text that is not written out at the call: a catalog model's description or a parameter's label
 * and description. The check takes these keys from the catalog itself.
 */
export function tCatalog(text: string): string {
  return t(text);
}

/** "JPEG or PNG", "JPEG or PNG or WebP". */
export function orList(items: readonly string[]): string {
  return items.length === 0 ? '' : items.reduce((a, b) => t('{0} or {1}', a, b));
}

/** Use `translator` from now on (undefined: English again). */
export function setTranslator(next: Translator | undefined): void {
  translator = next;
}

/** A translator over a bundle of messages (English message → translation), as a page gets it. */
export function bundleTranslator(contents: Readonly<Record<string, string>>): Translator {
  return (message, args) => {
    const own = Object.hasOwn(contents, message) ? contents[message] : undefined;
    return format(typeof own === 'string' ? own : message, args);
  };
}

/**
 * User text inside a sentence: quoted, on one line, at most 40 characters (a pasted page stays out
 * of the message). Invisible format characters go too (as in `oneLine`): a right-to-left override
 * in a typed size would otherwise turn the rest of the message around.
 */
export function quote(text: string, max = 40): string {
  // Only a bounded prefix (64 K characters) is looked at: a pasted page is not folded whole. A
  // prefix that would end inside a surrogate pair ends before it (no half character in a message).
  const end = isHighSurrogate(text.charCodeAt(65_535)) ? 65_535 : 65_536;
  const head = text.slice(0, end);
  const chars = [...head.replace(/[\s\p{Cc}\p{Cf}\p{Zl}\p{Zp}]+/gu, ' ').trim()];
  const cut = chars.length > max || head.length < text.length;
  return `"${cut ? `${chars.slice(0, max - 1).join('')}…` : chars.join('')}"`;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
