/**
 * The extension's words, found in its sources with the TypeScript compiler: every message passed to
 * `t()` / `vscode.l10n.t()` (the keys of l10n/bundle.l10n.json), the catalog texts shown through
 * `tCatalog()`, and every user-facing text that does NOT go through them (what the unit test
 * test/unit/l10n.test.ts fails on). `npm run l10n` writes l10n/bundle.l10n.json from here.
 *
 * User-facing, untranslated text is found two ways:
 * - by where it goes: an argument of showInformationMessage & co., of the Ui's info/warn/error, of a
 *   page's DOM helpers (h() children, el() text, button() and iconButton() labels…), a `label:`,
 *   `title:`, `placeHolder:`, `message:`… property, an assignment to `.textContent`, `.title`,
 *   `.placeholder`…, an `aria-label`, `title` or `placeholder` attribute;
 * - by what it is, anywhere else: a sentence (three words or more that start with a capital or end
 *   with a full stop, or five words or more), unless it only goes to the log or is a programming error.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { CATALOG, EDIT_MODELS } from '../../src/core/catalog';

export const ROOT = join(__dirname, '..', '..');
export const L10N_DIR = join(ROOT, 'l10n');

export interface Place {
  readonly file: string;
  readonly line: number;
}
export interface Untranslated extends Place {
  readonly text: string;
  readonly why: string;
}

/** Functions whose first argument is a message to translate. */
const T_CALLS = new Set(['t', 'vscode.l10n.t', 'l10n.t']);
/** Translates a text that is not written at the call (the catalog's). */
const CATALOG_CALL = 'tCatalog';

/** Calls whose arguments (by position; -1: all from index 0, `n+`: from n on) are shown to the user. */
const SINK_ARGS: Readonly<Record<string, readonly (number | `${number}+`)[]>> = {
  showInformationMessage: ['0+'],
  showWarningMessage: ['0+'],
  showErrorMessage: ['0+'],
  setStatusBarMessage: [0],
  createWebviewPanel: [1],
  // The Ui (src/host/ui.ts): message and action buttons.
  info: ['0+'],
  warn: ['0+'],
  error: ['0+'],
  // The pages' DOM helpers (src/ui/…): h(tag, attrs, ...children), el(tag, class, text), …
  h: ['2+'],
  el: [2],
  button: [0],
  iconButton: [1],
  side: [1],
  seedRadio: [1],
  notice: [0],
  // Sentences handed on to be shown (src/host/generation/*, src/host/gallery/actions.ts, the panel's runs).
  fail: [0],
  say: [0],
  end: [1],
  LinkError: [0],
  FileNamePatternError: [0],
  TrashUnavailableError: [1],
  // vscode.FileSystemError's factories: the reason ends up in "The image could not be saved in …: <reason>".
  FileNotFound: [0],
  FileExists: [0],
  FileNotADirectory: [0],
  FileIsADirectory: [0],
  NoPermissions: [0],
  Unavailable: [0],
};
/** Receivers whose info/warn/error are logging, not the Ui. */
const LOGGERS = /(^|\.)(log|logger|console|channel)$/i;

/** Object properties whose value is shown. */
const SINK_PROPS = new Set([
  'label',
  'description',
  'detail',
  'placeholder',
  'placeHolder',
  'prompt',
  'title',
  'tooltip',
  'message',
  'saveLabel',
  'openLabel',
  'note',
  'phase',
  'aria-label',
  'alt',
  'problem',
  'defaultModelProblem',
]);
/** Element or item properties whose assigned value is shown. */
const SINK_ASSIGN = new Set(['title', 'placeholder', 'textContent', 'innerText', 'text', 'tooltip', 'description', 'label', 'phase', 'alt', 'ariaLabel']);
/** Attributes whose value is shown (setAttribute). */
const SINK_ATTRS = new Set(['aria-label', 'title', 'placeholder', 'alt', 'aria-description', 'aria-roledescription']);
/** Properties that never hold words for a person (even with spaces in them). */
const NOT_TEXT_PROPS = new Set([
  'class',
  'className',
  'id',
  'type',
  'role',
  'kind',
  'command',
  'when',
  'group',
  'icon',
  'for',
  'inputmode',
  'method',
  'url',
  'accept',
  'value',
  'key',
  'field',
  'status',
  'level',
  'action',
]);

