/**
 * Property-based tests of the core's pure functions over hostile input: any prompt text (every code
 * point, lone surrogates, control and format characters, graphemes), any numbers (negative, huge,
 * fractional, NaN, ±Infinity, -0), any seeds, parameters, file-name patterns and link templates.
 *
 * naming.test.ts and links.test.ts already hold properties for the default file-name pattern, for
 * patterns assembled from known pieces with a random prompt, and for a random prompt in Markdown,
 * HTML and AsciiDoc links with a fixed path. These extend that: request validation (the most), size
 * parsing and checking, fully arbitrary patterns with arbitrary model, seed, index and date, random
 * paths and alt texts in every link syntax, and arbitrary user link templates.
 */
import MarkdownIt from 'markdown-it';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CATALOG, findModel, PROVIDERS, type ModelEntry, type ParamSpec, formatSize } from '../../src/core/catalog';
import { checkSide, parseSize, validateRequest } from '../../src/core/request';
import {
  checkFileNamePattern,
  FILE_NAME_VARIABLES,
  FileNamePatternError,
  MAX_BASE_LENGTH,
  renderBaseName,
  renderFileName,
  sanitizeFileName,
  uniqueName,
} from '../../src/core/naming';
import { altText, buildLink, checkLinkTemplate, LINK_VARIABLES, LinkError, rawRelativePath, relativeImagePath, type LinkLanguage } from '../../src/core/links';

const RUNS = 400;
// A failure shows the assertion that failed along with the shrunk counterexample.
fc.configureGlobal({ includeErrorInReport: true });

// ---- Arbitraries ------------------------------------------------------------------------------------

/** Characters that break things: controls, separators, bidi and zero-width, lone surrogates, syntax. */
const NASTY = [
  '\u0000',
  '\u0007',
  '\u001b',
  '\t',
  '\n',
  '\r',
  '\u000b',
  '\u0085',
  '\u00a0',
  '\u2028',
  '\u2029',
  '\u202e',
  '\u200b',
  '\u200d',
  '\ufeff',
  '\ud800',
  '\udfff',
  '🐱',
  '👩‍👩‍👧',
  '🏳️‍🌈',
  'é',
  'e\u0301',
  'ß',
  'ﬁ',
  '猫',
  'ق',
  'Ω',
  '１',
  '"',
  "'",
  '`',
  '<',
  '>',
  '&',
  '[',
  ']',
  '(',
  ')',
  '{',
  '}',
  '\\',
  '/',
  ':',
  '*',
  '?',
  '|',
  '$',
  '%',
  '#',
  '^',
  '~',
  '_',
  '.',
  '-',
  ' ',
  '!',
  '=',
  ',',
  '${prompt}',
  '${seed}',
  '${path}',
  '${alt}',
  '${',
  '}',
  '%20',
  '%ZZ',
  '%2',
  'con',
  'NUL',
  'com1',
  'lpt¹',
  '..',
  'a',
  'B',
  '7',
];
const nastyString = (maxLength = 60) =>
  fc.oneof(
    fc.string({ unit: 'binary', maxLength }),
    fc.string({ unit: 'grapheme', maxLength }),
    fc.string({ unit: fc.constantFrom(...NASTY), maxLength }),
    fc.string({ unit: 'binary-ascii', maxLength }),
  );

/** Any number JavaScript has, biased towards the awkward ones. */
const anyNumber = fc.oneof(
  fc.integer(),
  fc.integer({ min: -5000, max: 5000 }),
  fc.double(),
  fc.constantFrom(Number.NaN, Infinity, -Infinity, -0, 0, 0.5, -1, 1, 1e21, 2 ** 32, 2 ** 32 - 1, 2 ** 53 + 2, Number.MIN_VALUE, Number.MAX_VALUE),
);

const MODEL_KEYS = CATALOG.map((m) => m.key);
const PARAM_NAMES = [...new Set(CATALOG.flatMap((m) => m.params.flatMap((p) => [p.name, p.wire])))];
const PRESET_NAMES = [...new Set(CATALOG.flatMap((m) => m.size.presets?.map((p) => p.name) ?? []))];
const RATIOS = [...new Set(CATALOG.flatMap((m) => m.size.ratios?.map((r) => r.ratio) ?? []))];

const sizeText = fc.oneof(
  nastyString(20),
  fc.tuple(anyNumber, anyNumber, fc.constantFrom('x', 'X', '×', ' x ', '*', ':')).map(([w, h, sep]) => `${w}${sep}${h}`),
  fc.tuple(fc.integer({ min: 0, max: 2200 }), fc.integer({ min: 0, max: 2200 })).map(([w, h]) => `${w}x${h}`),
  fc.constantFrom(
    ...PRESET_NAMES,
    ...RATIOS,
    '',
    '   ',
    'custom',
    'constructor',
    '__proto__',
    'toString',
    '0:0',
    '999:999',
    '0x0',
    '999999x999999',
    '1024x768',
  ),
);

const paramValue = fc.oneof(
  fc.boolean(),
  anyNumber,
  nastyString(10),
  fc.constantFrom('1', '2', '6', '7', 'none', 'regular', 'high', ' 20 ', '0x10', '1e1', 'true', 'false', '', 'NaN', 'Infinity'),
);
const params = fc.dictionary(fc.oneof(fc.constantFrom(...PARAM_NAMES, 'constructor', '__proto__', 'toString'), nastyString(12)), paramValue, { maxKeys: 4 });

