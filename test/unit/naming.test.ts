import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  checkFileNamePattern,
  DEFAULT_FILE_NAME_PATTERN,
  FileNamePatternError,
  renderBaseName,
  renderFileName,
  sanitizeFileName,
  slugify,
  uniqueName,
} from '../../src/core/naming';

const date = new Date(2025, 0, 2, 3, 4, 5); // local time
const vars = (prompt: string, extra: { seed?: number; model?: string; index?: number; ext?: string } = {}) => ({
  prompt,
  model: extra.model ?? 'flux-pro/v1.1',
  date,
  index: extra.index ?? 1,
  ext: extra.ext ?? 'png',
  ...(extra.seed === undefined ? {} : { seed: extra.seed }),
});

const RESERVED = /^(con|prn|aux|nul|com[1-9¹²³]|lpt[1-9¹²³])\s*(\..*)?$/i;

test('slugify: accents, case, punctuation, length at a word boundary', () => {
  assert.equal(slugify('A Café crème brûlée, SVP!'), 'a-cafe-creme-brulee-svp');
  assert.equal(slugify('Straße in Ærøskøbing, Łódź'), 'strasse-in-aeroskobing-lodz');
  assert.equal(slugify('  --a   cat -- on a mat--  '), 'a-cat-on-a-mat');
  assert.equal(slugify('🐱🐶🦊'), '');
  assert.equal(slugify('قطة على سطح صفيح ساخن'), '');
  assert.equal(slugify('ｆｕｌｌｗｉｄｔｈ １２３'), 'fullwidth-123');
  const long = slugify('a majestic lighthouse standing on a rocky cliff at dusk with waves crashing below');
  assert.ok(long.length <= 48);
  assert.equal(long, 'a-majestic-lighthouse-standing-on-a-rocky-cliff');
  assert.equal(slugify('x'.repeat(60)), 'x'.repeat(48));
  assert.equal(slugify('flux-pro/v1.1'), 'flux-pro-v1-1');
});

test('renderFileName: every variable', () => {
  assert.equal(renderFileName(DEFAULT_FILE_NAME_PATTERN, vars('A cat, in a hat', { seed: 42 })), 'a-cat-in-a-hat-42.png');
  assert.equal(renderFileName(DEFAULT_FILE_NAME_PATTERN, vars('A cat')), 'a-cat-random.png');
  assert.equal(renderFileName('${date}_${time}-${model}-${index}', vars('x', { index: 3, ext: 'jpg' })), '2025-01-02_030405-flux-pro-v1-1-3.jpg');
  assert.equal(renderFileName('${model}', vars('x', { model: 'blackforestlabs/flux-2-pro' })), 'blackforestlabs-flux-2-pro.png');
  assert.equal(renderFileName('shot ${index} of ${seed}', vars('x', { seed: 7, index: 2 })), 'shot 2 of 7.png');
  assert.equal(renderFileName(DEFAULT_FILE_NAME_PATTERN, vars('Crème brûlée', { seed: 1 })), 'creme-brulee-1.png');
});

test('renderFileName: empty, emoji-only and RTL prompts give "image"', () => {
  for (const p of ['', '   ', '🐱🐶', 'قطة', '!!!']) {
    assert.equal(renderFileName('${prompt}', vars(p)), 'image.png');
    assert.equal(renderFileName(DEFAULT_FILE_NAME_PATTERN, vars(p, { seed: 5 })), 'image-5.png');
  }
});

test('renderFileName: the real extension wins over one written in the pattern', () => {
  assert.equal(renderFileName('${prompt}.png', vars('cat', { ext: 'webp' })), 'cat.webp');
  assert.equal(renderFileName('${prompt}.JPEG', vars('cat', { ext: 'jpg' })), 'cat.jpg');
  assert.equal(renderFileName('${prompt}.v2', vars('cat', { ext: 'jpg' })), 'cat.v2.jpg');
});

