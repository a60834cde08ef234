// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/** Layering: the core is pure; shells depend on the core, never the reverse. */
const shellFolders = ['feeds', 'store', 'discord', 'app', 'config'];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'bench/results.json'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: shellFolders.map((f) => `../${f}/*`).concat(shellFolders.map((f) => `../../${f}/*`)), message: 'src/core is pure: it must not import a shell (feeds, store, discord, app, config).' },
          { group: ['node:fs', 'node:fs/*', 'node:http', 'node:https', 'node:net', 'better-sqlite3', 'discord.js', 'undici'], message: 'src/core does no I/O: pass values in.' },
        ],
      }],
    },
  },
  {
    files: ['src/store/**/*.ts', 'src/feeds/**/*.ts', 'src/config/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['../discord/*', '../app/*'], message: 'Only src/app (the composition root) may bring Discord and the shells together.' }],
      }],
    },
  },
  {
    files: ['tests/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
    },
  },
  { files: ['**/*.js'], ...tseslint.configs.disableTypeChecked },
);