/** A request whose every field may be anything at all, well typed or not. */
const anyRequest = fc.record(
  {
    model: fc.oneof(fc.constantFrom(...MODEL_KEYS), nastyString(30), fc.anything()),
    prompt: fc.oneof(nastyString(80), fc.constantFrom('', '   ', '\u200b', 'x'.repeat(2001), '🦊'.repeat(4001)), fc.anything()),
    size: fc.oneof(sizeText, fc.anything()),
    numImages: fc.oneof(anyNumber, fc.anything()),
    seed: fc.oneof(anyNumber, fc.anything()),
    outputFormat: fc.oneof(
      fc.constantFrom('png', 'PNG', 'jpg', 'jpeg', 'webp', 'gif', '', 'constructor', '__proto__', 'toString', 'valueOf'),
      nastyString(8),
      fc.anything(),
    ),
    params: fc.oneof(params, fc.anything()),
  },
  { requiredKeys: [] },
);

/** A request close to valid for one catalog model, so that many pass and the "ok" invariants are exercised. */
function nearValid(m: ModelEntry) {
  const c = m.size.custom;
  const sizes: fc.Arbitrary<string | undefined>[] = [
    fc.constant(undefined),
    fc.constantFrom(...(m.size.presets ?? []).map((p) => p.name), ...(m.size.ratios ?? []).map((r) => r.ratio), '16:9', 'square_hd'),
  ];
  if (c) {
    const side = fc.oneof(
      fc.integer({ min: c.min / c.step, max: c.max / c.step }).map((k) => k * c.step),
      fc.integer({ min: c.min - 2 * c.step, max: c.max + 2 * c.step }),
    );
    sizes.push(fc.tuple(side, side).map(([w, h]) => `${w}x${h}`));
  }
  const value = (p: ParamSpec): fc.Arbitrary<string | number | boolean> => {
    switch (p.type) {
      case 'integer':
        return fc.oneof(fc.integer({ min: p.min - 2, max: p.max + 2 }), fc.integer({ min: p.min, max: p.max }).map(String));
      case 'number':
        return fc.oneof(fc.double({ min: p.min - 1, max: p.max + 1, noNaN: true }), fc.constant(String(p.max)));
      case 'boolean':
        return fc.boolean();
      case 'enum':
        return fc.oneof(fc.constantFrom(...p.values), fc.constant('0'));
      case 'url':
        return fc.oneof(fc.webUrl(), fc.constantFrom('file:///etc/passwd', 'not a url', 'https://user:pw@example.com/a.png', ''));
    }
  };
  const paramsArb = m.params.length
    ? fc
        .array(fc.constantFrom(...m.params), { maxLength: 3 })
        .chain((specs) => fc.tuple(...specs.map((s) => fc.tuple(fc.constantFrom(s.name, s.wire), value(s)))))
        .map((pairs) => Object.fromEntries(pairs))
    : fc.constant({});
  return fc
    .record(
      {
        model: fc.constant(m.key),
        prompt: fc.oneof(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }), nastyString(40)),
        size: fc.oneof(...sizes),
        numImages: fc.oneof(fc.integer({ min: 0, max: m.maxImages + 1 }), fc.constant(undefined)),
        seed: fc.oneof(fc.constant(undefined), fc.integer({ min: m.seed.min, max: m.seed.max }), fc.constantFrom(0, m.seed.max + 1, 1.5)),
        outputFormat: fc.oneof(fc.constant(undefined), fc.constantFrom(...m.formats), fc.constantFrom('jpg', 'PNG', 'webp')),
        params: paramsArb,
      },
      { requiredKeys: ['model', 'prompt'] },
    )
    .map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)));
}
const nearValidRequest = fc.constantFrom(...CATALOG).chain(nearValid);

// ---- Helpers ------------------------------------------------------------------------------------------