test('unknown variables: a typed error and a sentence listing the known ones', () => {
  assert.equal(checkFileNamePattern(DEFAULT_FILE_NAME_PATTERN), undefined);
  assert.equal(checkFileNamePattern('${date}-${time}-${index}-${model}-${prompt}-${seed} plain $ { }'), undefined);
  assert.equal(
    checkFileNamePattern('${prompt}-${width}'),
    'The file name pattern uses an unknown variable: ${width}. Use only ${prompt}, ${model}, ${seed}, ${date}, ${time}, ${index}.',
  );
  assert.match(checkFileNamePattern('${a}${b}${a}') ?? '', /unknown variables: \$\{a\}, \$\{b\}\./);
  assert.throws(
    () => renderFileName('${Prompt}', vars('x')),
    (e: unknown) => e instanceof FileNamePatternError && /\$\{Prompt\}/.test(e.message),
  );
});

test('separators never survive: from the prompt or from the pattern', () => {
  assert.equal(renderFileName('${prompt}', vars('a/b\\c')), 'a-b-c.png');
  assert.equal(renderFileName('../../etc/${prompt}', vars('passwd')), 'etc-passwd.png');
  for (const name of [renderBaseName('..\\..\\${prompt}', vars('x')), renderBaseName('/abs/${prompt}', vars('x'))]) {
    assert.doesNotMatch(name, /[/\\]/);
    assert.doesNotMatch(name, /^\./);
  }
});

test('sanitizeFileName: Windows, macOS and Linux rules', () => {
  const cases: [string, string][] = [
    ['con', '_con'],
    ['CON.png', '_CON.png'],
    ['Aux', '_Aux'],
    ['nul.tar.gz', '_nul.tar.gz'],
    ['com1', '_com1'],
    ['LPT9', '_LPT9'],
    ['com¹', '_com¹'],
    ['con .txt', '_con .txt'],
    ['com0', 'com0'],
    ['console', 'console'],
    ['icon', 'icon'],
    ['.', 'image'],
    ['..', 'image'],
    ['...', 'image'],
    ['   ', 'image'],
    ['', 'image'],
    ['.hidden', 'hidden'],
    ['-rf', 'rf'],
    ['name. . ', 'name'],
    ['a<b>c:d"e|f?g*h', 'a-b-c-d-e-f-g-h'],
    ['tab\there\nnew\u0000nul\u007fdel', 'tab-here-new-nul-del'],
    ['lone \ud800 surrogate', 'lone - surrogate'],
    ['猫 café 🐱', '猫 café 🐱'],
  ];
  for (const [input, expected] of cases) assert.equal(sanitizeFileName(input), expected, JSON.stringify(input));
});

test('sanitizeFileName: bounded length, never splitting a character', () => {
  assert.equal(sanitizeFileName('x'.repeat(500)).length, 100);
  const emoji = sanitizeFileName('a' + '😀'.repeat(80));
  assert.equal(emoji, 'a' + '😀'.repeat(49));
  assert.equal(sanitizeFileName('b'.repeat(98) + ' . x'), 'b'.repeat(98));
  assert.ok(renderBaseName('${prompt} ${prompt} ${prompt} ${model} ${prompt}', vars('word '.repeat(100))).length <= 100);
});

test('uniqueName: base.ext, then -2, -3, …; sync or async exists', async () => {
  const taken = new Set(['cat.png', 'cat-2.png', 'dog.png']);
  assert.equal(await uniqueName('cat', 'png', (n) => taken.has(n)), 'cat-3.png');
  assert.equal(await uniqueName('dog', 'png', async (n) => taken.has(n)), 'dog-2.png');
  assert.equal(await uniqueName('eel', 'png', () => false), 'eel.png');
  const asked: string[] = [];
  await uniqueName('x', 'jpg', (n) => (asked.push(n), asked.length < 3));
  assert.deepEqual(asked, ['x.jpg', 'x-2.jpg', 'x-3.jpg']);
  await assert.rejects(
    uniqueName('y', 'png', () => true),
    /Could not find a free file name/,
  );
});

