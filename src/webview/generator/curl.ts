/**
 * "Copy as cURL": the provider's first request as a shell command, the key a placeholder. An edit
 * model's reference images are read by the command from their files (run from the workspace
 * folder), so it sends what the extension would without the clipboard holding megabytes of base64.
 */
import type { OutputFormat, ProviderId } from '../../core/catalog';
import { CLIENTS } from '../../core/engine';
import { t } from '../../core/l10n';
import type { ReferenceImage } from '../../core/reference';
import { validateRequest } from '../../core/request';
import type { FieldProblem, RunRequest } from './protocol';

const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** What stands for reference image `index` in a described body, for curlText to replace (see curlReference). */
const referenceMark = (index: number): string => `@@flux-reference-${index}@@`;

/**
 * For describe(): reference images written as a mark that curlText turns into the shell reading the
 * file, so the copied command sends the file's bytes as the extension would, without the clipboard
 * holding them (`data:image/png;base64,` + `$(base64 < 'pics/hero.png' | tr -d '\n')`).
 */
export const curlReference = (ref: { type: OutputFormat }, index: number): string => `data:image/${ref.type};base64,${referenceMark(index)}`;

/**
 * A `curl` command for a request described by a provider client (its key is already a placeholder).
 * `references`: the workspace-relative paths of the reference images, when the body was described
 * with curlReference; the command reads them, so it is run from the workspace folder.
 */
export function curlText(
  d: { method: string; url: string; headers: Readonly<Record<string, string>>; body: unknown },
  references: readonly string[] = [],
): string {
  const lines = [`curl -X ${d.method} ${shellQuote(d.url)}`];
  for (const [k, v] of Object.entries(d.headers)) lines.push(`  -H ${shellQuote(`${k}: ${v}`)}`);
  let body = shellQuote(JSON.stringify(d.body, null, 2));
  // Inside the single-quoted body: close the quote, read the file in a double-quoted substitution, reopen.
  references.forEach((p, i) => (body = body.replace(referenceMark(i), `'"$(base64 < ${shellQuote(p)} | tr -d '\\n')"'`)));
  lines.push(`  --data-raw ${body}`);
  return lines.join(' \\\n');
}

/** The command for a checked request and its references, with the note the panel shows; or the engine's problems. */
export function curlCommand(
  request: RunRequest,
  references: readonly ReferenceImage[],
  baseUrl: (provider: ProviderId) => string,
): { ok: true; text: string; note: string } | { ok: false; problems: FieldProblem[] } {
  const valid = validateRequest({ ...request, ...(references.length ? { references: [...references] } : {}) });
  if (!valid.ok) return { ok: false, problems: valid.problems };
  const provider = valid.value.model.provider;
  const text = curlText(
    CLIENTS[provider].describe(valid.value, baseUrl(provider), curlReference),
    references.map((r) => r.path),
  );
  const notes = [t('Copied to the clipboard. The API key is replaced by a placeholder.')];
  if (valid.value.seed === undefined) notes.push(t('The seed is random: one is added to the body when the request is sent.'));
  if (references.length) notes.push(t('The reference images are read from their files when the command runs: run it from the workspace folder.'));
  return { ok: true, text, note: notes.join(' ') };
}
