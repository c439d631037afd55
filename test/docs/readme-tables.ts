/**
 * The README's generated tables (models from the catalog; settings and commands from package.json).
 * `npm run docs` rewrites them; the unit test `readme.test.ts` fails when the README drifts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CATALOG, PROVIDERS } from '../../src/core/catalog';
import { formatName } from '../../src/core/request';

export const README = join(__dirname, '..', '..', 'README.md');

export function modelsTable(): string {
  const rows = CATALOG.map((m) => {
    const s = m.size;
    const sizes: string[] = [];
    if (s.custom) sizes.push(`${s.custom.min}–${s.custom.max} px a side, steps of ${s.custom.step}`);
    if (s.presets?.length) sizes.push(`presets ${s.presets.map((p) => `\`${p.name}\``).join(' ')}`);
    if (s.ratios?.length) sizes.push(`ratios ${s.ratios.map((r) => `${r.ratio}`).join(' ')}`);
    const def = s.default.kind === 'custom' ? `${s.default.width}x${s.default.height}` : s.default.kind === 'preset' ? s.default.name : s.default.ratio;
    const params = m.params.map((p) => `\`${p.name}\``).join(' ') || '—';
    return `| \`${m.key}\` | ${m.label} | ${sizes.join('; ')} (default \`${def}\`) | ${m.formats.map(formatName).join(', ')} | ${m.maxImages} | ${params} |`;
  });
  const limits = Object.values(PROVIDERS)
    .map((p) => `${p.label} ${p.promptMax.toLocaleString('en-US')}`)
    .join(', ');
  return [
    '| Model key | Model | Sizes | Formats | Images per request | Parameters |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
    `Prompt limits (characters): ${limits}.`,
  ].join('\n');
}

export function replaceSection(text: string, name: string, body: string): string {
  const start = `<!-- ${name}:start (generated: npm run docs) -->`;
  const end = `<!-- ${name}:end -->`;
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i < 0 || j < i) throw new Error(`README.md has no ${name} section markers`);
  return `${text.slice(0, i + start.length)}\n${body}\n${text.slice(j)}`;
}

/** package.json with its `%key%` texts resolved from package.nls.json (English), as VS Code shows them in English. */
export function manifest(): any {
  const root = join(__dirname, '..', '..');
  const nls = JSON.parse(readFileSync(join(root, 'package.nls.json'), 'utf8')) as Record<string, string>;
  const resolve = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const key = /^%([\w.-]+)%$/.exec(v)?.[1];
      if (key === undefined) return v;
      if (!Object.hasOwn(nls, key)) throw new Error(`package.nls.json has no ${key}`);
      return nls[key];
    }
    if (Array.isArray(v)) return v.map(resolve);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolve(x)]));
    return v;
  };
  return resolve(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')));
}
const cell = (t: string) =>
  t
    .replace(/#(fluxStudio\.[\w.]+)#/g, '`$1`')
    .replace(/\|/g, '\\|')
    .replace(/\n+/g, ' ');

export function settingsTable(): string {
  const props = manifest().contributes.configuration.properties as Record<
    string,
    { type: string; default: unknown; enum?: string[]; markdownDescription: string; scope?: string }
  >;
  const rows = Object.entries(props).map(([key, p]) => {
    const values = p.enum ? p.enum.map((v) => `\`${v}\``).join(', ') : p.type;
    const def = typeof p.default === 'string' ? (p.default ? `\`${p.default}\`` : '(empty)') : `\`${JSON.stringify(p.default)}\``;
    return `| \`${key}\` | ${values} | ${def} | ${cell(p.markdownDescription)}${p.scope === 'machine' ? ' *(user settings only)*' : ''} |`;
  });
  return ['| Setting | Values | Default | What it does |', '|---|---|---|---|', ...rows].join('\n');
}

export function commandsTable(): string {
  const m = manifest().contributes;
  const keys = new Map<string, string>(
    (m.keybindings ?? []).map((k: { command: string; key: string; mac?: string }) => [k.command, `\`${k.key}\`${k.mac ? ` (macOS \`${k.mac}\`)` : ''}`]),
  );
  const places = new Map<string, string[]>();
  const where: Record<string, string> = {
    'editor/context': 'editor context menu (with a selection)',
    'editor/title': 'editor title bar',
    'explorer/context': 'Explorer context menu (PNG, JPEG, WebP files)',
    'view/title': 'gallery title bar',
    'webview/context': 'gallery item menu',
  };
  for (const [menu, label] of Object.entries(where)) {
    for (const x of (m.menus[menu] ?? []) as Array<{ command: string }>) places.set(x.command, [...new Set([...(places.get(x.command) ?? []), label])]);
  }
  const hidden = new Set<string>(
    (m.menus.commandPalette ?? []).filter((x: { when?: string }) => x.when === 'false').map((x: { command: string }) => x.command),
  );
  const row = (c: { command: string; title: string; category: string }) =>
    `| ${c.category}: ${c.title} | \`${c.command}\` | ${keys.get(c.command) ?? ''} | ${(places.get(c.command) ?? []).join(', ')} |`;
  const commands = m.commands as Array<{ command: string; title: string; category: string }>;
  return [
    '| Command | Id | Keybinding | Also in |',
    '|---|---|---|---|',
    ...commands.filter((c) => !hidden.has(c.command)).map(row),
    '',
    'On a gallery item (its right-click menu, its buttons, or *More actions…*; not in the palette):',
    '',
    '| Command | Id | Keybinding | Also in |',
    '|---|---|---|---|',
    ...commands.filter((c) => hidden.has(c.command)).map(row),
  ].join('\n');
}

export function renderReadme(text: string): string {
  let out = replaceSection(text, 'models', modelsTable());
  out = replaceSection(out, 'settings', settingsTable());
  out = replaceSection(out, 'commands', commandsTable());
  return out;
}

if (require.main === module) {
  const before = readFileSync(README, 'utf8');
  const after = renderReadme(before);
  if (after !== before) writeFileSync(README, after);
  console.log(after === before ? 'README.md tables are up to date' : 'README.md tables rewritten');
}
