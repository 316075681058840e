// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'test-artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  ...tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
    },
  },
  {
    files: ['src/**'],
    rules: {
      // `import * as z from 'zod'`, the form zod documents: with it the CLI bundle leaves out the
      // parts of zod nothing uses (locales, JSON Schema), which the named `z` object would keep.
      'no-restricted-syntax': [
        'error',
        {
          selector: "ImportDeclaration[source.value='zod'] > ImportSpecifier[imported.name='z']",
          message: "Use `import * as z from 'zod'` (docs/decisions/0007-bundled-cli.md).",
        },
      ],
    },
  },
  {
    // The per-request path of the servers `idmock start` runs.
    files: [
      'src/core/{http,router,controls,journal,faults,errors,clock,bounded}.ts',
      'src/adapters/{node-server,http-client}/**',
      'src/providers/*/{wire,grants,errors,authorize}.ts',
      'src/providers/qq/handlers/{authorize,me,token,user-info}.ts',
      'src/providers/wechat/handlers/{sns,qrconnect,oauth2-authorize}.ts',
      'src/auth-server/connect/{engine,envelope,linking,requests,rest,routes}.ts',
      'src/auth-server/login/{envelope,handlers,requests,routes,tokens,union-codes}.ts',
    ],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "ImportDeclaration[source.value='zod'] > ImportSpecifier[imported.name='z']",
          message: "Use `import * as z from 'zod'` (docs/decisions/0007-bundled-cli.md).",
        },
        {
          // On Node 20 an object made by a leading spread that gains keys goes straight to the
          // old generation, so per-request copies made this way grow memory until a full GC.
          selector: 'ObjectExpression[properties.0.type="SpreadElement"][properties.length>1]',
          message:
            'Write `{ ...a, k }` out key by key or as `Object.assign({}, a, { k })` (docs/decisions/0009-no-leading-spread.md).',
        },
      ],
    },
  },
  {
    // Providers and the auth server speak plain values only; transports live in adapters.
    files: ['src/core/**', 'src/providers/**', 'src/auth-server/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['express', 'nock', 'node:http', 'node:https'],
          patterns: ['**/adapters/**', '**/cli/**'],
        },
      ],
    },
  },
  {
    files: ['src/providers/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['express', 'nock', 'node:http', 'node:https'],
          patterns: ['**/adapters/**', '**/cli/**', '**/auth-server/**'],
        },
      ],
    },
  },
  {
    files: ['test/**', 'scripts/**'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
    },
  },
  { files: ['eslint.config.js'], ...tseslint.configs.disableTypeChecked },
);
