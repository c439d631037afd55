/**
 * What a drop on the panel's reference area carries, without the DOM (unit-tested): the URIs of the
 * files dragged from VS Code's Explorer (with Shift) or from the gallery.
 *
 * The URI lists a drag from VS Code carries into a webview (types arrive lowercased): the
 * workbench's own list (every file, one per line), its `resourceurls` (a JSON array), and
 * `text/uri-list` (which Chromium may cut to the first file). Bounded: 16 URIs of 4,096 characters.
 */
const URI_LIST_TYPES = ['application/vnd.code.uri-list', 'text/uri-list'];

/** Whether a drag carries files from VS Code (or the gallery): one of the URI list types. */
export function isFileDrag(types: readonly string[]): boolean {
  return types.map((x) => x.toLowerCase()).some((x) => URI_LIST_TYPES.includes(x) || x === 'resourceurls');
}

/** The dropped URIs, each once, in the order the lists give them; at most 16, each at most 4,096 characters. */
export function droppedUriList(data: { getData(type: string): string }): string[] {
  const found: string[] = [];
  const add = (u: string) => {
    const v = u.trim();
    if (v && !v.startsWith('#') && v.length <= 4096 && !found.includes(v) && found.length < 16) found.push(v);
  };
  for (const type of URI_LIST_TYPES) for (const line of data.getData(type).slice(0, 70_000).split(/\r?\n/)) add(line);
  try {
    const list: unknown = JSON.parse(data.getData('resourceurls').slice(0, 70_000) || '[]');
    if (Array.isArray(list)) for (const u of list) if (typeof u === 'string') add(u);
  } catch {
    // not a list: the other types carried the files, or nothing did
  }
  return found;
}