/** Every primitive reachable in a value (strings, numbers, null), to know what a message may echo. */
function primitives(v: unknown, out: unknown[] = [], depth = 0): unknown[] {
  if (depth > 6) return out;
  if (v !== null && typeof v === 'object') {
    for (const k of Reflect.ownKeys(v)) {
      if (typeof k === 'string') out.push(k);
      try {
        primitives((v as Record<PropertyKey, unknown>)[k], out, depth + 1);
      } catch {
        /* a getter that throws */
      }
    }
  } else out.push(v);
  return out;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** Lone surrogates replaced, as the core does before writing text anywhere. */
const wellFormed = (s: string) => s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
const codePoints = (s: string) => [...s].length;

/** The sentence rules every validation message follows, whatever the input. */
function assertSentence(message: unknown, input: unknown): void {
  assert.equal(typeof message, 'string');
  const m = message as string;
  assert.ok(m.trim().length > 0, 'a message is never empty');
  assert.equal(m, m.trim(), `no stray whitespace around: ${JSON.stringify(m)}`);
  assert.match(m, /\.$/, `ends with a period: ${JSON.stringify(m)}`);
  assert.ok(m.length <= 600, `a bounded sentence (${m.length} characters): ${m.slice(0, 200)}`);
  assert.doesNotMatch(m, /[\u0000-\u001f\u007f\u2028\u2029]/, `one line, no control characters: ${JSON.stringify(m)}`);
  // Junk from stringifying the wrong thing. The words may appear only when the input itself held them.
  const held = primitives(input);
  const heldText = held.filter((x): x is string => typeof x === 'string').join('\n');
  for (const [junk, present] of [
    [/undefined/, /undefined/.test(heldText)],
    [/\[object /, /\[object /.test(heldText)],
    [/\bNaN\b/, held.some((x) => Number.isNaN(x)) || /NaN/.test(heldText)],
    [/Infinity/, held.some((x) => x === Infinity || x === -Infinity) || /Infinity/.test(heldText)],
    [/\bnull\b/, held.includes(null) || /null/.test(heldText)],
    [/\ba (?:object|array|another|undefined)\b/, false],
  ] as const) {
    if (!present) assert.doesNotMatch(m, junk, `no junk in: ${m}`);
  }
}

/** Whether a width and height are what the model can make. */
function sizeAllowed(m: ModelEntry, w: number, h: number): boolean {
  const c = m.size.custom;
  const side = (v: number) => !!c && Number.isInteger(v) && v >= c.min && v <= c.max && v % c.step === 0;
  const listed = [...(m.size.presets ?? []), ...(m.size.ratios ?? []), ...(m.size.fixed ? [m.size.fixed] : [])].some((s) => s.width === w && s.height === h);
  return (side(w) && side(h)) || listed;
}

function paramAllowed(spec: ParamSpec, v: unknown): boolean {
  switch (spec.type) {
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v) && v >= spec.min && v <= spec.max;
    case 'number':
      return typeof v === 'number' && Number.isFinite(v) && v >= spec.min && v <= spec.max;
    case 'boolean':
      return typeof v === 'boolean' && (spec.only === undefined || v === spec.only);
    case 'enum':
      return typeof v === 'string' && spec.values.includes(v);
    case 'url':
      return typeof v === 'string' && /^https?:\/\//.test(v) && v.length <= spec.maxLength && !/@/.test(new URL(v).host + new URL(v).username);
  }
}

// ---- validateRequest ------------------------------------------------------------------------------------

const FIELDS = /^(?:request|model|prompt|size|width|height|seed|numImages|outputFormat|params|params\..*)$/s;

test('validateRequest: any input at all → ok, or problems that are each one clean sentence at a field', () => {
  fc.assert(
    fc.property(fc.oneof(anyRequest, anyRequest, nearValidRequest, fc.anything()), (input) => {
      const before = JSON.stringify(input, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : typeof v === 'bigint' ? String(v) : v));
      let v: ReturnType<typeof validateRequest>;
      assert.doesNotThrow(() => (v = validateRequest(input)));
      v = v!;
      assert.equal(
        JSON.stringify(input, (_k, x) => (typeof x === 'number' && !Number.isFinite(x) ? String(x) : typeof x === 'bigint' ? String(x) : x)),
        before,
        'the input is not changed',
      );
      if (v.ok) return;
      assert.ok(Array.isArray(v.problems) && v.problems.length > 0, 'a refusal names at least one problem');
      for (const p of v.problems) {
        assert.equal(typeof p.field, 'string');
        assert.match(p.field, FIELDS);
        assertSentence(p.message, input);
      }
    }),
    { numRuns: 1500 },
  );
});

test('validateRequest: an ok result is always inside the model’s rules, and validates again to itself', () => {
  let oks = 0;
  fc.assert(
    fc.property(nearValidRequest, (input) => {
      const v = validateRequest(input);
      if (!v.ok) return;
      oks++;
      const r = v.value;
      const m = findModel((input as { model: string }).model)!;
      assert.equal(r.model, m);
      assert.ok(sizeAllowed(m, r.size.width, r.size.height), `${m.key} cannot make ${r.size.width}x${r.size.height}`);
      if (r.size.choice.kind === 'custom') assert.deepEqual([r.size.choice.width, r.size.choice.height], [r.size.width, r.size.height]);
      if (m.size.custom) {
        const c = m.size.custom;
        for (const side of [r.size.width, r.size.height]) assert.ok(side >= c.min && side <= c.max && side % c.step === 0, `${m.key}: ${side}`);
      }
      assert.equal(r.prompt, r.prompt.trim());
      assert.ok(codePoints(r.prompt) >= 1 && codePoints(r.prompt) <= PROVIDERS[m.provider].promptMax);
      assert.ok(Number.isInteger(r.numImages) && r.numImages >= 1 && r.numImages <= m.maxImages);
      if (r.seed !== undefined) assert.ok(Number.isInteger(r.seed) && r.seed >= m.seed.min && r.seed <= m.seed.max);
      assert.ok(m.formats.includes(r.outputFormat));
      for (const [name, value] of Object.entries(r.params)) {
        const spec = m.params.find((p) => p.name === name);
        assert.ok(spec, `${name} is one of ${m.key}'s parameters, by its catalog name`);
        assert.ok(paramAllowed(spec, value), `${name}=${JSON.stringify(value)}`);
      }
      // The resolved request, written back as input, is accepted and resolves to the same thing.
      const again = validateRequest({
        model: m.key,
        prompt: r.prompt,
        size: formatSize(r.size.choice),
        numImages: r.numImages,
        outputFormat: r.outputFormat,
        params: r.params,
        ...(r.seed === undefined ? {} : { seed: r.seed }),
      });
      assert.ok(again.ok, JSON.stringify(!again.ok && again.problems));
      assert.deepEqual(again.value, r);
    }),
    { numRuns: 1500 },
  );
  assert.ok(oks > 100, `enough requests passed to mean something (${oks})`);
});

test('validateRequest: a custom WIDTHxHEIGHT is accepted exactly when both sides follow the model’s rule', () => {
  const side = fc.oneof(
    fc.integer({ min: -100, max: 2200 }),
    fc.integer({ min: 0, max: 70 }).map((k) => k * 32),
    fc.constantFrom(0, 999999, 1000000, 12345678),
  );
  fc.assert(
    fc.property(fc.constantFrom(...CATALOG.filter((m) => m.size.custom)), side, side, (m, w, h) => {
      const c = m.size.custom!;
      const v = validateRequest({ model: m.key, prompt: 'a cat', size: `${w}x${h}` });
      const good = (x: number) => x >= c.min && x <= c.max && x % c.step === 0;
      const listed = [...(m.size.presets ?? []), ...(m.size.ratios ?? [])].some((s) => s.width === w && s.height === h);
      assert.equal(v.ok, (good(w) && good(h)) || listed, `${m.key} ${w}x${h}`);
      if (v.ok) {
        assert.deepEqual([v.value.size.width, v.value.size.height], [w, h]);
        return;
      }
      const fields = v.problems.map((p) => p.field);
      if (w < 0 || h < 0 || w > 999999 || h > 999999) {
        // Not a size at all (a sign, or more than six digits).
        assert.deepEqual(fields, ['size']);
        assert.match(v.problems[0]!.message, /is not a size\. Use WIDTHxHEIGHT/);
      } else {
        assert.deepEqual(fields, [...(good(w) ? [] : ['width']), ...(good(h) ? [] : ['height'])]);
        if (!good(w)) assert.match(v.problems[0]!.message, new RegExp(`^Width ${w} is `));
      }
    }),
    { numRuns: RUNS },
  );
});

test('validateRequest: prompt length in characters, not UTF-16 units, against the provider’s limit', () => {
  fc.assert(
    fc.property(fc.constantFrom(...MODEL_KEYS), fc.constantFrom('a', 'é', '猫', '🦊', '👩‍👩‍👧'), fc.integer({ min: 1, max: 4100 }), (key, unit, n) => {
      const m = findModel(key)!;
      const prompt = unit.repeat(Math.ceil(n / codePoints(unit)));
      const len = codePoints(prompt);
      const v = validateRequest({ model: key, prompt });
      const max = PROVIDERS[m.provider].promptMax;
      assert.equal(v.ok, len <= max, `${len} characters for ${key}`);
      if (!v.ok) {
        assert.deepEqual(
          v.problems.map((p) => p.field),
          ['prompt'],
        );
        assert.equal(
          v.problems[0]!.message,
          `The prompt is ${len.toLocaleString('en-US')} characters; ${PROVIDERS[m.provider].label} accepts at most ${max.toLocaleString('en-US')}. Shorten it by ${(len - max).toLocaleString('en-US')}.`,
        );
      }
    }),
    { numRuns: 200 },
  );
});

test('validateRequest: user text is quoted on one short line, never pasted whole into the sentence', () => {
  fc.assert(
    fc.property(
      fc.constantFrom(...MODEL_KEYS),
      nastyString(300),
      fc.constantFrom('model', 'size', 'outputFormat', 'paramName', 'paramValue'),
      (key, text, where) => {
        const m = findModel(key)!;
        const enumSpec = m.params.find((p) => p.type === 'enum');
        const input: Record<string, unknown> = { model: key, prompt: 'a cat' };
        if (where === 'model') input.model = `x${text}`;
        else if (where === 'size') input.size = `#${text}`;
        else if (where === 'outputFormat') input.outputFormat = `#${text}`;
        else if (where === 'paramName') input.params = { [`#${text}`]: 1 };
        else if (enumSpec) input.params = { [enumSpec.name]: `#${text}` };
        else return;
        const v = validateRequest(input);
        assert.equal(v.ok, false);
        if (v.ok) return;
        const line = oneLine(text);
        for (const p of v.problems) {
          assertSentence(p.message, input);
          // Quoted on one line, cut after 39 characters with an ellipsis.
          if (codePoints(line) > 40) {
            assert.ok(!p.message.includes(line), 'a long text is not pasted whole');
            assert.ok(p.message.includes('…"'), p.message);
          }
        }
      },
    ),
    { numRuns: RUNS },
  );
});

test('validateRequest: names of Object.prototype members are not formats, presets or parameters', () => {
  for (const name of ['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty']) {
    for (const m of CATALOG) {
      const fmt = validateRequest({ model: m.key, prompt: 'x', outputFormat: name });
      assert.ok(!fmt.ok);
      if (!fmt.ok)
        assert.equal(
          fmt.problems[0]!.message,
          `${m.id} cannot make "${name}" images; choose ${m.formats.map((f) => ({ jpeg: 'JPEG', png: 'PNG', webp: 'WebP' })[f]).join(' or ')}.`,
        );
      const size = validateRequest({ model: m.key, prompt: 'x', size: name });
      assert.ok(!size.ok && /^size$/.test(size.problems[0]!.field), `${m.key} size ${name}`);
      // An own "__proto__" key (from JSON) is dropped by the schema or refused; it never reaches the parameters.
      const par = validateRequest({ model: m.key, prompt: 'x', params: JSON.parse(`{${JSON.stringify(name)}: 1}`) });
      if (par.ok) assert.deepEqual([name, Reflect.ownKeys(par.value.params)], ['__proto__', []]);
      else assert.ok(par.problems[0]!.message.includes(`does not take the parameter "${name}"`), `${m.key} param ${name}`);
    }
  }
});

// ---- parseSize and checkSide ------------------------------------------------------------------------

test('parseSize: never throws; what it returns is well formed and survives formatSize → parseSize', () => {
  fc.assert(
    fc.property(fc.oneof(sizeText, nastyString(40)), (text) => {
      const choice = parseSize(text);
      if (!choice) return;
      switch (choice.kind) {
        case 'custom':
          for (const n of [choice.width, choice.height]) assert.ok(Number.isInteger(n) && n >= 0 && n <= 999999, String(n));
          break;
        case 'ratio':
          assert.match(choice.ratio, /^(?:0|[1-9]\d{0,2}):(?:0|[1-9]\d{0,2})$/);
          break;
        case 'preset':
          assert.match(choice.name, /^[a-z][a-z0-9_]*$/i);
          assert.equal(choice.name, text.trim());
          break;
      }
      assert.deepEqual(parseSize(formatSize(choice)), choice);
    }),
    { numRuns: 1000 },
  );
});

test('parseSize: every spelling of WIDTHxHEIGHT and W:H is read', () => {
  fc.assert(
    fc.property(
      fc.nat(999999),
      fc.nat(999999),
      fc.constantFrom('x', 'X', '×'),
      fc.constantFrom('', ' ', '  ', '\t'),
      fc.constantFrom('', ' ', '\n'),
      fc.nat(999),
      fc.nat(999),
      (w, h, x, gap, pad, a, b) => {
        assert.deepEqual(parseSize(`${pad}${w}${gap}${x}${gap}${h}${pad}`), { kind: 'custom', width: w, height: h });
        assert.deepEqual(parseSize(`${pad}${String(a).padStart(3, '0')}${gap}:${gap}${b}${pad}`), { kind: 'ratio', ratio: `${a}:${b}` });
      },
    ),
    { numRuns: RUNS },
  );
});

test('checkSide: any number → undefined exactly when allowed, else one sentence whose suggestions are themselves allowed', () => {
  fc.assert(
    fc.property(
      fc.constantFrom(...CATALOG),
      fc.constantFrom('Width' as const, 'Height' as const),
      fc.oneof(anyNumber, fc.integer({ min: -100, max: 3000 })),
      (m, axis, value) => {
        const said = checkSide(m, axis, value);
        const c = m.size.custom;
        if (!c) {
          assert.equal(said, `${m.id} does not take a custom size.`);
          return;
        }
        const allowed = Number.isInteger(value) && value >= c.min && value <= c.max && value % c.step === 0;
        assert.equal(said === undefined, allowed, `${m.key} ${axis} ${value}: ${said}`);
        if (said === undefined) return;
        assert.ok(said.startsWith(`${axis} `), said);
        assert.ok(said.includes(m.id), said);
        // Never "Width NaN …": a field holding "abc" reaches here as NaN (generator form), and Infinity likewise.
        assertSentence(said, []);
        const nearest = /Nearest: (\d+)(?: or (\d+))?\.$/.exec(said);
        if (nearest) {
          for (const s of nearest.slice(1).filter(Boolean).map(Number)) {
            assert.equal(checkSide(m, axis, s), undefined, `the suggestion ${s} is allowed`);
            assert.ok(Math.abs(s - value) < c.step, `the suggestion ${s} is next to ${value}`);
          }
        }
      },
    ),
    { numRuns: 1500 },
  );
});

// ---- File names -----------------------------------------------------------------------------------

const RESERVED = /^(con|prn|aux|nul|com[1-9¹²³]|lpt[1-9¹²³])\s*(\..*)?$/is;
const EXTS = ['png', 'jpg', 'webp'] as const;

function assertSafeName(name: string, max = MAX_BASE_LENGTH): void {
  assert.ok(name.length >= 1 && name.length <= max, `length ${name.length}: ${JSON.stringify(name)}`);
  assert.doesNotMatch(name, /[<>:"/\\|?*\u0000-\u001f\u007f-\u009f]/, JSON.stringify(name));
  assert.doesNotMatch(name, /^[\s.-]|[\s.]$/, JSON.stringify(name));
  assert.doesNotMatch(name, RESERVED, JSON.stringify(name));
  assert.doesNotMatch(name, LONE_SURROGATE, JSON.stringify(name));
}

/** Patterns of any text, with known variables, unknown ones and broken `${` pieces mixed in. */
const anyPattern = fc.oneof(
  nastyString(60),
  fc
    .array(
      fc.oneof(
        nastyString(12),
        fc.constantFrom(
          ...FILE_NAME_VARIABLES.map((v) => `\${${v}}`),
          '${width}',
          '${PROMPT}',
          '${}',
          '${ }',
          '$prompt',
          '${prompt',
          '}',
          '.png',
          '.JPG',
          'con',
          'nul ',
          ' '.repeat(120),
        ),
      ),
      { maxLength: 10 },
    )
    .map((p) => p.join('')),
);
const anyVars = fc.record({
  prompt: nastyString(200),
  model: fc.oneof(fc.constantFrom(...CATALOG.map((m) => m.id)), nastyString(30)),
  seed: fc.option(anyNumber, { nil: undefined }),
  date: fc.date(),
  index: anyNumber,
  ext: fc.constantFrom(...EXTS),
});

test('renderFileName: any pattern, prompt, model, seed, index and date → one safe name with the given extension, or the pattern refused', () => {
  fc.assert(
    fc.property(anyPattern, anyVars, (pattern, vars) => {
      const problem = checkFileNamePattern(pattern);
      if (problem !== undefined) {
        assert.match(
          problem,
          /^The file name pattern uses (an unknown variable|unknown variables): .*\. Use only \$\{prompt\}, \$\{model\}, \$\{seed\}, \$\{date\}, \$\{time\}, \$\{index\}\.$/s,
        );
        for (const v of pattern.match(/\$\{[^}]*\}/g) ?? [])
          if (!FILE_NAME_VARIABLES.includes(v.slice(2, -1) as never)) assert.ok(problem.includes(v), `${problem} names ${v}`);
        assert.throws(
          () => renderFileName(pattern, vars),
          (e: unknown) => e instanceof FileNamePatternError && e.message === problem,
        );
        return;
      }
      const name = renderFileName(pattern, vars);
      assert.ok(name.endsWith(`.${vars.ext}`), name);
      const base = name.slice(0, -(vars.ext.length + 1));
      assert.equal(base, renderBaseName(pattern, vars));
      assertSafeName(base);
      assert.doesNotMatch(name, RESERVED);
      assert.doesNotMatch(base, /\$\{(?:prompt|model|seed|date|time|index)\}/, 'every known variable was filled');
    }),
    { numRuns: 1000 },
  );
});

test('sanitizeFileName: any text and any length limit → safe, bounded, and stable when applied again', () => {
  fc.assert(
    fc.property(fc.oneof(nastyString(300), anyPattern), fc.integer({ min: 5, max: 300 }), (text, max) => {
      const safe = sanitizeFileName(text, max);
      assertSafeName(safe, max);
      assert.equal(sanitizeFileName(safe, max), safe);
    }),
    { numRuns: 4000 },
  );
});

test('sanitizeFileName: cutting to length never leaves a Windows device name', () => {
  for (const dev of ['con', 'NUL', 'aux', 'com1', 'LPT9', 'prn']) {
    for (const filler of [' ', '  . ', '\u00a0', '.\u2028']) {
      const name = `${dev}${filler.repeat(200)}tail`;
      const safe = sanitizeFileName(name);
      assertSafeName(safe);
      assert.equal(safe.toLowerCase(), `_${dev.toLowerCase()}`);
      assertSafeName(renderBaseName(`${dev}${' '.repeat(MAX_BASE_LENGTH)}\${prompt}`, { prompt: 'a cat', model: 'm', date: new Date(0), index: 1 }));
    }
  }
});

test('uniqueName: the first free name of base.ext, base-2.ext, …, whatever is taken', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom('cat', 'image', 'a-b'),
      fc.constantFrom(...EXTS),
      fc.uniqueArray(fc.integer({ min: 1, max: 40 }), { maxLength: 40 }),
      fc.boolean(),
      async (base, ext, takenNs, async) => {
        const nameOf = (n: number) => (n === 1 ? `${base}.${ext}` : `${base}-${n}.${ext}`);
        const taken = new Set(takenNs.map(nameOf));
        const exists = (n: string) => (async ? Promise.resolve(taken.has(n)) : taken.has(n));
        const got = await uniqueName(base, ext, exists);
        assert.ok(!taken.has(got));
        let first = 1;
        while (taken.has(nameOf(first))) first++;
        assert.equal(got, nameOf(first));
      },
    ),
    { numRuns: 300 },
  );
});

