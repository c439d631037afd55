/**
 * Replace Link at its edges: which characters open and close a link target, the forms a link may
 * take (and the `./` it gets only where that is still the same path), and ranges that never overlap.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { findImageTargets, linkForms } from '../../src/core/relink';

const targets = (text: string, forms: readonly string[]): string[] =>
  findImageTargets(text, forms).map((r) => `${r.start}-${r.end}:${text.slice(r.start, r.end)}`);

describe('the forms a link to the image may take', () => {
  test('a path in or below the document folder also matches with ./, longest form first', () => {
    assert.deepEqual(linkForms('/w/docs', '/w/docs/img/a b.png'), ['./img/a%20b.png', './img/a b.png', 'img/a%20b.png', 'img/a b.png']);
  });

  test('a path above the document folder gets no ./ in front of its ../', () => {
    assert.deepEqual(linkForms('/w/docs', '/w/img/a b.png'), ['../img/a%20b.png', '../img/a b.png']);
  });

  test('an image on another drive keeps its absolute path and gets no ./ in front of it', () => {
    assert.deepEqual(linkForms('/c:/docs', '/d:/img/a.png'), ['/d:/img/a.png']);
  });

  test('a path that already starts with ./ is not given a second one', () => {
    assert.deepEqual(linkForms('/w/docs', '/w/docs/x:y.png'), ['./x:y.png']);
  });
});

describe('where a link target opens and closes', () => {
  test('each opening character is accepted: ( " \' < { : =', () => {
    for (const open of ['(', '"', "'", '<', '{', ':', '=']) {
      assert.deepEqual(targets(`x${open}a.png)`, ['a.png']), ['2-7:a.png'], `after ${JSON.stringify(open)}`);
    }
  });

  test('a target after another character (a letter, a slash, a space) is not a link', () => {
    for (const open of ['b', '/', ' ', '[', '-']) assert.deepEqual(targets(`x${open}a.png)`, ['a.png']), [], `after ${JSON.stringify(open)}`);
  });

  test('each closing character is accepted: ) " \' > } [ ? # space tab newline carriage return', () => {
    for (const close of [')', '"', "'", '>', '}', '[', '?', '#', ' ', '\t', '\n', '\r']) {
      assert.deepEqual(targets(`(a.png${close}x`, ['a.png']), ['1-6:a.png'], `before ${JSON.stringify(close)}`);
    }
  });

  test('a target at the very end of the text is closed; one followed by more of a name is not', () => {
    assert.deepEqual(targets('(a.png', ['a.png']), ['1-6:a.png']);
    assert.deepEqual(targets('(a.png.bak)', ['a.png']), []);
    assert.deepEqual(targets('(a.pngx', ['a.png']), []);
  });

  test('an empty form matches nothing', () => {
    assert.deepEqual(findImageTargets('("x")', ['', 'x']), [{ start: 2, end: 3 }]);
  });
});

describe('found ranges never overlap', () => {
  test('the same form given twice is found once', () => {
    assert.deepEqual(targets('(a.png) and (a.png)', ['a.png', 'a.png']), ['1-6:a.png', '13-18:a.png']);
  });

  test('ranges that only touch are both kept, whichever form is looked for first', () => {
    assert.deepEqual(targets('(a="b)', ['a=', '"b']), ['1-3:a=', '3-5:"b']);
    assert.deepEqual(targets('(a="b)', ['"b', 'a=']), ['1-3:a=', '3-5:"b']);
  });

  test('a form inside a longer one already found is not found again', () => {
    assert.deepEqual(targets('(b=c)', ['b=c', 'c']), ['1-4:b=c']);
  });
});
