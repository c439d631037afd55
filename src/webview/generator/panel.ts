/**
 * The generator panel's extension side: one webview panel, its form (as the page last sent it), its
 * runs, and the editor place its Insert buttons write to. Every message from the page is parsed
 * (the page is untrusted) and turned into an action; nothing is posted before the page says `ready`.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { findModel, PROVIDER_IDS } from '../../core/catalog';
import { countProblem, type ReferenceImage } from '../../core/reference';
import { readReferences, referencePath } from '../../host/references';
import { validateRequest } from '../../core/request';
import { resolveDestination, isInside } from '../../host/destination';
import { setApiKeyCommand } from '../../host/keys';
import { type Anchor, insertLinks, isOpen, linkText, reportInserted } from '../../host/links';
import type { Services } from '../../host/services';
import { readSettings } from '../../host/settings';
import { GENERATOR_VIEW_TYPE } from '../../ids';
import { PageChannel } from '../host';
import { pageHtml, resourceRoots } from '../html';
import { curlCommand } from './curl';
import { checkForm, toRequest, type Validate } from './form';
import type { FieldProblem, FormState, ImageAction, KeyState, NoticeLevel, RunRequest, RunView, ToHost, ToUi } from './protocol';
import { ReferenceIntake, shellPath } from './references';
import { Runs } from './runs';
import { InsertTarget } from './target';
import { generatorSchemas } from './schema';

export const VIEW_TYPE = GENERATOR_VIEW_TYPE;
/** The panel's title, in the display language. */
export const title = (): string => vscode.l10n.t('Flux Image Generator');
/** The last form and seed, so a new panel starts from them. */
export const LAST_KEY = 'fluxStudio.generator.last';

/** The engine's final word on a request, as field problems. */
export const engineValidate: Validate = (request) => {
  const v = validateRequest(request);
  return v.ok ? { ok: true } : { ok: false, problems: v.problems };
};

export interface PanelInit {
  readonly form: FormState;
  readonly lastSeed: number | null;
  readonly runs?: readonly RunView[];
  readonly notes?: readonly string[];
}

export class GeneratorPanel implements vscode.Disposable {
  private readonly page: PageChannel<ToHost, ToUi>;
  private form: FormState;
  private lastSeed: number | null;
  private readonly runs: Runs;
  private notes: string[];
  /** Where Insert writes (./target.ts). */
  private readonly target: InsertTarget;
  /** Reference images chosen or dropped (./references.ts). */
  private readonly intake: ReferenceIntake;
  private imageRoots: vscode.Uri[] = [];
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;
  private shown = false;
  private readonly subs: vscode.Disposable[] = [];
  private readonly onDisposeEmitter = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.onDisposeEmitter.event;

  constructor(
    private readonly s: Services,
    readonly panel: vscode.WebviewPanel,
    init: PanelInit,
  ) {
    this.form = init.form;
    this.lastSeed = init.lastSeed;
    this.target = new InsertTarget(s.context.workspaceState, s.log);
    this.intake = new ReferenceIntake(
      () => this.form,
      (...a) => this.applyReferences(...a),
    );
    // Restored runs get their image URIs anew (the webview's resource origin is not kept across sessions).
    this.runs = new Runs(
      {
        s,
        post: (m) => this.post(m),
        addRoot: (f) => void this.addRoot(f),
        asWebviewUri: (f) => panel.webview.asWebviewUri(f).toString(),
        target: () => this.target.anchor,
        seedUsed: (seed) => {
          this.lastSeed = seed;
          this.post({ type: 'lastSeed', seed });
          this.scheduleSave();
        },
      },
      init.runs ?? [],
    );
    this.notes = [...(init.notes ?? [])];
    this.page = new PageChannel<ToHost, ToUi>(
      () => (this.disposed ? undefined : panel.webview),
      generatorSchemas.toHost,
      s.log,
      'Generator panel',
      (m) => this.handle(m),
      (_m, e) =>
        this.post({
          type: 'notice',
          level: 'error',
          message: vscode.l10n.t(
            'Something went wrong ({0}). "{1}" has the details.',
            e instanceof Error ? e.message : String(e),
            vscode.l10n.t('Flux: Show Log'),
          ),
        }),
      'type',
      (text) => s.keys.clean(text),
    );
    panel.iconPath = vscode.Uri.joinPath(s.context.extensionUri, 'media', 'flux.svg');
    for (const r of this.runs.list) for (const i of r.images) this.addRoot(vscode.Uri.parse(i.uri));
    this.subs.push(
      panel.webview.onDidReceiveMessage((m) => void this.receive(m)),
      panel.onDidChangeViewState(() => {
        // A hidden panel's page is gone (no retained context); it says `ready` again when shown.
        if (!panel.visible) this.page.markGone();
      }),
      panel.onDidDispose(() => this.dispose()),
      s.keys.onDidChange(() => void this.keyState().then((keys) => this.post({ type: 'keys', keys }))),
    );
  }

