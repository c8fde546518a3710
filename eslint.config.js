// Lint rules: typescript-eslint's recommended set plus the project's own bans (STYLE.md): no console in
// the server (pino only), no `any`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'dist-*/', 'node_modules/', 'models/', '.umbral/', '.dependency-cruiser.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      'no-console': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Command-line programs talk to a terminal on purpose.
    files: ['scripts/**', 'bench/**', 'src/cli/**', 'bin/**'],
    rules: { 'no-console': 'off' },
  },
);
