// Mutation testing (npm run test:mutation): StrykerJS plants small bugs in the code the unit layer
// reaches and checks that some unit test fails for each. Not part of `npm test`: it is slow.
// See CONTRIBUTING.md ("Mutation testing") for the scope, the time it takes and the survivors.
//
// Scope: src/core (the engine, no vscode import) and the host modules the unit layer can load without
// VS Code: the gallery's index file and its lock. The host's save, links and destination import
// `vscode`, so only the integration layer (inside VS Code) reaches them; Stryker's runners cannot.
// The whole scope, and groups of it for a run that fits a sitting: STRYKER_GROUP=<name> npm run
// test:mutation (each group writes its own report under test-results/mutation/<name>/).
const GROUPS = {
  names: ['src/core/naming.ts', 'src/core/redact.ts', 'src/core/sizes.ts', 'src/core/webAddress.ts'],
  links: ['src/core/links.ts', 'src/core/linkSyntax.ts', 'src/core/placement.ts'],
  limits: ['src/core/download.ts', 'src/core/http.ts', 'src/core/address.ts'],
  gallery: ['src/core/gallery.ts', 'src/host/gallery/indexFile.ts', 'src/host/gallery/lock.ts'],
  small: ['src/core/errors.ts', 'src/core/settingValues.ts', 'src/core/fileSource.ts', 'src/core/l10n.ts', 'src/core/log.ts', 'src/core/itemActions.ts'],
  providers: ['src/core/engine.ts', 'src/core/providers/*.ts', 'src/core/request.ts'],
  data: ['src/core/catalog.ts', 'src/core/catalogTypes.ts', 'src/core/image.ts', 'src/core/metadata.ts'],
  edits: [
    'src/core/reference.ts',
    'src/core/relink.ts',
    'src/core/recordRead.ts',
    'src/core/agentInput.ts',
    'src/core/placeholders.ts',
    'src/core/placeholderSyntax.ts',
  ],
};
// The unit test files that exercise each group directly. A group's run uses only these: the broad,
// slow files (engine 40 s, gallery-file 40 s on 2 cores) would run for nearly every mutant, and
// a mutant one of them would kill and these do not counts as a survivor (the score is a floor).
const GROUP_TESTS = {
  names: ['naming', 'redact', 'sizes', 'properties', 'provider-text', 'request', 'catalog', 'preflight', 'generator-form', 'settings'],
  links: ['links', 'placement', 'preflight', 'properties'],
  // engine.test.ts (31 s, most of it real waits for time-outs and polls) is left to the providers
  // group: here it would run in full for every survivor it reaches.
  limits: ['address', 'download', 'http-limits', 'address-guard', 'http', 'hostile', 'deadline', 'job-id', 'provider-text'],
  gallery: ['gallery-index-file', 'gallery-lock', 'gallery-logic', 'gallery', 'gallery-file', 'edit', 'metadata', 'crafted'],
  small: [
    'errors',
    'setting-values',
    'file-source',
    'l10n-format',
    'settings',
    'crafted',
    'address-guard',
    'http',
    'hostile',
    'job-id',
    'provider-text',
    'edit',
    'deadline',
    'redact',
  ],
  // The tap runner runs a mutant's files in this order and stops at the first failure: the quick
  // files first, apiframe-client (5 s), deadline (8 s) and engine.test.ts (31 s) last, so it runs in full only for what the others miss.
  providers: [
    'request-sizes-params',
    'request-messages',
    'provider-common',
    'engine-aiml',
    'request',
    'agent-input',
    'generator-form',
    'edit',
    'job-id',
    'properties',
    'hostile',
    'provider-text',
    'apiframe-client',
    'deadline',
    'engine',
  ],
  data: [
    'catalog-rules',
    'image-parse',
    'metadata-edges',
    'catalog',
    'request',
    'sizes',
    'manifest',
    'generator-form',
    'agent-input',
    'properties',
    'image',
    'metadata',
    'crafted',
    'http',
    'gallery',
    'edit',
  ],
  edits: [
    'record-read',
    'agent-input-suggest',
    'placeholder-bounds',
    'agent-input-edges',
    'placeholder-edges',
    'reference',
    'relink',
    'edit',
    'agent-input',
    'placeholders',
    'crafted',
    'metadata',
    'mcp',
    'gallery',
    'generator-form',
  ],
};
const group = process.env.STRYKER_GROUP;
if (group && !GROUPS[group]) throw new Error(`STRYKER_GROUP=${group}: use one of ${Object.keys(GROUPS).join(', ')}`);
const out = `test-results/mutation${group ? `/${group}` : ''}`;

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'tap',
  tap: {
    // node:test prints TAP when its output is not a terminal; tsx compiles the TypeScript.
    // canary.test.ts tests the test wrapper, not the product, and needs the wrapper around it;
    // l10n.test.ts reads the sources' text, which Stryker's instrumented copies change.
    testFiles: GROUP_TESTS[group] ? GROUP_TESTS[group].map((f) => `test/unit/${f}.test.ts`) : ['test/unit/!(canary|l10n).test.ts'],
    nodeArgs: ['--import', 'tsx', '-r', '{{hookFile}}', '{{testFile}}'],
    forceBail: true,
  },
  mutate: group ? GROUPS[group] : Object.values(GROUPS).flat(),
  // Each test file is one "test" for the tap runner: a mutant runs only the files that reached it.
  coverageAnalysis: 'perTest',
  // A mutant in module-level code (the catalog's tables, constants) would need every test file
  // rerun for each; the unit tests pin those tables (catalog, request, manifest tests) instead.
  ignoreStatic: true,
  // Two shared cores: one test process at a time (raise with --concurrency on a bigger machine).
  concurrency: 1,
  timeoutMS: 10000,
  timeoutFactor: 2,
  // A run starts from the last one's results (test-results/mutation/<group>/incremental.json): only
  // mutants whose code or covering tests changed, and survivors that a new test file reaches, are
  // run again. `--force` runs everything.
  incremental: true,
  incrementalFile: `${out}/incremental.json`,
  reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  htmlReporter: { fileName: `${out}/index.html` },
  jsonReporter: { fileName: `${out}/mutation.json` },
  tempDirName: '.stryker-tmp',
  ignorePatterns: ['dist', 'out', '.vscode-test', 'test-results', 'bench/results', '.cache', '*.vsix', 'media/screenshots', 'demo'],
  cleanTempDir: 'always',
};
