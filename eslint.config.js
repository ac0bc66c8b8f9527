import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import boundaries from 'eslint-plugin-boundaries';

const nodeBuiltins = [
  'assert', 'buffer', 'child_process', 'cluster', 'crypto', 'dgram', 'dns', 'events', 'fs', 'http', 'http2', 'https',
  'net', 'os', 'path', 'perf_hooks', 'process', 'readline', 'stream', 'timers', 'tls', 'url', 'util', 'v8', 'vm',
  'worker_threads', 'zlib',
];


/**
 * The layers (docs/architecture.md): imports only point down. Entry points (app, scripts, bench, tests)
 * may use anything; below them, each layer names what it may import.
 */
const layers = [
  { type: 'domain', pattern: 'lib/domain/**' },
  { type: 'generated', pattern: 'lib/generated/**' },
  { type: 'server', pattern: 'lib/server/**' },
  { type: 'workflows', pattern: 'workflows/**' },
  { type: 'activities', pattern: 'activities/**' },
  { type: 'plugin', pattern: 'lib/plugin/**' },
  { type: 'components', pattern: 'components/**' },
  { type: 'app', pattern: 'app/**' },
  { type: 'entry', pattern: '{scripts,bench,test,examples}/**' },
].map((layer) => ({ ...layer, partialMatch: false }));

const may = (from, to, dependency) => ({ from: { element: { type: from } }, allow: { to: { element: { types: { anyOf: to } } }, ...(dependency ? { dependency } : {}) } });
const layerPolicies = [
  may('domain', ['domain']),
  may('server', ['server', 'domain', 'generated']),
  may('workflows', ['workflows', 'domain']),
  // Workflows name their activities' signatures only (proxyActivities<typeof activities>).
  may('workflows', ['activities'], { kind: 'type' }),
  may('activities', ['activities', 'server', 'domain']),
  may('plugin', ['plugin', 'activities', 'workflows', 'server', 'domain']),
  may('components', ['components', 'domain']),
  // The UI knows the API by its router's type only.
  may('components', ['server'], { kind: 'type' }),
  may('app', ['app', 'components', 'server', 'domain']),
  may('entry', ['entry', 'app', 'components', 'plugin', 'activities', 'workflows', 'server', 'domain', 'generated']),
];

export default tseslint.config(
  { ignores: ['node_modules', '.next', '.data', '.tools', 'lib/generated', 'test-results', 'next-env.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', fetch: 'readonly', Response: 'readonly', Request: 'readonly', AbortSignal: 'readonly', performance: 'readonly', NodeJS: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-control-regex': 'off',
    },
  },
  {
    files: ['**/*.{ts,tsx,js,mjs}'],
    plugins: { boundaries },
    settings: {
      'boundaries/elements': layers,
      'import/resolver': { typescript: { project: './tsconfig.json' } },
    },
    rules: {
      'boundaries/dependencies': ['error', { default: 'disallow', policies: layerPolicies }],
    },
  },
  {
    // The domain is pure: safe in the browser, the server and workflows. No Node built-ins, no I/O libraries.
    files: ['lib/domain/**/*.ts', 'workflows/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.flatMap((name) => [
            { name, message: 'The domain and workflows do no I/O: use lib/server or an activity.' },
            { name: `node:${name}`, message: 'The domain and workflows do no I/O: use lib/server or an activity.' },
          ]),
          patterns: [{ group: ['@temporalio/activity', '@temporalio/client', '@temporalio/worker', 'undici', '@prisma/*', 'pg', 'better-sqlite3'], message: 'No I/O libraries in the domain or workflows.', allowTypeImports: true }],
        },
      ],
    },
  },
  {
    // Workflow code is replayed: deterministic only. No randomness, no wall clock outside Temporal's
    // deterministic Date, no timers, and no forgotten promises. Also the domain modules workflows run.
    files: ['workflows/**/*.ts', 'lib/domain/flow/{conditions,plan,time,run,trace}.ts', 'lib/domain/webhook/{retry,idempotency}.ts', 'lib/domain/ratelimit/*.ts'],
    ignores: ['**/*.test.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'Use uuid4() from @temporalio/workflow for ids; randomness breaks replay.' }],
      'no-restricted-globals': ['error', { name: 'setTimeout', message: 'Use sleep() from @temporalio/workflow.' }, { name: 'setInterval', message: 'Use sleep() in a loop.' }, { name: 'fetch', message: 'Do I/O in an activity.' }, { name: 'process', message: 'No process access in workflows.' }],
      'no-restricted-syntax': ['error', { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'new Date() reads the clock; pass times in, or use Date.now() (deterministic in Temporal) with a comment.' }],
    },
  },
  {
    // Functions a reader can hold in their head (generated code is ignored above).
    files: ['**/*.{ts,tsx}'],
    ignores: ['**/*.test.ts', 'test/**'],
    rules: { 'max-lines-per-function': ['error', { max: 120, skipBlankLines: true, skipComments: true, IIFEs: true }] },
  },
);
