/**
 * Image placeholders at activation: the code lens and quick fix providers and the listeners that
 * keep the diagnostics in step, all thin. The parser, the lenses and the diagnostics (which check a
 * placeholder against the catalog) are in the main bundle, loaded only when a document of a
 * placeholder language holds `flux:`.
 */
import * as vscode from 'vscode';
import { mayHavePlaceholders, placeholderSyntax } from '../../core/placeholderSyntax';
import { COMMANDS, DIAGNOSTIC_SOURCE } from '../../ids';
import { loadedMain, main } from '../lazy';
import type { Shell } from '../shell';

/** The documents placeholders are written in (plain text: MDX and AsciiDoc files without their extension). */
const SELECTOR: vscode.DocumentSelector = ['markdown', 'mdx', 'asciidoc', 'html', 'plaintext'].map((language) => ({ language }));
/** The diagnostic code on a placeholder that can be generated (src/host/placeholders/generate.ts). */
const PENDING = 'placeholder';

function syntaxOf(document: vscode.TextDocument) {
  return placeholderSyntax(document.languageId, document.uri.path);
}

class Lenses implements vscode.CodeLensProvider {
  constructor(private readonly shell: Shell) {}

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!syntaxOf(document) || !mayHavePlaceholders(document.getText())) return [];
    return main(this.shell).placeholders.lenses(document);
  }
}

class QuickFixes implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext): vscode.CodeAction[] {
    return context.diagnostics
      .filter((d) => d.source === DIAGNOSTIC_SOURCE && d.code === PENDING)
      .map((d) => {
        const action = new vscode.CodeAction(vscode.l10n.t('Generate this image'), vscode.CodeActionKind.QuickFix);
        action.diagnostics = [d];
        action.isPreferred = true;
        action.command = {
          title: vscode.l10n.t('Generate this image'),
          command: COMMANDS.generatePlaceholders,
          arguments: [{ uri: document.uri.toString(), at: document.offsetAt(d.range.start) }],
        };
        return action;
      });
  }
}

/** Refresh a document's placeholder diagnostics; the main bundle is loaded only for a document that may hold one. */
function refresh(shell: Shell, document: vscode.TextDocument): void {
  if (!syntaxOf(document)) return;
  if (mayHavePlaceholders(document.getText())) main(shell).placeholders.refresh(document);
  else loadedMain()?.placeholders.clear(document.uri);
}

export function registerPlaceholders(shell: Shell): vscode.Disposable[] {
  const pending = new Map<string, ReturnType<typeof setTimeout>>();
  const later = (document: vscode.TextDocument) => {
    const key = document.uri.toString();
    clearTimeout(pending.get(key));
    pending.set(
      key,
      setTimeout(() => {
        pending.delete(key);
        if (!document.isClosed) refresh(shell, document);
      }, 300),
    );
  };
  for (const d of vscode.workspace.textDocuments) refresh(shell, d);
  return [
    vscode.languages.registerCodeLensProvider(SELECTOR, new Lenses(shell)),
    vscode.languages.registerCodeActionsProvider(SELECTOR, new QuickFixes(), { providedCodeActionKinds: QuickFixes.kinds }),
    vscode.workspace.onDidOpenTextDocument((d) => refresh(shell, d)),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length) later(e.document);
    }),
    vscode.workspace.onDidCloseTextDocument((d) => loadedMain()?.placeholders.clear(d.uri)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      // The default model or size decides whether a placeholder without them is valid.
      if (e.affectsConfiguration('fluxStudio') && loadedMain()) for (const d of vscode.workspace.textDocuments) refresh(shell, d);
    }),
    { dispose: () => pending.forEach((t) => clearTimeout(t)) },
  ];
}
