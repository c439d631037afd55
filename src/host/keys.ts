/** API keys: SecretStorage only, with the environment as a fallback for headless use. */
import * as vscode from 'vscode';
import { keyName, PROVIDER_IDS, PROVIDERS, type ProviderId } from '../core/catalog';
import { redact } from '../core/redact';
import { BACK, Steps, type InputStep } from './steps';
import type { Ui } from './ui';

const secretName = (p: ProviderId) => `fluxStudio.apiKey.${p}`;

export function isProviderId(v: unknown): v is ProviderId {
  return typeof v === 'string' && (PROVIDER_IDS as readonly string[]).includes(v);
}

export class ApiKeys implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ProviderId>();
  readonly onDidChange = this.changed.event;
  private readonly sub: vscode.Disposable;
  /**
   * The stored keys as read last, so a generation does not wait for SecretStorage (a round trip to
   * the workbench: 20–40 ms in a browser-based VS Code). Forgotten on every change, from this
   * window or another one.
   */
  private readonly cache = new Map<ProviderId, Promise<string | undefined>>();
  /** Every key this window has read or been given, so text shown or logged can be cleaned of them. */
  private readonly seen = new Set<string>();

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.sub = secrets.onDidChange((e) => {
      const p = PROVIDER_IDS.find((id) => secretName(id) === e.key);
      if (!p) return;
      this.cache.delete(p);
      this.changed.fire(p);
    });
  }

  private stored(provider: ProviderId): Promise<string | undefined> {
    let read = this.cache.get(provider);
    if (!read) {
      read = Promise.resolve(this.secrets.get(secretName(provider))).then((v) => this.remember(v?.trim() || undefined));
      this.cache.set(provider, read);
      // A failed read is not remembered.
      read.catch(() => this.cache.get(provider) === read && this.cache.delete(provider));
    }
    return read;
  }

  /** The key and where it came from, or undefined when none is set. */
  async get(provider: ProviderId): Promise<{ key: string; source: 'secret' | 'env' } | undefined> {
    const stored = await this.stored(provider);
    if (stored) return { key: stored, source: 'secret' };
    const env = this.remember(this.env[PROVIDERS[provider].envKey]?.trim());
    return env ? { key: env, source: 'env' } : undefined;
  }

  private remember(key: string | undefined): string | undefined {
    if (key) this.seen.add(key);
    return key;
  }

  /** `text` without any key this window knows (and without Bearer or afk_ tokens). */
  clean(text: string): string {
    let out = redact(text);
    for (const k of this.seen) out = redact(out, k);
    return out;
  }

  async set(provider: ProviderId, key: string): Promise<void> {
    this.remember(key.trim());
    this.cache.delete(provider);
    await this.secrets.store(secretName(provider), key.trim());
    this.cache.delete(provider);
  }

  async clear(provider: ProviderId): Promise<void> {
    this.cache.delete(provider);
    await this.secrets.delete(secretName(provider));
    this.cache.delete(provider);
  }

  dispose(): void {
    this.sub.dispose();
    this.changed.dispose();
  }
}

interface ProviderItem extends vscode.QuickPickItem {
  readonly id: ProviderId;
}

/** The providers, each with whether a key is set. */
async function providerItems(keys: ApiKeys): Promise<ProviderItem[]> {
  return Promise.all(
    PROVIDER_IDS.map(async (id) => {
      const k = await keys.get(id);
      return {
        id,
        label: PROVIDERS[id].label,
        description: k ? (k.source === 'secret' ? vscode.l10n.t('key set') : vscode.l10n.t('key from {0}', PROVIDERS[id].envKey)) : vscode.l10n.t('no key'),
      };
    }),
  );
}

/** Ask which provider, offering each with whether a key is set. */
async function pickProvider(keys: ApiKeys, ui: Ui, title: string): Promise<ProviderId | undefined> {
  return (await ui.quickPick(await providerItems(keys), { title, placeHolder: vscode.l10n.t('Choose the provider') }))?.id;
}

/** The key's box: a password field that refuses an empty key or one with spaces. */
function keyStep(provider: ProviderId, back: boolean): InputStep {
  const info = PROVIDERS[provider];
  return {
    title: /\bAPI$/.test(info.label) ? vscode.l10n.t('Flux: {0} Key', info.label) : vscode.l10n.t('Flux: {0} API Key', info.label),
    prompt: vscode.l10n.t("Paste your {0}. Get one at {1}. It is kept in VS Code's secret storage.", keyName(provider), info.keyPage),
    password: true,
    back,
    validate: (v) =>
      v.trim()
        ? /\s/.test(v.trim())
          ? vscode.l10n.t('An API key has no spaces in it; check what was pasted.')
          : undefined
        : vscode.l10n.t('The key is empty; paste the key from your account page.'),
  };
}

/**
 * "Set API Key…": asks for the provider (unless given) and the key, stores it in SecretStorage.
 * Scripts may pass both as arguments. Returns the provider whose key was set.
 * The provider list and the key's box are one sequence in the quick input (./steps.ts): the box
 * replaces the list in place, so the focus stays in it wherever the command was started from
 * (the Get Started walkthrough's button included), and Back returns to the list.
 */
export async function setApiKeyCommand(keys: ApiKeys, ui: Ui, providerArg?: unknown, keyArg?: unknown): Promise<ProviderId | undefined> {
  const given = isProviderId(providerArg) ? providerArg : undefined;
  let key = typeof keyArg === 'string' ? keyArg.trim() : undefined;
  let provider = given;
  if (!provider || !key) {
    const steps = new Steps(ui);
    try {
      const items = given ? [] : await providerItems(keys);
      for (;;) {
        if (!given) {
          const chosen = await steps.pick({
            title: vscode.l10n.t('Flux: Set API Key'),
            placeholder: vscode.l10n.t('Choose the provider'),
            items,
            active: items.find((i) => i.id === provider),
          });
          if (chosen === undefined || chosen === BACK) return undefined;
          provider = chosen.id;
        }
        if (key) break;
        const typed = await steps.input(keyStep(provider!, !given));
        if (typed === BACK) continue;
        if (typed === undefined) return undefined;
        key = typed.trim();
        break;
      }
    } finally {
      steps.dispose();
    }
  }
  if (!provider || !key) return undefined;
  await keys.set(provider, key);
  ui.info(vscode.l10n.t("The {0} is saved in VS Code's secret storage.", keyName(provider)));
  return provider;
}

export async function clearApiKeyCommand(keys: ApiKeys, ui: Ui, providerArg?: unknown): Promise<ProviderId | undefined> {
  const provider = isProviderId(providerArg) ? providerArg : await pickProvider(keys, ui, vscode.l10n.t('Flux: Clear API Key'));
  if (!provider) return undefined;
  await keys.clear(provider);
  const envKey = PROVIDERS[provider].envKey;
  ui.info(
    process.env[envKey]
      ? vscode.l10n.t('The {0} was removed from secret storage. {1} from the environment is still used.', keyName(provider), envKey)
      : vscode.l10n.t('The {0} was removed from secret storage.', keyName(provider)),
  );
  return provider;
}
