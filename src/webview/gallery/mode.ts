/**
 * The gallery's layout, grid or list: remembered per workspace (workspace state), switched from the
 * view's title bar (two commands, one shown at a time by the `fluxStudio.galleryMode` context key).
 * Small and without dependencies: both the activation shell and the gallery view use it.
 */
import * as vscode from 'vscode';
import { CONTEXT } from '../../ids';
import type { GalleryMode } from './protocol';

const KEY = 'fluxStudio.galleryMode';

export function readGalleryMode(context: vscode.ExtensionContext): GalleryMode {
  return context.workspaceState.get<unknown>(KEY) === 'list' ? 'list' : 'grid';
}

/** Show the title bar's switch for the mode that is not on. */
export function showGalleryMode(mode: GalleryMode): Thenable<unknown> {
  return vscode.commands.executeCommand('setContext', CONTEXT.galleryMode, mode);
}

export async function writeGalleryMode(context: vscode.ExtensionContext, mode: GalleryMode): Promise<void> {
  await context.workspaceState.update(KEY, mode);
  await showGalleryMode(mode);
}
