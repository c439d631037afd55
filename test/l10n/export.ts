/**
 * `npm run l10n`: writes l10n/bundle.l10n.json (English: every message of the code and the catalog,
 * each its own text) from the sources, and lists what each translation (l10n/bundle.l10n.<lang>.json)
 * lacks or has left over. The unit test test/unit/l10n.test.ts fails until both are in step.
 */
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { englishBundle, L10N_DIR, readJson, scanAll } from './strings';

const scan = scanAll();
const en = englishBundle(scan);
writeFileSync(join(L10N_DIR, 'bundle.l10n.json'), `${JSON.stringify(en, null, 2)}\n`);
console.log(`l10n/bundle.l10n.json: ${Object.keys(en).length} messages`);
for (const u of [...scan.untranslated, ...scan.badCalls]) console.log(`  not translatable yet: ${u.file}:${u.line} ${JSON.stringify(u.text)} (${u.why})`);
for (const f of existsSync(L10N_DIR) ? readdirSync(L10N_DIR) : []) {
  const lang = /^bundle\.l10n\.([\w-]+)\.json$/.exec(f)?.[1];
  if (!lang) continue;
  const tr = readJson(join(L10N_DIR, f));
  const missing = Object.keys(en).filter((k) => !Object.hasOwn(tr, k));
  const extra = Object.keys(tr).filter((k) => !Object.hasOwn(en, k));
  console.log(`${f}: ${Object.keys(tr).length} messages, ${missing.length} missing, ${extra.length} left over`);
  for (const k of missing) console.log(`  missing: ${JSON.stringify(k)}`);
  for (const k of extra) console.log(`  left over: ${JSON.stringify(k)}`);
}