// ---- Links ------------------------------------------------------------------------------------------

/** A path segment of any characters, minus the separator. */
const segment = nastyString(16).map((s) => s.replace(/\//g, '') || 'x');
const anyPaths = fc.tuple(fc.array(segment, { maxLength: 3 }), fc.array(segment, { minLength: 1, maxLength: 3 })).map(([doc, img]) => ({
  dir: `/w/${doc.join('/')}`,
  file: `/w/${img.join('/')}.png`,
}));

/** Undo CommonMark backslash escapes (only ASCII punctuation can be escaped). */
const unMarkdown = (s: string) => s.replace(/\\([!-/:-@[-`{-~])/g, '$1');
/** markdown-it as VS Code's preview uses it: the judge of Markdown structure in this layer (the render layer adds cmark-gfm). */
const md = new MarkdownIt({ html: true });
interface MdToken {
  type: string;
  content: string;
  children: MdToken[] | null;
  attrGet(name: string): string | null;
}
/** The one image of a line that must be exactly one image, with its alt as markdown-it's tokens hold it (escapes included). */
function markdownItImage(text: string): { src: string; alt: string } | undefined {
  const children: MdToken[] = md.parseInline(text, {})[0]?.children ?? [];
  const image = children[0];
  if (children.length !== 1 || image?.type !== 'image') return undefined;
  const flat = (ts: MdToken[]): string => ts.map((t) => (t.type === 'text' || t.type === 'text_special' ? t.content : flat(t.children ?? []))).join('');
  return { src: image.attrGet('src') ?? '', alt: flat(image.children ?? []) };
}
/** Emphasis and strikethrough delimiters are markup: a renderer's alt text drops them when they pair. */
const noEmphasis = (s: string) => s.replace(/[*_~]/g, '');
const unHtml = (s: string) =>
  s.replace(/&(amp|lt|gt|quot|#39|#123|#125);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#123': '{', '#125': '}' })[e] ?? '');
const unLatex = (s: string) => s.replace(/\\textbackslash\{\}|\\\^\{\}|\\~\{\}|\\[{}$&#%_]/g, (e) => (e === '\\textbackslash{}' ? '\\' : e[1]!));
/** What remains of text once every backslash escape is taken out; it must hold none of `specials`. */
const rawOutsideEscapes = (s: string) => s.replace(/\\[\s\S]/g, '');
const oneLine = (s: string) => s.replace(/[\s\p{Cc}]+/gu, ' ').trim();

test('relativeImagePath: any folder and file names → a path with nothing raw that ends a link, decoding to the real path', () => {
  fc.assert(
    fc.property(anyPaths, ({ dir, file }) => {
      const p = relativeImagePath(dir, file);
      assert.doesNotMatch(p, /[\s()<>[\]#?"'`{}\\|^\p{Cc}\p{Cf}]/u, p);
      assert.doesNotMatch(p, /%(?![0-9A-F]{2})/i, 'every % starts an escape');
      assert.doesNotMatch(p, LONE_SURROGATE);
      // `./` only before a first name holding `:` (which would read as a URL scheme).
      if (!/^\.\/[^/]*:/.test(p)) assert.doesNotMatch(p, /^\.\//);
      assert.doesNotMatch(p, /^[^/]*:/, 'no leading name:… a URL parser takes for a scheme');
      assert.equal(decodeURIComponent(p), wellFormed(rawRelativePath(dir, file)));
    }),
    { numRuns: 1000 },
  );
});

