/**
 * The Get Started walkthrough (contributes.walkthroughs in package.json): three steps, each done
 * when its context key turns true:
 * - "Set an API key": `fluxStudio.hasApiKey`, kept true while any provider has a key (stored or
 *   from the environment);
 * - "Generate from a selection": `fluxStudio.hasGenerated`, set when a generation has saved an image;
 * - "Open the gallery": `fluxStudio.galleryOpened`, set when the gallery view first shows (VS Code's
 *   `onView` event alone misses a gallery opened before the walkthrough page is).
 * The gallery's empty state and the first "missing key" message lead here.
 */
import * as vscode from 'vscode';
import { PROVIDERS, type ProviderId } from '../core/catalog';
import { CONTEXT } from '../ids';
import type { ApiKeys } from './keys';

/** `publisher.name#id`, as workbench.action.openWalkthrough wants it. */
export const WALKTHROUGH = 'flux-image-studio.flux-image-studio#fluxStudio.getStarted';
const KEY_CONTEXT = CONTEXT.hasApiKey;
/** Whether the "missing key" message has offered the walkthrough already (globalState). */
const OFFERED = 'fluxStudio.walkthroughOffered';

/** The context keys of steps done in this window (see `markDone`). */
const done = new Set<string>();

/**
 * Open the walkthrough. VS Code's walkthrough service starts when the page first opens, and a step
 * whose context key is already true at that moment is not marked done (the event is taken as seen),
 * so the keys of steps done before are turned off while the page opens and on again after.
 */
export async function openWalkthrough(): Promise<void> {
  const keys = [...done];
  for (const key of keys) await vscode.commands.executeCommand('setContext', key, false);
  // Not awaited: in VS Code 1.96 the command's promise does not settle once the page is open.
  void vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH, false);
  await new Promise((r) => setTimeout(r, 1000));
  for (const key of keys) if (done.has(key)) await vscode.commands.executeCommand('setContext', key, true);
}

/** Keep `fluxStudio.hasApiKey` true while any provider has a key. Reads the keys after activation. */
export function trackKeys(keys: ApiKeys): vscode.Disposable {
  let last: boolean | undefined;
  const update = async () => {
    const any = (await Promise.all((Object.keys(PROVIDERS) as ProviderId[]).map((p) => keys.get(p).then(Boolean, () => false)))).some(Boolean);
    if (any !== last) {
      last = any;
      if (any) done.add(KEY_CONTEXT);
      else done.delete(KEY_CONTEXT);
      await vscode.commands.executeCommand('setContext', KEY_CONTEXT, any);
    }
  };
  // Not awaited: activation does not wait for SecretStorage (and the first generation then finds the keys read).
  void update();
  return keys.onDidChange(() => void update());
}

function markDone(key: string): void {
  if (done.has(key)) return;
  done.add(key);
  void vscode.commands.executeCommand('setContext', key, true);
}

/** A generation saved an image: the walkthrough's second step is done. */
export const markGenerated = () => markDone(CONTEXT.hasGenerated);
/** The gallery view showed: the third step is done. */
export const markGalleryOpened = () => markDone(CONTEXT.galleryOpened);

/**
 * The first time a key is missing, the message also offers the walkthrough ("Get Started").
 * Returns the extra action, once per installation.
 */
export function firstTimeActions(state: vscode.Memento): string[] {
  if (state.get<boolean>(OFFERED)) return [];
  void state.update(OFFERED, true);
  return [vscode.l10n.t('Get Started')];
}