  // ---- Life cycle ----------------------------------------------------------------------------

  /** Resolves true once the page has said `ready` (false if the panel closes or the page never answers). */
  whenReady(timeoutMs = 30_000): Promise<boolean> {
    return this.page.whenReady(timeoutMs);
  }

  /** Load the page (once the target, and so the image folders, are known). */
  show(): void {
    this.shown = true;
    this.addRoot(this.expectedFolder());
    this.applyOptions();
    this.panel.webview.html = pageHtml(this.panel.webview, this.s.context.extensionUri, { name: 'generator', title: title() });
  }

  reveal(): void {
    this.panel.reveal(this.panel.viewColumn, false);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.flushSave();
    // Generations under way carry on: they are paid for, and the gallery records them.
    this.page.close();
    this.target.dispose();
    for (const d of this.subs.splice(0)) d.dispose();
    this.onDisposeEmitter.fire();
    this.onDisposeEmitter.dispose();
    this.panel.dispose();
  }

  // ---- Filling the form and the target (from the command) --------------------------------------

  get currentForm(): FormState {
    return this.form;
  }

  fill(form: FormState, notes: readonly string[]): void {
    this.form = form;
    this.scheduleSave();
    if (this.page.ready) this.post({ type: 'setForm', form, notes });
    else this.notes.push(...notes);
  }

  /** Insert will write where this editor's selection is now (and follow later edits). */
  setTarget(editor: vscode.TextEditor): void {
    this.target.set(editor);
    this.addRoot(this.expectedFolder());
    this.post({ type: 'target', target: this.target.view() });
  }

  /** After a window reload: the place Insert wrote to, from workspace state. */
  async restoreTarget(): Promise<void> {
    if (await this.target.restore()) this.addRoot(this.expectedFolder());
  }

  // ---- Resource roots --------------------------------------------------------------------------

  /** The folder images for the current target (or the first workspace folder) are saved in. */
  private expectedFolder(): vscode.Uri | undefined {
    const uri = this.target.anchor?.uri;
    const doc = uri ? { uri, isUntitled: uri.scheme === 'untitled' } : undefined;
    const dest = resolveDestination(doc, readSettings(uri).assetsFolder, doc ? undefined : vscode.workspace.workspaceFolders?.[0]);
    return dest.kind === 'folder' ? dest.folder : undefined;
  }

  /** Let the page load images from a file's (or a folder's) folder; once shown, new roots reload the page. */
  private addRoot(fileOrFolder: vscode.Uri | undefined): boolean {
    if (!fileOrFolder) return false;
    const folder = /\.(png|jpe?g|webp)$/i.test(fileOrFolder.path) ? vscode.Uri.joinPath(fileOrFolder, '..') : fileOrFolder;
    if (this.imageRoots.some((r) => isInside(r, folder))) return false;
    this.imageRoots = [...this.imageRoots.filter((r) => !isInside(folder, r)), folder];
    if (this.shown) this.applyOptions();
    return this.shown;
  }

  /** New roots make VS Code reload the page (it says `ready` again and gets `init`); until then it still hears messages. */
  private applyOptions(): void {
    this.panel.webview.options = { enableScripts: true, localResourceRoots: resourceRoots(this.s.context.extensionUri, this.imageRoots) };
  }

  // ---- Messages --------------------------------------------------------------------------------

  private post(message: ToUi): void {
    this.page.post(message);
  }

  /** Parse and act on one message from the page; malformed ones are refused and logged. */
  receive(raw: unknown): Promise<void> {
    return this.page.receive(raw);
  }