test('altText: any prompt and limit → one non-empty line within the limit, cut with … only when needed', () => {
  fc.assert(
    fc.property(nastyString(300), fc.integer({ min: 2, max: 200 }), (prompt, max) => {
      const alt = altText(prompt, max);
      assert.ok(alt.length >= 1, 'never empty');
      assert.doesNotMatch(alt, /[\n\r\u2028\u2029\p{Cc}]/u);
      assert.doesNotMatch(alt, LONE_SURROGATE);
      const line = oneLine(wellFormed(prompt));
      if (line === '') {
        assert.equal(alt, 'image'); // whatever the limit: callers use 40 and 100
        return;
      }
      assert.ok(alt.length <= max, `${alt.length} > ${max}`);
      if (line.length <= max) assert.equal(alt, line);
      else {
        assert.match(alt, /…$/);
        assert.ok(line.startsWith(alt.slice(0, -1).replace(/[\s,.;:!?-]+$/, '')));
      }
    }),
    { numRuns: 1000 },
  );
});

const LANGS: LinkLanguage[] = ['markdown', 'mdx', 'html', 'jsx', 'asciidoc', 'restructuredtext', 'latex'];
const anyLinkVars = fc.record({
  paths: anyPaths,
  alt: nastyString(120),
  prompt: nastyString(120),
  model: fc.oneof(fc.constantFrom(...CATALOG.map((m) => m.id)), nastyString(20)),
  width: fc.integer({ min: 1, max: 100000 }),
  height: fc.integer({ min: 1, max: 100000 }),
  seed: fc.option(fc.integer({ min: 1, max: 4294967295 }), { nil: undefined }),
});
const toVars = (v: typeof anyLinkVars extends fc.Arbitrary<infer T> ? T : never) => ({
  path: relativeImagePath(v.paths.dir, v.paths.file),
  alt: v.alt,
  prompt: v.prompt,
  model: v.model,
  width: v.width,
  height: v.height,
  ...(v.seed === undefined ? {} : { seed: v.seed }),
});

