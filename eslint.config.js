// ESLint: TypeScript rules, and the architecture's import boundaries (see relay/README.md and the README's Layout).
import boundaries from 'eslint-plugin-boundaries';
import tseslint from 'typescript-eslint';

/** Parts of the project, by folder. A relay flow is one folder; platform is what the flows share. */
export const ELEMENTS = [
  { type: 'model', pattern: 'model' },
  { type: 'generators', pattern: 'generators' },
  { type: 'sandbox', pattern: 'sandbox' },
  { type: 'cli', pattern: 'cli' },
  { type: 'platform', pattern: 'relay/src/platform' },
  { type: 'to-gentrack', pattern: 'relay/src/to-gentrack' },
  { type: 'to-salesforce', pattern: 'relay/src/to-salesforce' },
  { type: 'sync-jobs', pattern: 'relay/src/sync-jobs' },
  { type: 'initial-sync', pattern: 'relay/src/initial-sync' },
  { type: 'validate-org', pattern: 'relay/src/validate-org' },
  { type: 'org-setup', pattern: 'relay/src/org-setup' },
  // The web console: it gets the flows' work (dead-letter retries) from the composition root, as options.
  { type: 'portal', pattern: 'relay/src/portal' },
  { type: 'gentrack-gateway', pattern: 'relay/src/gentrack-gateway' },
  // Last: the files directly in relay/src (the composition root), once the flows' folders have matched theirs.
  { type: 'relay-root', pattern: 'relay/src' },
  { type: 'scripts', pattern: 'scripts' },
  { type: 'test', pattern: 'test' },
  { type: 'bin', pattern: 'bin' },
  { type: 'sf-plugin', pattern: 'sf-plugin' },
];

const FLOWS = [
  'to-gentrack',
  'to-salesforce',
  'sync-jobs',
  'initial-sync',
  'validate-org',
  'org-setup',
  'gentrack-gateway',
];
const DEVELOPMENT_ONLY = ['sandbox', 'generators'];
const disallow = (from, to, message) => ({
  from: { element: { types: { anyOf: from } } },
  disallow: { to: { element: { types: { anyOf: to } } } },
  message,
});
const without = (list, ...names) => list.filter((name) => !names.includes(name));

export const BOUNDARY_POLICIES = [
  disallow(
    ['model'],
    ['generators', 'sandbox', 'cli', 'platform', ...FLOWS, 'portal', 'relay-root'],
    'model/ is the shared domain: it imports nothing of the project',
  ),
  disallow(
    ['platform'],
    [...FLOWS, 'portal', 'relay-root'],
    'platform/ is shared by the flows and imports none of them',
  ),
  disallow(
    ['to-gentrack'],
    [...without(FLOWS, 'to-gentrack'), 'relay-root'],
    'the Salesforce -> Gentrack flow imports no other flow',
  ),
  disallow(
    ['to-salesforce'],
    [...without(FLOWS, 'to-salesforce'), 'relay-root'],
    'the Gentrack -> Salesforce flow imports no other flow',
  ),
  // An on-demand sync is a change sent through one of the two directional flows: it uses their outbox and writer.
  disallow(
    ['sync-jobs'],
    ['initial-sync', 'validate-org', 'org-setup', 'gentrack-gateway', 'relay-root'],
    'sync-jobs may use the directional flows only',
  ),
  // The initial synchronisation's preflight is validate-org's check.
  disallow(
    ['initial-sync'],
    ['to-gentrack', 'to-salesforce', 'sync-jobs', 'org-setup', 'gentrack-gateway', 'relay-root'],
    'initial-sync may use validate-org only',
  ),
  disallow(['validate-org'], [...without(FLOWS, 'validate-org'), 'relay-root'], 'validate-org imports no flow'),
  disallow(['org-setup'], [...without(FLOWS, 'org-setup'), 'relay-root'], 'org-setup imports no flow'),
  disallow(
    ['gentrack-gateway'],
    [...without(FLOWS, 'gentrack-gateway'), 'relay-root'],
    'the Gentrack API gateway imports no flow',
  ),
  disallow(
    ['portal'],
    [...FLOWS, 'relay-root'],
    'the portal imports no flow: the composition root hands it what it needs',
  ),
  disallow(
    ['model', 'cli', 'platform', ...FLOWS, 'portal', 'relay-root'],
    DEVELOPMENT_ONLY,
    'what ships never imports sandbox/ or generators/',
  ),
  // The sf plugin runs in an admin's sf CLI: generate and verify need the generators, nothing needs the sandbox.
  disallow(['sf-plugin'], ['sandbox'], 'the sf plugin never imports the sandbox'),
];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'force-app/', 'var/', 'coverage/', 'test/fixtures/', '**/*.generated.ts'] },
  {
    files: ['**/*.ts'],
    extends: [...tseslint.configs.recommended],
    plugins: { boundaries },
    settings: {
      'boundaries/elements': ELEMENTS,
      'import/resolver': { typescript: { alwaysTryTypes: true } },
    },
    rules: {
      'boundaries/dependencies': ['error', { default: 'allow', policies: BOUNDARY_POLICIES }],
      // `const { secret: _secret, ...rest } = x` leaves a field out on purpose.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { varsIgnorePattern: '^_', argsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    // Tests drive the real parts against the sandbox and read loosely typed API answers; the boundaries and the
    // types are for the code that runs.
    files: ['**/*.test.ts', '**/*-test-fixture.ts', '**/*test-harness.ts', '**/*test-client.ts'],
    rules: { 'boundaries/dependencies': 'off', '@typescript-eslint/no-explicit-any': 'off' },
  },
);