  private async handle(m: ToHost): Promise<void> {
    switch (m.type) {
      case 'ready':
        await this.sendInit();
        return;
      case 'form':
        this.form = m.form;
        this.scheduleSave();
        this.post({ type: 'validation', seq: m.seq, problems: this.check(m.form).problems, submitted: false });
        return;
      case 'generate': {
        this.form = m.form;
        this.scheduleSave();
        const checked = this.check(m.form);
        this.post({ type: 'validation', seq: 0, problems: checked.problems, submitted: true });
        if (!checked.request) return;
        const refs = await this.readFormReferences(m.form);
        if (refs) await this.runs.start(checked.request, refs.length ? refs : undefined);
        return;
      }
      case 'chooseReferences':
        await this.intake.take({ kind: 'choose' });
        return;
      case 'dropReferences':
        await this.intake.take({ kind: 'drop', uris: m.uris });
        return;
      case 'copyCurl':
        this.form = m.form;
        await this.copyCurl(m.form);
        return;
      case 'cancel':
        this.runs.cancel(m.runId);
        return;
      case 'setKey':
        await setApiKeyCommand(this.s.keys, this.s.ui, m.provider);
        return;
      case 'clearRuns':
        this.runs.clearFinished();
        return;
      case 'run':
        await this.runs.action(m.action, m.runId);
        return;
      case 'image':
        await this.imageAction(m.action, m.runId, m.index);
        return;
    }
  }

  private async sendInit(): Promise<void> {
    const keys = await this.keyState();
    const notes = this.notes.splice(0);
    this.page.markReady();
    this.post({ type: 'init', form: this.form, keys, target: this.target.view(), runs: this.runs.views(), lastSeed: this.lastSeed, notes });
    if (this.form.references?.length) this.postReferences();
  }

  private async keyState(): Promise<KeyState> {
    const has = await Promise.all(PROVIDER_IDS.map((p) => this.s.keys.get(p).then(Boolean)));
    return Object.fromEntries(PROVIDER_IDS.map((p, i) => [p, has[i]])) as KeyState;
  }

  private check(form: FormState): { request?: RunRequest; problems: FieldProblem[] } {
    const checked = checkForm(form, this.lastSeed, engineValidate);
    const model = findModel(form.model);
    if (!model?.reference && !form.references?.length) return checked;
    // The engine checks references it was given; the form has only the files' URIs: their count is checked here, their bytes on Generate.
    const count = model?.reference ? countProblem(model, form.references?.length ?? 0) : undefined;
    const problems = [...checked.problems.filter((p) => p.field !== 'references'), ...(count ? [{ field: 'references', message: count }] : [])];
    if (problems.length) return { problems };
    return { request: checked.request ?? toRequest(form, this.lastSeed)!, problems: [] };
  }

  /** Files chosen or dropped (./references.ts), applied: a page reloading for a new folder gets the notes with its init. */
  private applyReferences(references: string[], size: Pick<FormState, 'size' | 'width' | 'height'> | undefined, notes: string[], level: NoticeLevel): void {
    this.form = { ...this.form, references, ...size };
    this.scheduleSave();
    const reloading = this.postReferences(size);
    if (!notes.length) return;
    if (reloading) this.notes.push(...notes);
    else this.post({ type: 'notice', level, message: notes.join(' ') });
  }

  /** The form's reference images and their thumbnails (their folders become the page's resource roots). */
  private postReferences(size?: Pick<FormState, 'size' | 'width' | 'height'>): boolean {
    const uris = this.form.references ?? [];
    let reloading = false;
    const views = uris.map((u) => {
      const uri = vscode.Uri.parse(u);
      reloading = this.addRoot(uri) || reloading;
      return { uri: u, name: path.posix.basename(uri.path), path: referencePath(uri), src: this.panel.webview.asWebviewUri(uri).toString() };
    });
    this.post({ type: 'references', references: uris, views, ...(size ? { size } : {}) });
    return reloading;
  }

  /**
   * An edit model's reference images, read (bounded) and checked now: none for the other models,
   * undefined when one is refused (said under the field; nothing is sent).
   */
  private async readFormReferences(form: FormState): Promise<ReferenceImage[] | undefined> {
    const model = findModel(form.model);
    if (!model?.reference) return [];
    const refs = await readReferences(
      (form.references ?? []).map((u) => vscode.Uri.parse(u)),
      model,
    );
    if (refs.ok) return refs.images;
    this.post({ type: 'validation', seq: 0, problems: [{ field: 'references', message: refs.message }], submitted: true });
    return undefined;
  }

