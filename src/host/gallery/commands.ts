/**
 * The gallery's commands: "Rebuild Gallery from Files" and the item commands of the gallery's
 * context menu (VS Code passes the item's `data-vscode-context`, parsed like a message).
 */
import * as vscode from 'vscode';
import * as z from 'zod/mini';
import type { ItemAction } from '../../core/itemActions';
import { ITEM_COMMANDS } from '../../ids';
import type { Services } from '../services';
import { runItemAction } from './actions';
import type { RebuildResult } from './api';

/** A count in the display language's digits ("1,234", "1.234"). */
const count = (n: number) => n.toLocaleString(vscode.env.language);

/** A context-menu command's argument: VS Code's `{ webview, ... }` merged with the item's data. */
export const itemContext = z.object({ webview: z.optional(z.string()), entryId: z.string().check(z.minLength(1), z.maxLength(200)) });

/** "Rebuild Gallery from Files": add the workspace's images that carry a record, with progress. */
export async function rebuildCommand(s: Services): Promise<RebuildResult | undefined> {
  if (!vscode.workspace.workspaceFolders?.length) {
    void s.ui.info(vscode.l10n.t('Open a folder first: the gallery is rebuilt from the images in the workspace.'));
    return undefined;
  }
  const result = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: vscode.l10n.t('Flux: Rebuilding the gallery from the images in the workspace'),
      cancellable: true,
    },
    (progress, token) => {
      let shown = 0;
      return s.gallery.load().then((store) =>
        store.rebuild({
          token,
          report: (done, total) => {
            const pct = Math.floor((done / total) * 100);
            if (pct > shown) {
              progress.report({ increment: pct - shown, message: vscode.l10n.t('{0} of {1}', done, total) });
              shown = pct;
            }
          },
        }),
      );
    },
  );
  const looked = result.scanned === 1 ? vscode.l10n.t('1 image looked at') : vscode.l10n.t('{0} images looked at', count(result.scanned));
  let said: string;
  if (result.added) {
    said =
      result.added === 1
        ? vscode.l10n.t('Added 1 image to the gallery ({0} carry a generation record; {1}).', result.withRecord, looked)
        : vscode.l10n.t('Added {0} images to the gallery ({1} carry a generation record; {2}).', count(result.added), result.withRecord, looked);
  } else if (result.withRecord) said = vscode.l10n.t('Every image with a generation record is already in the gallery ({0}).', looked);
  else said = vscode.l10n.t('No image in this workspace carries a Flux Image Studio generation record ({0}).', looked);
  void s.ui.info(result.cancelled ? vscode.l10n.t('{0} Stopped before the end.', said) : said);
  return result;
}

/** A context-menu command: VS Code passes the item's `data-vscode-context`, parsed like a message. */
export function itemCommand(s: Services, action: ItemAction, arg: unknown): Promise<void> | undefined {
  const parsed = itemContext.safeParse(arg);
  if (!parsed.success) {
    s.log.warn(
      `Gallery: ${ITEM_COMMANDS[action]} needs a gallery item (run it from the gallery): ${parsed.error.issues
        .map((i) => `${i.path.map(String).join('.') || '(argument)'}: ${i.message}`)
        .join('; ')
        .slice(0, 300)}`,
    );
    return undefined;
  }
  return runItemAction(s, action, parsed.data.entryId);
}
