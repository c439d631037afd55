/**
 * A web address a provider fetches itself (apiframe's image_prompt), checked the same way by the
 * engine and by the panel as the user types. Zod-free, for the page's bundle.
 */
import { quote, t } from './l10n';

/** Why a value is not a public web address the provider could fetch (undefined: it is one). */
export function webAddressProblem(who: string, maxLength: number, value: unknown): string | undefined {
  const text = typeof value === 'string' ? value.trim() : '';
  if (typeof value !== 'string' || text.length > maxLength || /\s/.test(text))
    return t('{0} must be a web address of at most {1} characters, such as https://example.com/picture.png.', who, maxLength);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return t('{0} must be a web address such as https://example.com/picture.png; {1} is not one.', who, quote(text));
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return t('{0} must start with https:// (the provider fetches it from the web; a workspace file cannot be used here); {1} does not.', who, quote(text));
  if (url.username || url.password) return t('{0} must not carry a user name or password: the provider would receive them.', who);
  return undefined;
}