test('buildLink: Markdown and MDX links of any alt and path are one balanced ![alt](path)', () => {
  fc.assert(
    fc.property(anyLinkVars, fc.constantFrom('markdown', 'mdx'), (v, lang) => {
      const vars = toVars(v);
      const link = buildLink(lang, vars);
      assert.doesNotMatch(link, /\n/);
      assert.ok(link.endsWith(`](${vars.path})`), link);
      const alt = link.slice(2, link.length - vars.path.length - 3);
      assert.equal(unMarkdown(alt), oneLine(wellFormed(vars.alt)) || 'image');
      if (lang === 'mdx') assert.doesNotMatch(rawOutsideEscapes(alt), /[{}<]/, 'MDX: no expression or JSX');
      // One image to markdown-it, its src the path, its alt the text (emphasis aside).
      const image = markdownItImage(link);
      assert.ok(image, link);
      assert.equal(decodeURIComponent(image.src), decodeURIComponent(vars.path)); // markdown-it re-encodes non-ASCII
      assert.equal(noEmphasis(image.alt), noEmphasis(oneLine(wellFormed(vars.alt)) || 'image'), link);
    }),
    { numRuns: RUNS },
  );
});

test('buildLink: HTML and JSX attributes of any alt and path hold no raw quote, angle bracket, brace or newline', () => {
  fc.assert(
    fc.property(anyLinkVars, fc.constantFrom('html', 'vue', 'svelte', 'jsx', 'typescriptreact'), (v, lang) => {
      const vars = toVars(v);
      const link = buildLink(lang, vars);
      const m = /^<img src="([^"]*)" alt="([^"]*)" width(?:="(\d+)"|=\{(\d+)\}) height(?:="(\d+)"|=\{(\d+)\})(?: \/)?>$/.exec(link);
      assert.ok(m, link);
      for (const value of [m[1]!, m[2]!]) {
        assert.doesNotMatch(value, /["'<>{}\n\r]/, value);
        assert.doesNotMatch(value, /&(?!(?:amp|lt|gt|quot|#39|#123|#125);)/, `a raw & in ${value}`);
      }
      assert.equal(decodeURIComponent(unHtml(m[1]!)), decodeURIComponent(vars.path));
      assert.equal(unHtml(m[2]!), oneLine(wellFormed(vars.alt)) || 'image');
    }),
    { numRuns: RUNS },
  );
});

test('buildLink: AsciiDoc, reST and LaTeX links of any alt and path stay in their syntax (or LaTeX refuses the path)', () => {
  fc.assert(
    fc.property(anyLinkVars, (v) => {
      const vars = toVars(v);
      const adoc = buildLink('asciidoc', vars);
      // Asciidoctor's block macro line (Ruby's \S and ., lines split at \n only), then its rule for a
      // quoted value: the first " not after a backslash ends it.
      assert.doesNotMatch(adoc, /\n/);
      const a = /^image::([^ \t\r\n\f\v]|[^ \t\r\n\f\v][^\n]*?[^ \t\r\n\f\v])\[([^\n]+)?\]$/.exec(adoc);
      assert.ok(a, adoc);
      assert.doesNotMatch(a[1]!, /[[\n]/, 'the target holds nothing that ends the macro');
      // Every attribute reference asciidoctor would substitute is escaped, or one of ours ({startsb}, {empty}).
      for (const r of a[1]!.matchAll(/(\\)?\{([\p{Alpha}\p{M}\p{Nd}\p{Pc}][\p{Alpha}\p{M}\p{Nd}\p{Pc}-]*|(?:set|counter2?):[^\n]+?)(\\)?\}/gu)) {
        assert.ok(r[1] || r[3] || ['startsb', 'empty', 'backslash'].includes(r[2]!), `a live reference ${r[0]} in ${a[1]}`);
      }
      assert.doesNotMatch(a[1]!, /["<>]/, 'no raw quote or angle bracket: asciidoctor writes src unescaped');
      const close = /(?<!\\)"/g;
      assert.equal(close.exec(a[2]!)?.index, 0, 'the value opens with a quote');
      const end = close.exec(a[2]!)?.index ?? -1;
      assert.equal(a[2]!.slice(end), `",${vars.width},${vars.height}`, adoc);
      const rst = buildLink('restructuredtext', vars).split('\n');
      assert.equal(rst.length, 3);
      // docutils splits lines as Python's str.splitlines() does, at more than \n.
      for (const line of rst) assert.doesNotMatch(line, /[\r\v\f\x1c-\x1e\x85\u2028\u2029]/, JSON.stringify(line));
      assert.match(rst[0]!, /^\.\. image:: (?:\\[\s\\]|[^\s\\])+$/);
      assert.match(rst[1]!, /^ {3}:alt: \S(?:.*\S)?$/);
      assert.match(rst[2]!, /^ {3}:width: \d+px$/);
      let tex: string;
      try {
        tex = buildLink('latex', vars);
      } catch (e) {
        assert.ok(e instanceof LinkError);
        assert.match(e.message, /^LaTeX cannot include an image whose path contains .+; rename the file or folder\.$/s);
        return;
      }
      const t = /^\\includegraphics\[width=\\linewidth\]\{([^]*)\}$/.exec(tex);
      assert.ok(t, tex);
      assert.doesNotMatch(t[1]!, /[%#{}\\~^$&\p{Cc}]/u, t[1]);
    }),
    { numRuns: RUNS },
  );
});

test('buildLink: every text variable is escaped for its language and reads back exactly', () => {
  fc.assert(
    fc.property(anyLinkVars, fc.constantFrom(...LANGS), fc.constantFrom('alt', 'prompt', 'model'), (v, lang, name) => {
      const vars = toVars({ ...v, paths: { dir: '/w', file: '/w/a.png' } });
      const out = buildLink(lang, vars, `\${${name}}`);
      const source = oneLine(wellFormed(vars[name]));
      const expected = name === 'alt' && source === '' ? 'image' : source;
      assert.doesNotMatch(out, /[\n\r\u2028\u2029]/, 'one line');
      switch (lang) {
        case 'markdown':
        case 'mdx':
          assert.doesNotMatch(out.replace(/\\[!-/:-@[-`{-~]/g, ''), /\\/, 'every backslash is an escape');
          if (lang === 'mdx') assert.doesNotMatch(rawOutsideEscapes(out), /[{}<]/);
          assert.equal(unMarkdown(out), expected);
          break;
        case 'html':
        case 'jsx':
          assert.doesNotMatch(out, /["'<>{}]|&(?!(?:amp|lt|gt|quot|#39|#123|#125);)/);
          assert.equal(unHtml(out), expected);
          break;
        case 'asciidoc':
          assert.doesNotMatch(out, /(?<!\\)"/, 'every quote is escaped');
          assert.doesNotMatch(out, /\\\]/, 'no backslash before ] (image:: would keep it)');
          assert.doesNotMatch(out, /\\$/, 'no trailing backslash to escape the closing quote');
          break;
        case 'restructuredtext':
          assert.equal(out, expected);
          break;
        case 'latex':
          assert.doesNotMatch(out.replace(/\\textbackslash\{\}|\\\^\{\}|\\~\{\}|\\[{}$&#%_]/g, ''), /[\\{}$&#%_^~]/);
          assert.equal(unLatex(out), expected);
          break;
      }
    }),
    { numRuns: 1000 },
  );
});

test('buildLink: any user template → its literal text kept and each variable filled once, or refused with a sentence', () => {
  const piece = fc.oneof(
    fc.constantFrom(...LINK_VARIABLES.map((v) => `\${${v}}`)),
    fc.constantFrom('${url}', '${Path}', '${}', '${ alt }', '${title}', '$alt', '${alt', '}', '{', '![', '](', ')', '"', '<img src="', '">', '\\'),
    nastyString(8).map((s) => s.replace(/\$\{/g, '$')),
  );
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 8 }), anyLinkVars, fc.constantFrom(...LANGS, 'plaintext', 'vue'), (pieces, v, lang) => {
      const template = pieces.join('');
      const vars = toVars({ ...v, paths: { dir: '/w', file: '/w/img/a b.png' } });
      const problem = checkLinkTemplate(template);
      if (problem !== undefined) {
        assert.match(
          problem,
          /^The link template uses (an unknown variable|unknown variables): .*\. Use only \$\{path\}, \$\{alt\}, \$\{width\}, \$\{height\}, \$\{prompt\}, \$\{seed\}, \$\{model\}\.$/s,
        );
        for (const u of template.match(/\$\{[^}]*\}/g) ?? []) if (!LINK_VARIABLES.includes(u.slice(2, -1) as never)) assert.ok(problem.includes(u));
        assert.throws(
          () => buildLink(lang, vars, template),
          (e: unknown) => e instanceof LinkError && e.message === problem,
        );
        return;
      }
      const out = buildLink(lang, vars, template);
      // Rebuild the expected text piece by piece: literal text unchanged, each variable as it renders alone.
      // (Inside "…", as a Markdown title, a variable's quotes are escaped too.)
      const expected = template.replace(/\$\{([^}]*)\}/g, (_, name: string, offset: number) =>
        (template.slice(0, offset).match(/(?<!\\)"/g)?.length ?? 0) % 2 === 1
          ? buildLink(lang, vars, `"\${${name}}"`).slice(1, -1)
          : buildLink(lang, vars, `\${${name}}`),
      );
      assert.equal(out, expected);
    }),
    { numRuns: RUNS },
  );
});
