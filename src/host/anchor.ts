/**
 * A place in a document that follows the user's edits while a generation runs, so the link lands
 * where it was asked for even if they typed elsewhere, switched editors or closed the document.
 */
import * as vscode from 'vscode';

export class Anchor implements vscode.Disposable {
  private start: number;
  private end: number;
  private readonly sub: vscode.Disposable;
  /** The text the range held when the anchor was made (for "replace selection"). */
  readonly originalText: string;
  private touched = false;

  constructor(readonly uri: vscode.Uri, document: vscode.TextDocument, range: vscode.Range) {
    this.start = document.offsetAt(range.start);
    this.end = document.offsetAt(range.end);
    this.originalText = document.getText(range);
    this.sub = vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document.uri.toString() !== this.uri.toString()) return;
      for (const c of e.contentChanges) this.shift(c.rangeOffset, c.rangeLength, c.text.length);
    });
  }

  /** Apply one change (offsets in the text before it) to both ends. */
  private shift(offset: number, removed: number, inserted: number): void {
    const delta = inserted - removed;
    const changeEnd = offset + removed;
    const move = (pos: number, isStart: boolean): number => {
      if (offset >= pos) return pos; // at or after the position
      if (changeEnd <= pos) return pos + delta; // wholly before it
      return isStart ? offset : offset + inserted; // across it: to the edge of the new text
    };
    const overlaps = offset < this.end && changeEnd > this.start;
    if (overlaps || (removed === 0 && offset > this.start && offset < this.end)) this.touched = true;
    this.start = move(this.start, true);
    this.end = Math.max(this.start, move(this.end, false));
  }

  /** The current range in a (re)opened document, clamped to its length. */
  range(document: vscode.TextDocument): vscode.Range {
    const max = document.getText().length;
    return new vscode.Range(document.positionAt(Math.min(this.start, max)), document.positionAt(Math.min(this.end, max)));
  }

  /** Whether the user edited inside the range since it was made. */
  get editedInside(): boolean {
    return this.touched;
  }

  dispose(): void {
    this.sub.dispose();
  }
}