function calleeName(e: ts.Expression): string {
  if (ts.isIdentifier(e)) return e.text;
  if (ts.isPropertyAccessExpression(e)) return `${calleeName(e.expression)}.${e.name.text}`;
  if (ts.isNonNullExpression(e) || ts.isParenthesizedExpression(e)) return calleeName(e.expression);
  return '';
}
const lastName = (full: string) => full.slice(full.lastIndexOf('.') + 1);
const receiver = (full: string) => (full.includes('.') ? full.slice(0, full.lastIndexOf('.')) : '');

/** A string or template literal's text; a template's substitutions are `{}`. */
function literalText(n: ts.Node): string | undefined {
  if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) return n.text;
  if (ts.isTemplateExpression(n)) return n.head.text + n.templateSpans.map((s) => `{}${s.literal.text}`).join('');
  return undefined;
}

/** Names that stay as they are in every language. */
const NAMES = /\b(Flux Image Studio|FLUX[\d.]*|Flux|AIML API|apiframe|VS Code)\b/g;

/** Words a person reads: letters, at least two of them, besides names, codicons and placeholders. */
const hasWords = (s: string) =>
  /[A-Za-z]{2,}/.test(
    s
      .replace(NAMES, '')
      .replace(/\$\([a-z-]+\)/g, '')
      .replace(/\{\}/g, ''),
  );

/** An identifier, id, key or type name (`downloading`, `square_hd`, `seed-mode`, `LinkError`), not words. */
const isIdentifier = (s: string) => /^[a-z][A-Za-z0-9_.:/-]*$/.test(s) || /^[A-Z][A-Za-z]*Error$/.test(s);