  // ---- Copy as cURL ----------------------------------------------------------------------------

  private async copyCurl(form: FormState): Promise<void> {
    const checked = this.check(form);
    this.post({ type: 'validation', seq: 0, problems: checked.problems, submitted: true });
    if (!checked.request) return;
    // An edit model's references are read as Generate reads them (the command then reads the files itself).
    const refs = await this.readFormReferences(form);
    if (!refs) return;
    const paths = (form.references ?? []).map((u) => shellPath(vscode.Uri.parse(u)));
    const curl = curlCommand(checked.request, refs, paths, (p) => this.s.baseUrl(p));
    if (!curl.ok) {
      this.post({ type: 'validation', seq: 0, problems: curl.problems, submitted: true });
      return;
    }
    await vscode.env.clipboard.writeText(curl.text);
    this.post({ type: 'curl', text: curl.text, note: curl.note });
  }

  // ---- Image actions ---------------------------------------------------------------------------

  private async imageAction(action: ImageAction, runId: string, index: number): Promise<void> {
    const run = this.runs.find(runId);
    const image = run?.images.find((i) => i.index === index);
    if (!run || !image) return;
    const file = vscode.Uri.parse(image.uri);
    const record = {
      prompt: run.request.prompt.trim(),
      model: image.model,
      width: image.width,
      height: image.height,
      ...(image.seed !== undefined ? { seed: image.seed } : {}),
    };
    switch (action) {
      case 'insert': {
        const target = await this.insertTarget();
        const wasOpen = target ? isOpen(target.anchor.uri) : false;
        const settings = readSettings(target?.document.uri);
        const inserted = await insertLinks(
          [linkText(file, record, target?.document, settings)],
          target && { kind: 'anchor', anchor: target.anchor, position: settings.insertPosition },
        );
        await reportInserted(this.s.ui, [file], inserted, wasOpen);
        this.post({
          type: 'notice',
          level: 'info',
          image: { runId, index },
          message: inserted.ok
            ? vscode.l10n.t('Inserted a link to {0} into {1}.', image.name, path.posix.basename(inserted.document.uri.path))
            : vscode.l10n.t('No editor to insert into: the link to {0} is on the clipboard.', image.name),
        });
        if (target) this.post({ type: 'target', target: this.target.view() });
        return;
      }
      case 'copyLink': {
        const link = await this.linkFor(file, record);
        await vscode.env.clipboard.writeText(link);
        this.post({ type: 'notice', level: 'info', image: { runId, index }, message: vscode.l10n.t('Copied: {0}', link) });
        return;
      }
      case 'open':
        await vscode.commands.executeCommand('vscode.open', file, { viewColumn: this.target.column ?? vscode.ViewColumn.One, preview: true });
        return;
      case 'reveal':
        await vscode.commands.executeCommand('revealInExplorer', file);
        return;
      case 'vary': {
        const { seed: _seed, ...rest } = run.request;
        await this.runs.start(rest);
        return;
      }
      case 'regenerate':
        await this.runs.start({ ...run.request, ...(image.seed !== undefined ? { seed: image.seed } : {}) });
        return;
    }
  }

  /** The target as insertLinks wants it, with its document (re)opened; undefined when there is none or it is gone (said on the page). */
  private async insertTarget(): Promise<{ document: vscode.TextDocument; anchor: Anchor } | undefined> {
    const opened = await this.target.open();
    if (opened.kind === 'open') return opened;
    if (opened.kind === 'gone')
      this.post({
        type: 'notice',
        level: 'error',
        message: vscode.l10n.t('{0} cannot be opened any more; the link goes to the clipboard instead.', opened.name),
      });
    return undefined;
  }

  /** The link Insert would write, in the target document's form (Markdown without one). */
  private async linkFor(file: vscode.Uri, r: { prompt: string; model: string; width: number; height: number; seed?: number }): Promise<string> {
    const target = await this.insertTarget();
    return linkText(file, r, target?.document);
  }

  // ---- Remembering the last settings -----------------------------------------------------------

  private scheduleSave(): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => this.flushSave(), 400);
  }

  private flushSave(): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    void this.s.context.workspaceState.update(LAST_KEY, { form: this.form, lastSeed: this.lastSeed });
  }
}
