/** The panel's reference area: what a drop from VS Code carries (src/ui/generator/dropped.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { droppedUriList, isFileDrag } from '../../src/ui/generator/dropped';

const transfer = (data: Record<string, string>) => ({ getData: (type: string) => data[type] ?? '' });

test("a drag from the Explorer: every file from the workbench's list, not only the first that text/uri-list keeps", () => {
  const uris = droppedUriList(
    transfer({
      'application/vnd.code.uri-list': 'file:///ws/pics/a.png\r\nfile:///ws/pics/b%20c.jpg\r\n',
      'text/uri-list': 'file:///ws/pics/a.png',
      resourceurls: JSON.stringify(['file:///ws/pics/a.png', 'file:///ws/pics/b%20c.jpg']),
      'text/plain': '/ws/pics/a.png',
    }),
  );
  assert.deepEqual(uris, ['file:///ws/pics/a.png', 'file:///ws/pics/b%20c.jpg']);
});

test('resourceurls alone (a JSON list) is read; comments, blank lines and a broken list are not', () => {
  assert.deepEqual(droppedUriList(transfer({ resourceurls: '["file:///ws/x.webp", 7, null]' })), ['file:///ws/x.webp']);
  assert.deepEqual(droppedUriList(transfer({ 'text/uri-list': '# a comment\n\nfile:///ws/y.png\n', resourceurls: '[not json' })), ['file:///ws/y.png']);
  assert.deepEqual(droppedUriList(transfer({ 'text/plain': '/ws/z.png' })), [], 'plain text is not a file list');
});

test('bounded: at most 16 URIs, none over 4,096 characters, whatever the drop holds', () => {
  const many = Array.from({ length: 100 }, (_, i) => `file:///ws/p${i}.png`).join('\n');
  assert.equal(droppedUriList(transfer({ 'text/uri-list': many })).length, 16);
  const long = `file:///ws/${'a'.repeat(5000)}.png`;
  assert.deepEqual(droppedUriList(transfer({ 'text/uri-list': `${long}\nfile:///ws/ok.png` })), ['file:///ws/ok.png']);
  // A list of megabytes is cut before it is split.
  const huge = `file:///ws/first.png\n${'x'.repeat(5_000_000)}`;
  assert.deepEqual(droppedUriList(transfer({ 'text/uri-list': huge })), ['file:///ws/first.png']);
});

test('a file drag is known by its types (lowercased in a webview, any case accepted)', () => {
  assert.equal(isFileDrag(['text/plain', 'application/vnd.code.uri-list']), true);
  assert.equal(isFileDrag(['ResourceURLs']), true);
  assert.equal(isFileDrag(['Text/URI-List']), true);
  assert.equal(isFileDrag(['text/plain', 'text/html']), false);
  assert.equal(isFileDrag([]), false);
});