/** A sentence, not an identifier, class list, path or format: three words or more, at least one in lower case. */
function isProse(s: string): boolean {
  const text = s
    .replace(/\$\([a-z-]+\)/g, '')
    .replace(/\{\}/g, 'X')
    .trim();
  const words = text.split(/\s+/).filter((w) => /^["'“(]?[A-Za-z][a-z']*[,.;:!?…)"”]*$/.test(w));
  if (words.length < 3 || !words.some((w) => /^["'“(]?[a-z]{2,}/.test(w))) return false;
  return /^["'“(]?[A-Z]/.test(text) || /[.!?…:]["”)]?$/.test(text) || words.length >= 5;
}

function isTCall(n: ts.Node): n is ts.CallExpression {
  return ts.isCallExpression(n) && T_CALLS.has(calleeName(n.expression));
}

/** Where a literal's value goes, looking through `a ? b : c`, `a ?? b`, `a || b`, parentheses and templates. */
function destination(n: ts.Node): { node: ts.Node; child: ts.Node } {
  let child = n;
  let p = n.parent;
  const passesThrough = (x: ts.Node) =>
    ts.isConditionalExpression(x) ||
    ts.isParenthesizedExpression(x) ||
    ts.isTemplateSpan(x) ||
    ts.isTemplateExpression(x) ||
    (ts.isBinaryExpression(x) && [ts.SyntaxKind.QuestionQuestionToken, ts.SyntaxKind.BarBarToken, ts.SyntaxKind.PlusToken].includes(x.operatorToken.kind));
  while (p && passesThrough(p)) {
    if (ts.isConditionalExpression(p) && child === p.condition) break;
    child = p;
    p = p.parent;
  }
  return { node: p, child };
}

/** The position of `child` among a call's arguments, or -1. */
function argIndex(call: ts.CallExpression | ts.NewExpression, child: ts.Node): number {
  const args: readonly ts.Node[] = call.arguments ?? [];
  return args.indexOf(child);
}

function argMatches(spec: readonly (number | `${number}+`)[], index: number): boolean {
  return spec.some((s) => (typeof s === 'number' ? s === index : index >= Number(s.slice(0, -1))));
}

/** Why a literal is user-facing by where it goes, or undefined. */
function sinkOf(lit: ts.Node): string | undefined {
  const { node: p, child } = destination(lit);
  if (!p) return undefined;
  if (ts.isCallExpression(p) || ts.isNewExpression(p)) {
    const full = calleeName(p.expression);
    const name = lastName(full);
    const index = argIndex(p, child);
    if (index < 0) return undefined;
    if (name === 'setAttribute' && index === 1) {
      const attr = p.arguments?.[0];
      return attr && ts.isStringLiteral(attr) && SINK_ATTRS.has(attr.text) ? `the ${attr.text} attribute` : undefined;
    }
    if ((name === 'info' || name === 'warn' || name === 'error') && (LOGGERS.test(receiver(full)) || !/(^|\.)ui$/.test(receiver(full)))) return undefined;
    const spec = Object.hasOwn(SINK_ARGS, name) ? SINK_ARGS[name] : undefined;
    return spec && argMatches(spec, index) ? `an argument of ${name}()` : undefined;
  }
  if (ts.isPropertyAssignment(p) && child === p.initializer) {
    const key = ts.isIdentifier(p.name) || ts.isStringLiteral(p.name) ? p.name.text : '';
    return SINK_PROPS.has(key) ? `the ${key} property` : undefined;
  }
  if (ts.isBinaryExpression(p) && p.operatorToken.kind === ts.SyntaxKind.EqualsToken && child === p.right && ts.isPropertyAccessExpression(p.left)) {
    const prop = p.left.name.text;
    return SINK_ASSIGN.has(prop) ? `an assignment to .${prop}` : undefined;
  }
  if (ts.isReturnStatement(p) || ts.isArrowFunction(p)) return undefined;
  return undefined;
}

/** Literals that are not text at all: keys, module names, types, class lists and the like. */
function isNotText(lit: ts.Node): boolean {
  const p = lit.parent;
  if (!p) return true;
  if (ts.isImportDeclaration(p) || ts.isExportDeclaration(p) || ts.isExternalModuleReference(p) || ts.isLiteralTypeNode(p)) return true;
  if ((ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p) || ts.isPropertySignature(p) || ts.isMethodDeclaration(p)) && p.name === lit) return true;
  if (ts.isElementAccessExpression(p) && p.argumentExpression === lit) return true;
  if (ts.isCaseClause(p)) return true;
  if (
    ts.isBinaryExpression(p) &&
    [ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken, ts.SyntaxKind.InKeyword].includes(p.operatorToken.kind)
  )
    return true;
  const { node: d, child } = destination(lit);
  if (d && ts.isPropertyAssignment(d) && child === d.initializer) {
    const key = ts.isIdentifier(d.name) || ts.isStringLiteral(d.name) ? d.name.text : '';
    if (NOT_TEXT_PROPS.has(key)) return true;
  }
  if (d && (ts.isCallExpression(d) || ts.isNewExpression(d))) {
    const name = lastName(calleeName(d.expression));
    const index = argIndex(d, child);
    // el(tag, class, text) and h(tag, attrs…): the tag and the class are not text.
    if ((name === 'el' || name === 'h' || name === 'button') && index === (name === 'button' ? 1 : 0)) return true;
    if (name === 'el' && index === 1) return true;
    if (
      [
        'add',
        'remove',
        'toggle',
        'contains',
        'querySelector',
        'querySelectorAll',
        'getElementById',
        'byId',
        'closest',
        'executeCommand',
        'registerCommand',
        'getConfiguration',
        'get',
        'update',
        'inspect',
        'icon',
        'require',
        'createElement',
        'setContext',
      ].includes(name)
    )
      return true;
  }
  return false;
}

/** A catalog entry's `label:` or `description:` (translated where shown, by tCatalog). */
function isCatalogText(file: string, lit: ts.Node): boolean {
  if (file !== CATALOG_FILE) return false;
  const { node: d, child } = destination(lit);
  return Boolean(d && ts.isPropertyAssignment(d) && child === d.initializer && ts.isIdentifier(d.name) && ['label', 'description'].includes(d.name.text));
}

/** Anywhere inside a call that only logs, or a `new Error(…)` (a programming error). */
function inLogOrError(n: ts.Node): boolean {
  for (let p = n.parent; p; p = p.parent) {
    if (ts.isCallExpression(p)) {
      const full = calleeName(p.expression);
      const name = lastName(full);
      if (['trace', 'debug', 'info', 'warn', 'error', 'log'].includes(name) && LOGGERS.test(receiver(full))) return true;
      if (name === 'appendLine') return true;
    }
    if (ts.isNewExpression(p) && ts.isIdentifier(p.expression) && /^(Error|TypeError|RangeError)$/.test(p.expression.text)) return true;
    if (ts.isFunctionLike(p)) return false;
  }
  return false;
}

/**
 * Texts the check knows of and lets be, each with why. Kept short: anything new that a person reads
 * goes through t() / vscode.l10n.t().
 */
export const LET_BE: ReadonlyArray<{ readonly file: string; readonly text: string; readonly why: string }> = [
  { file: 'src/core/providers/apiframe.ts', text: 'apiframe submit', why: 'the retry label of a request, written only to the log' },
];

/** The files of the mechanism itself, which pass a message on (`t(message)`): their calls need no literal. */
const FORWARDERS = new Set(['src/core/l10n.ts', 'src/host/shell.ts']);
/** The catalog's labels and descriptions are shown through tCatalog() (their keys come from the catalog). */
const CATALOG_FILE = 'src/core/catalog.ts';

export interface Scan {
  /** Each message passed to t() / vscode.l10n.t(), with where. */
  readonly keys: Map<string, Place[]>;
  readonly untranslated: Untranslated[];
  /** t() calls whose message is not a literal, or whose arguments do not fill its placeholders. */
  readonly badCalls: Untranslated[];
}

export function placeholders(message: string): number[] {
  return [...new Set([...message.matchAll(/\{(\d+)\}/g)].map((m) => Number(m[1])))].sort((a, b) => a - b);
}

/** Scan TypeScript source text (one file). */
export function scanSource(file: string, text: string, into: Scan = { keys: new Map(), untranslated: [], badCalls: [] }): Scan {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const at = (n: ts.Node): Place => ({ file, line: sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1 });
  const visit = (n: ts.Node, inT: boolean): void => {
    if (isTCall(n)) {
      const [first, ...args] = n.arguments;
      const message = first && (ts.isStringLiteral(first) || ts.isNoSubstitutionTemplateLiteral(first)) ? first.text : undefined;
      if (message === undefined && FORWARDERS.has(file) && first && ts.isIdentifier(first)) {
        // The translator passing a message on.
      } else if (message === undefined)
        into.badCalls.push({ ...at(n), text: n.getText(sf).slice(0, 120), why: 'the message must be a string literal (no ${…}: use {0})' });
      else {
        const want = placeholders(message);
        const ok = want.length === args.length && want.every((k, i) => k === i);
        if (!ok) into.badCalls.push({ ...at(n), text: message, why: `placeholders ${JSON.stringify(want)} but ${args.length} argument(s)` });
        const list = into.keys.get(message) ?? [];
        list.push(at(n));
        into.keys.set(message, list);
      }
      for (const a of n.arguments) visit(a, true);
      return;
    }
    if (ts.isCallExpression(n) && calleeName(n.expression) === CATALOG_CALL) {
      for (const a of n.arguments) visit(a, true);
      return;
    }
    const text = literalText(n);
    if (
      text !== undefined &&
      !inT &&
      hasWords(text) &&
      !isIdentifier(text) &&
      !isNotText(n) &&
      !isCatalogText(file, n) &&
      !LET_BE.some((x) => x.file === file && x.text === text)
    ) {
      const sink = sinkOf(n);
      if (sink) into.untranslated.push({ ...at(n), text, why: `shown as ${sink}` });
      else if (isProse(text) && !inLogOrError(n)) into.untranslated.push({ ...at(n), text, why: 'a sentence outside t()' });
    }
    // A template's parts are one text (checked above); its substitutions are code.
    if (ts.isTemplateExpression(n)) {
      for (const s of n.templateSpans) visit(s.expression, inT);
      return;
    }
    ts.forEachChild(n, (c) => visit(c, inT));
  };
  visit(sf, false);
  return into;
}

/** Every TypeScript file of the extension (src/). */
export function sourceFiles(dir = join(ROOT, 'src')): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out.sort();
}

export function scanAll(): Scan {
  const scan: Scan = { keys: new Map(), untranslated: [], badCalls: [] };
  for (const f of sourceFiles()) scanSource(relative(ROOT, f).replace(/\\/g, '/'), readFileSync(f, 'utf8'), scan);
  return scan;
}

/** The catalog's texts shown through tCatalog(): model descriptions, parameter labels and descriptions. */
export function catalogKeys(): string[] {
  const out = new Set<string>();
  for (const m of [...CATALOG, ...EDIT_MODELS]) {
    out.add(m.description);
    for (const p of m.params) {
      out.add(p.label);
      out.add(p.description);
    }
  }
  return [...out];
}

/** The English bundle as it should be: every key, sorted, each its own text. */
export function englishBundle(scan = scanAll()): Record<string, string> {
  const keys = [...new Set([...scan.keys.keys(), ...catalogKeys()])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(keys.map((k) => [k, k]));
}

export function readJson(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}
