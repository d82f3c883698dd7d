// Type-aware lint for the whole tree; zero warnings is enforced by `npm run lint`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import boundaries from 'eslint-plugin-boundaries';
import globals from 'globals';

/**
 * The server's layers (apps/server/src), top to bottom, and what each folder may import of ours.
 * Every folder is an element entered only through its index.ts; a folder imports only the folders
 * listed for it, all of them further down this list (checked below when the config loads), so no
 * import runs back up and no two folders import each other. Anything else fails `npm run lint`; a
 * test may import any folder (through its index.ts) besides its own files.
 */
const SERVER = 'apps/server/src';
const SERVER_LAYERS = [
  // composition: the process, createParlo, the Fastify app that registers every route
  { element: 'main', layer: 'composition', mayImport: ['index'] },
  { element: 'testing', layer: 'composition', mayImport: ['index', 'seed', 'platform'] },
  {
    element: 'index',
    layer: 'composition',
    mayImport: ['http', 'realtime', 'seed', 'services/*', 'platform', 'store', 'bus'],
  },
  {
    element: 'http',
    layer: 'composition',
    mayImport: ['routes', 'realtime', 'openapi', 'services/*', 'platform'],
  },
  { element: 'seed', layer: 'composition', mayImport: ['services/auth', 'platform', 'store'] },
  // transport: REST routes, the webhook, the agents' sockets; they call services, never the store
  { element: 'routes', layer: 'transport', mayImport: ['openapi', 'services/*', 'platform'] },
  { element: 'realtime', layer: 'transport', mayImport: ['services/*', 'platform'] },
  // The docs page escapes with the platform's HTML helpers.
  { element: 'openapi', layer: 'transport', mayImport: ['platform'] },
  // services: one per use-case family; a family uses only the families listed after it
  {
    element: 'services/admin',
    layer: 'services',
    // Issue 18: a queue's business hours and the automatic messages are kept on the admin pages.
    mayImport: ['services/auth', 'services/routing', 'services/automation'],
  },
  { element: 'services/sso', layer: 'services', mayImport: ['services/auth', 'services/routing'] },
  {
    element: 'services/supervision',
    layer: 'services',
    // Issue 16: whispers and barge-in messages are conversation messages (notes, outbox rows).
    mayImport: ['services/routing', 'services/conversations'],
  },
  { element: 'services/collaboration', layer: 'services', mayImport: ['services/routing'] },
  {
    element: 'services/channel',
    layer: 'services',
    mayImport: ['services/conversations', 'services/metrics', 'services/routing', 'services/csat'],
  },
  { element: 'services/privacy', layer: 'services', mayImport: ['services/media'] },
  { element: 'services/media', layer: 'services', mayImport: ['services/conversations'] },
  // Issue 18: a canned response is filled from the CAD variables history derives.
  { element: 'services/canned', layer: 'services', mayImport: ['services/history'] },
  { element: 'services/search', layer: 'services', mayImport: ['services/history'] },
  // Issue 18: labels check who reads a conversation as history does, and bucket days as reports do.
  {
    element: 'services/labels',
    layer: 'services',
    mayImport: ['services/history', 'services/reports'],
  },
  { element: 'services/history', layer: 'services', mayImport: ['services/conversations'] },
  // Issue 16: the wallboard counts with the reports' definitions.
  { element: 'services/wallboard', layer: 'services', mayImport: ['services/reports'] },
  { element: 'services/reports', layer: 'services', mayImport: [] },
  // Issue 18: a wrap-up that closes a conversation may send the customer a CSAT survey (ADR 28).
  { element: 'services/routing', layer: 'services', mayImport: ['services/csat', 'services/automation'] },
  { element: 'services/csat', layer: 'services', mayImport: ['services/conversations'] },
  // Issue 18 (ADR 27): business hours and the automatic messages the routing shell sends.
  {
    element: 'services/automation',
    layer: 'services',
    mayImport: ['services/templates', 'services/conversations'],
  },
  { element: 'services/templates', layer: 'services', mayImport: ['services/conversations'] },
  { element: 'services/conversations', layer: 'services', mayImport: [] },
  { element: 'services/auth', layer: 'services', mayImport: [] },
  { element: 'services/metrics', layer: 'services', mayImport: [] },
  { element: 'services/cluster', layer: 'services', mayImport: [] },
  // below the services: presentation (masking, who sees what), the platform, the repositories
  { element: 'views', layer: 'views', mayImport: ['platform'] },
  { element: 'platform', layer: 'platform', mayImport: ['bus'] },
  { element: 'store', layer: 'store', mayImport: [] },
  { element: 'bus', layer: 'store', mayImport: [] },
];
/** Services, views, platform and store may always use what lies below them. */
const BELOW = {
  services: ['views', 'platform', 'store', 'bus'],
  views: ['store'],
  platform: ['store'],
};
// The list is an order: a folder that names one above it (or itself) would open a cycle.
for (const [i, { element, mayImport }] of SERVER_LAYERS.entries()) {
  const below = SERVER_LAYERS.slice(i + 1).map((l) => l.element);
  for (const name of [...mayImport, ...(BELOW[SERVER_LAYERS[i].layer] ?? [])]) {
    const prefix = name.endsWith('/*') ? name.slice(0, -1) : undefined;
    if (!below.some((e) => e === name || (prefix !== undefined && e.startsWith(prefix))))
      throw new Error(`eslint.config.js: ${element} may import only folders listed below it, not ${name}`);
  }
}

