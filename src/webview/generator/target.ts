/**
 * Where the generator panel's Insert writes: the editor selection it was opened from, followed
 * through later edits (an Anchor), kept in workspace state so it survives a window reload, and
 * forgotten when the panel closes.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Anchor } from '../../host/links';
import type { TargetView } from './protocol';

/** The key in workspace state. */
const TARGET_KEY = 'fluxStudio.generator.target';

interface SavedTarget {
  uri: string;
  start: number;
  end: number;
}

/** The target's document, opened for an insert; `gone` when it can no longer be opened. */
export type OpenedTarget = { kind: 'open'; document: vscode.TextDocument; anchor: Anchor } | { kind: 'gone'; name: string } | { kind: 'none' };

export class InsertTarget implements vscode.Disposable {
  private current: { anchor: Anchor; column: vscode.ViewColumn | undefined } | undefined;

  constructor(
    private readonly state: vscode.Memento,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  get anchor(): Anchor | undefined {
    return this.current?.anchor;
  }

  /** The editor column the selection was in (images open beside it). */
  get column(): vscode.ViewColumn | undefined {
    return this.current?.column;
  }

  /** Insert will write where this editor's selection is now (and follow later edits). */
  set(editor: vscode.TextEditor): void {
    this.current?.anchor.dispose();
    const doc = editor.document;
    this.current = { anchor: new Anchor(doc.uri, doc, editor.selection), column: editor.viewColumn };
    const saved: SavedTarget = { uri: doc.uri.toString(), start: doc.offsetAt(editor.selection.start), end: doc.offsetAt(editor.selection.end) };
    void this.state.update(TARGET_KEY, saved);
  }

  /** After a window reload: the place Insert wrote to, from workspace state. */
  async restore(): Promise<boolean> {
    const saved = this.state.get<SavedTarget>(TARGET_KEY);
    if (!saved || typeof saved.uri !== 'string') return false;
    try {
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(saved.uri));
      const range = new vscode.Range(doc.positionAt(saved.start), doc.positionAt(saved.end));
      this.current?.anchor.dispose();
      this.current = { anchor: new Anchor(doc.uri, doc, range), column: undefined };
      return true;
    } catch (e) {
      this.log.info(`Generator panel: the document it inserted into is gone (${String(e)}).`);
      return false;
    }
  }

  /** What the page shows: the document's name and the line the link goes after. */
  view(): TargetView | null {
    const anchor = this.current?.anchor;
    if (!anchor) return null;
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === anchor.uri.toString());
    const line = doc ? anchor.range(doc).start.line + 1 : 1;
    return { name: path.posix.basename(anchor.uri.path), line };
  }

  /** The target's document, (re)opened for an insert. */
  async open(): Promise<OpenedTarget> {
    const anchor = this.current?.anchor;
    if (!anchor) return { kind: 'none' };
    try {
      return { kind: 'open', document: await vscode.workspace.openTextDocument(anchor.uri), anchor };
    } catch {
      return { kind: 'gone', name: path.posix.basename(anchor.uri.path) };
    }
  }

  /** The panel closed: the target is forgotten, here and in workspace state. */
  dispose(): void {
    this.current?.anchor.dispose();
    this.current = undefined;
    void this.state.update(TARGET_KEY, undefined);
  }
}