test('property: any prompt gives a portable name with the default pattern', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 400 }), fc.option(fc.integer({ min: 1, max: 4294967295 }), { nil: undefined }), (prompt, seed) => {
      const name = renderFileName(DEFAULT_FILE_NAME_PATTERN, vars(prompt, seed === undefined ? {} : { seed }));
      assert.match(name, /^[a-z0-9][a-z0-9-]*\.png$/);
      assert.ok(name.length <= 104);
    }),
    { numRuns: 1000 },
  );
});

test('property: any pattern and prompt give one safe file name (or a pattern error)', () => {
  const part = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 20 }),
    fc.constantFrom('${prompt}', '${model}', '${seed}', '${index}', '/', '\\', '.', ' ', 'con', 'CON.'),
  );
  fc.assert(
    fc.property(fc.array(part, { maxLength: 8 }), fc.string({ unit: 'binary', maxLength: 100 }), (parts, prompt) => {
      const pattern = parts.join('');
      if (checkFileNamePattern(pattern)) return;
      const base = renderBaseName(pattern, vars(prompt));
      assert.ok(base.length >= 1 && base.length <= 100, base);
      assert.doesNotMatch(base, /[<>:"/\\|?*\u0000-\u001f]/);
      assert.doesNotMatch(base, /^[\s.-]|[\s.]$/);
      assert.doesNotMatch(base, RESERVED);
      assert.doesNotMatch(base, /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
    }),
    { numRuns: 1000 },
  );
});

// ---- Edges the mutation run found untested (npm run test:mutation) ----------------------------------

test('slugify: each Latin letter NFKD keeps whole has its spelling', () => {
  assert.equal(slugify('ß æ œ ø đ ð ł þ ı'), 'ss-ae-oe-o-d-d-l-th-i');
  assert.equal(slugify('Straße Æsir Œuvre Øresund Łódź Þór'), 'strasse-aesir-oeuvre-oresund-lodz-thor');
});

test('slugify: a slug of exactly max characters is kept whole; a longer one is cut at a word boundary', () => {
  const exact = `${'a'.repeat(20)}-${'b'.repeat(27)}`;
  assert.equal(exact.length, 48);
  assert.equal(slugify(exact), exact);
  const long = slugify('word '.repeat(20));
  assert.equal(long, Array(9).fill('word').join('-'), 'whole words only, no dash at the end');
  assert.equal(slugify('a'.repeat(60)), 'a'.repeat(48), 'one long word is cut at max');
});

test('sanitizeFileName: a run of forbidden characters becomes one dash', () => {
  assert.equal(sanitizeFileName('a<<>>b::c'), 'a-b-c');
  assert.equal(sanitizeFileName('a\u0000\u0001\u007f\u0085b'), 'a-b');
});

test('renderBaseName: only an image extension at the very end of the pattern is dropped (.jpg, .jpeg, .png, .webp)', () => {
  assert.equal(renderBaseName('${prompt}.jpg', vars('a cat')), 'a-cat');
  assert.equal(renderBaseName('${prompt}.jpeg', vars('a cat')), 'a-cat');
  assert.equal(renderBaseName('${prompt}.pngs', vars('a cat')), 'a-cat.pngs');
  assert.equal(renderBaseName('${prompt}.png-${index}', vars('a cat')), 'a-cat.png-1');
});

test('renderBaseName: a model id with no Latin letters becomes "model"', () => {
  assert.equal(renderBaseName('${model}', vars('a cat', { model: '模型' })), 'model');
});

test('uniqueName: the 10,000th name is still tried; past it, an error that names the file', async () => {
  assert.equal(await uniqueName('x', 'png', (n) => n !== 'x-10000.png'), 'x-10000.png');
  await assert.rejects(
    uniqueName('x', 'png', () => true),
    (e: Error) => e.message.includes('x.png') && /9,999/.test(e.message),
  );
});

test('a pattern with an unknown variable throws an error named FileNamePatternError (what callers test for)', () => {
  assert.throws(
    () => renderBaseName('${nope}', vars('a cat')),
    (e: Error) => e instanceof FileNamePatternError && e.name === 'FileNamePatternError',
  );
});