const serverBoundaries = {
  files: [`${SERVER}/**/*.ts`],
  plugins: { boundaries },
  settings: {
    'boundaries/elements': [
      { type: 'composition', pattern: `${SERVER}/(index|main).ts`, capture: ['name'], mode: 'file' },
      { type: 'services', pattern: `${SERVER}/(services/*)`, capture: ['name'], mode: 'folder' },
      { type: 'folder', pattern: `${SERVER}/*`, capture: ['name'], mode: 'folder' },
    ],
    'boundaries/files': [{ category: 'test', pattern: '**/*.test.ts' }],
    'boundaries/legacy-warnings': false,
  },
  rules: {
    'boundaries/dependencies': [
      'error',
      {
        default: 'disallow',
        message: 'a server folder may import only the folders below it that eslint.config.js lists',
        policies: [
          ...SERVER_LAYERS.map(({ element, layer, mayImport }) => ({
            from: { element: { captured: { name: element } } },
            allow: { to: { element: { captured: { name: [...mayImport, ...(BELOW[layer] ?? [])] } } } },
          })),
          // Tests sit outside the layers: they start servers, seed data and look anywhere.
          {
            from: { file: { categories: 'test' } },
            allow: { to: { element: { captured: { name: '**' } } } },
          },
          // Whatever the direction, another folder is entered through its index.ts only.
          {
            disallow: { to: { element: { fileInternalPath: '!index.ts' } } },
            message: 'enter another server folder through its index.ts',
          },
          // Inside one folder, anything goes.
          { allow: { dependency: { relationship: { to: 'internal' } } } },
        ],
      },
    ],
    'boundaries/no-unknown-dependencies': 'error',
    'boundaries/no-unknown-files': 'error',
  },
};

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      'data/**',
      'bench/results/**',
      'e2e/artifacts/**',
      '**/*.d.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  serverBoundaries,
  {
    files: ['apps/desktop/**/*.tsx', 'apps/desktop/**/*.ts'],
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules },
  },
  {
    files: [
      'scripts/**',
      'bench/**',
      'packages/masking/src/cli.ts',
      'apps/*/src/main.ts',
      '**/*.mjs',
      '**/*.cjs',
      'eslint.config.js',
    ],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['**/*.mjs', '**/*.cjs', 'eslint.config.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { globals: globals.node, parserOptions: { projectService: false, project: null } },
  },
);
