import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [
  'assert', 'buffer', 'child_process', 'cluster', 'crypto', 'dgram', 'dns', 'events', 'fs', 'http', 'http2', 'https',
  'net', 'os', 'path', 'perf_hooks', 'process', 'readline', 'stream', 'timers', 'tls', 'url', 'util', 'v8', 'vm',
  'worker_threads', 'zlib',
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
    // Workflow code is replayed: deterministic only. No I/O, no Node built-ins, no randomness, no wall clock
    // outside Temporal's deterministic Date, and no forgotten promises.
    files: ['workflows/**/*.ts', 'lib/domain/flow/conditions.ts', 'lib/domain/flow/plan.ts', 'lib/domain/flow/time.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.flatMap((name) => [
            { name, message: 'Workflow code cannot use Node built-ins; do I/O in an activity.' },
            { name: `node:${name}`, message: 'Workflow code cannot use Node built-ins; do I/O in an activity.' },
          ]),
          patterns: [{ group: ['../activities/*', '@/activities/*', '@temporalio/activity', '@temporalio/client', '@temporalio/worker', 'undici', '@prisma/*', '*/db', '*/generated/*'], message: 'Workflows import activities as types only, and no I/O libraries.', allowTypeImports: true }],
        },
      ],
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'Use uuid4() from @temporalio/workflow for ids; randomness breaks replay.' }],
      'no-restricted-globals': ['error', { name: 'setTimeout', message: 'Use sleep() from @temporalio/workflow.' }, { name: 'setInterval', message: 'Use sleep() in a loop.' }, { name: 'fetch', message: 'Do I/O in an activity.' }, { name: 'process', message: 'No process access in workflows.' }],
      'no-restricted-syntax': ['error', { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'new Date() reads the clock; pass times in, or use Date.now() (deterministic in Temporal) with a comment.' }],
    },
  },
);
