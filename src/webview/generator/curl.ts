/**
 * "Copy as cURL": the provider's first request as a shell command, the key a placeholder. An edit
 * model's reference images are read by the command from their files (run from the workspace
 * folder), so it sends what the extension would without the clipboard holding megabytes of base64.
 */
import { randomBytes } from 'node:crypto';
import type { OutputFormat, ProviderId } from '../../core/catalog';
import { CLIENTS } from '../../core/engine';
import { t } from '../../core/l10n';
import { dataUri, type ReferenceImage } from '../../core/reference';
import { validateRequest } from '../../core/request';
import type { FieldProblem, RunRequest } from './protocol';

const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * What stands for reference image `index` in a described body, for curlText to replace (see
 * curlReference). Salted once per process, so no prompt can hold it.
 */
const SALT = randomBytes(9).toString('hex');
const referenceMark = (index: number): string => `@@flux-reference-${SALT}-${index}@@`;

/**
 * For describe(): reference images written as a mark that curlText turns into the shell reading the
 * file, so the copied command sends the file's bytes as the extension would, without the clipboard
 * holding them (`data:image/png;base64,` + `$(base64 < 'pics/hero.png' | tr -d '\n')`).
 */
export const curlReference = (ref: { type: OutputFormat }, index: number): string => dataUri({ type: ref.type, data: referenceMark(index) });

/**
 * A `curl` command for a request described by a provider client (its key is already a placeholder).
 * `references`: the paths the command reads the reference images from (relative to the folder it
 * is run in, or absolute), when the body was described with curlReference.
 */
export function curlText(
  d: { method: string; url: string; headers: Readonly<Record<string, string>>; body: unknown },
  references: readonly string[] = [],
): string {
  const lines = [`curl -X ${d.method} ${shellQuote(d.url)}`];
  for (const [k, v] of Object.entries(d.headers)) lines.push(`  -H ${shellQuote(`${k}: ${v}`)}`);
  let body = shellQuote(JSON.stringify(d.body, null, 2));
  // Inside the single-quoted body: close the quote, read the file in a double-quoted substitution, reopen.
  // split/join, not replace(): a replacement string would read `$&`, `$'`... in a file name as patterns.
  references.forEach((p, i) => {
    const parts = body.split(referenceMark(i));
    if (parts.length !== 2) throw new Error(`reference ${i} is not once in the described body`);
    body = parts.join(`'"$(base64 < ${shellQuote(p)} | tr -d '\\n')"'`);
  });
  lines.push(`  --data-raw ${body}`);
  return lines.join(' \\\n');
}

/**
 * The command for a checked request and its references, with the note the panel shows; or the
 * engine's problems. `paths`: where the command reads each reference (see the panel's shellPath).
 */
export function curlCommand(
  request: RunRequest,
  references: readonly ReferenceImage[],
  paths: readonly { readonly path: string; readonly relative: boolean }[],
  baseUrl: (provider: ProviderId) => string,
): { ok: true; text: string; note: string } | { ok: false; problems: FieldProblem[] } {
  const valid = validateRequest({ ...request, ...(references.length ? { references: [...references] } : {}) });
  if (!valid.ok) return { ok: false, problems: valid.problems };
  const provider = valid.value.model.provider;
  const text = curlText(
    CLIENTS[provider].describe(valid.value, baseUrl(provider), curlReference),
    paths.map((p) => p.path),
  );
  const notes = [t('Copied to the clipboard. The API key is replaced by a placeholder.')];
  if (valid.value.seed === undefined) notes.push(t('The seed is random: one is added to the body when the request is sent.'));
  if (paths.some((p) => p.relative)) notes.push(t('The reference images are read from their files when the command runs: run it from the workspace folder.'));
  else if (paths.length) notes.push(t('The reference images are read from their files when the command runs.'));
  return { ok: true, text, note: notes.join(' ') };
}
