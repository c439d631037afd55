/**
 * Everything the extension says to the user goes through here: the same sentence is shown, written
 * to the log and kept in a short history (the integration tests read it through the extension's API).
 */
import * as vscode from 'vscode';

export type Level = 'info' | 'warning' | 'error';
export interface Shown {
  readonly level: Level;
  readonly message: string;
  readonly actions: readonly string[];
  readonly at: number;
}

/** A question asked in the quick input (for the integration tests, through the extension's API). */
export interface Asked {
  readonly kind: 'pick' | 'input';
  readonly title: string;
  /** The choices' labels (no separators). */
  readonly items: readonly string[];
  /** The choice focused when it opened. */
  readonly active?: string | undefined;
  /** Whether it offered Back. */
  readonly back: boolean;
  readonly password?: boolean;
}

export class Ui {
  private readonly history: Shown[] = [];
  private readonly questions: Asked[] = [];

  /** @param clean takes every key this window knows out of a text before it is shown or logged */
  constructor(
    private readonly log: vscode.LogOutputChannel,
    private readonly clean: (text: string) => string = (text) => text,
  ) {}

  /** The last messages shown, oldest first. */
  get shown(): readonly Shown[] {
    return this.history;
  }

  /** The last questions asked in the quick input, oldest first. */
  get asked(): readonly Asked[] {
    return this.questions;
  }

  recordAsked(q: Asked): void {
    this.questions.push(q);
    if (this.questions.length > 100) this.questions.shift();
  }

  private record(level: Level, message: string, actions: readonly string[]): void {
    this.history.push({ level, message, actions, at: Date.now() });
    if (this.history.length > 100) this.history.shift();
    const line = `${message}${actions.length ? ` [${actions.join('] [')}]` : ''}`;
    if (level === 'error') this.log.error(line);
    else if (level === 'warning') this.log.warn(line);
    else this.log.info(line);
  }

  info<T extends string>(message: string, ...actions: T[]): Thenable<T | undefined> {
    const text = this.clean(message);
    this.record('info', text, actions);
    return vscode.window.showInformationMessage(text, ...actions);
  }

  warn<T extends string>(message: string, ...actions: T[]): Thenable<T | undefined> {
    const text = this.clean(message);
    this.record('warning', text, actions);
    return vscode.window.showWarningMessage(text, ...actions);
  }

  error<T extends string>(message: string, ...actions: T[]): Thenable<T | undefined> {
    const text = this.clean(message);
    this.record('error', text, actions);
    return vscode.window.showErrorMessage(text, ...actions);
  }

  quickPick<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions): Thenable<T | undefined> {
    return vscode.window.showQuickPick(items, { ignoreFocusOut: true, ...options });
  }

  inputBox(options: vscode.InputBoxOptions): Thenable<string | undefined> {
    return vscode.window.showInputBox(options);
  }
}
