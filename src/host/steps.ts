/**
 * Questions asked one after the other in VS Code's quick input (provider then key; model then size
 * then a custom size), with a Back button between them.
 *
 * Each step is shown while the previous one is still on screen, and the previous one is let go
 * only then: the quick input swaps its content in place. Hiding a step first and then showing the
 * next one, as two `showQuickPick`/`showInputBox` calls do, hands the focus back to where it was in
 * between; on the Get Started walkthrough that is the step's button, and the page then keeps the
 * focus, so a key typed or pasted into the next box went nowhere.
 */
import * as vscode from 'vscode';
import type { Ui } from './ui';

/** The user pressed Back (the button, or its keybinding). */
export const BACK = Symbol('back');
export type Answer<T> = T | typeof BACK | undefined;

export interface PickStep<T extends vscode.QuickPickItem> {
  readonly title: string;
  readonly placeholder?: string;
  readonly items: readonly T[];
  /** The item focused when the step opens (Enter takes it). */
  readonly active?: T;
  readonly matchOnDescription?: boolean;
  readonly matchOnDetail?: boolean;
  /** Offer Back (there is a step before this one). */
  readonly back?: boolean;
}

export interface InputStep {
  readonly title: string;
  readonly prompt: string;
  readonly value?: string;
  readonly placeholder?: string;
  readonly password?: boolean;
  /** The problem with a value, or undefined when it may be accepted. */
  readonly validate?: (value: string) => string | undefined;
  /** Offer Back (there is a step before this one). */
  readonly back?: boolean;
}

export class Steps implements vscode.Disposable {
  private current: vscode.QuickInput | undefined;

  constructor(private readonly ui: Ui) {}

  /** Show `next` over the current step, then let the current one go (no hide in between). */
  private swap(next: vscode.QuickInput): void {
    const previous = this.current;
    this.current = next;
    next.show();
    previous?.dispose();
  }

  /** A list to choose from. */
  pick<T extends vscode.QuickPickItem>(step: PickStep<T>): Promise<Answer<T>> {
    const qp = vscode.window.createQuickPick<T>();
    qp.title = step.title;
    qp.placeholder = step.placeholder;
    qp.items = step.items;
    qp.matchOnDescription = step.matchOnDescription ?? false;
    qp.matchOnDetail = step.matchOnDetail ?? false;
    qp.ignoreFocusOut = true;
    const back = step.back ?? false;
    qp.buttons = back ? [vscode.QuickInputButtons.Back] : [];
    if (step.active) qp.activeItems = [step.active];
    this.ui.recordAsked({
      kind: 'pick',
      title: step.title,
      items: step.items.filter((i) => i.kind !== vscode.QuickPickItemKind.Separator).map((i) => i.label),
      active: step.active?.label,
      back,
    });
    return new Promise<Answer<T>>((resolve) => {
      qp.onDidTriggerButton((b) => b === vscode.QuickInputButtons.Back && resolve(BACK));
      qp.onDidAccept(() => {
        const chosen = qp.selectedItems[0] ?? qp.activeItems[0];
        if (chosen) resolve(chosen);
      });
      qp.onDidHide(() => resolve(undefined));
      this.swap(qp);
    });
  }

  /**
   * A box to type in with suggestions below it (recent prompts): Enter takes the suggestion chosen
   * when it contains what was typed, else the text typed. Empty text is not accepted.
   */
  typeOrPick(step: PickStep<vscode.QuickPickItem> & { readonly value?: string }): Promise<Answer<string>> {
    const qp = vscode.window.createQuickPick();
    qp.title = step.title;
    qp.placeholder = step.placeholder;
    qp.items = step.items;
    qp.value = step.value ?? '';
    qp.matchOnDescription = false;
    qp.ignoreFocusOut = true;
    const back = step.back ?? false;
    qp.buttons = back ? [vscode.QuickInputButtons.Back] : [];
    this.ui.recordAsked({ kind: 'pick', title: step.title, items: step.items.map((i) => i.label), back });
    return new Promise<Answer<string>>((resolve) => {
      qp.onDidTriggerButton((b) => b === vscode.QuickInputButtons.Back && resolve(BACK));
      qp.onDidAccept(() => {
        const picked = qp.selectedItems[0]?.label;
        const typed = qp.value.trim();
        const chosen = picked && (!typed || picked.includes(typed)) ? picked : typed;
        if (chosen) resolve(chosen);
      });
      qp.onDidHide(() => resolve(undefined));
      this.swap(qp);
    });
  }

  /** A text box; Enter is refused while `validate` finds a problem. */
  input(step: InputStep): Promise<Answer<string>> {
    const box = vscode.window.createInputBox();
    box.title = step.title;
    box.prompt = step.prompt;
    box.value = step.value ?? '';
    box.placeholder = step.placeholder;
    box.password = step.password ?? false;
    box.ignoreFocusOut = true;
    const back = step.back ?? false;
    box.buttons = back ? [vscode.QuickInputButtons.Back] : [];
    this.ui.recordAsked({ kind: 'input', title: step.title, items: [], back, password: box.password });
    const check = (v: string) => (box.validationMessage = step.validate?.(v));
    if (box.value) check(box.value);
    return new Promise<Answer<string>>((resolve) => {
      box.onDidChangeValue(check);
      box.onDidTriggerButton((b) => b === vscode.QuickInputButtons.Back && resolve(BACK));
      box.onDidAccept(() => {
        if (check(box.value) === undefined) resolve(box.value);
      });
      box.onDidHide(() => resolve(undefined));
      this.swap(box);
    });
  }

  /** The questions are over: close the last one. */
  dispose(): void {
    this.current?.dispose();
    this.current = undefined;
  }
}
