import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, parseListen } from '../../src/config/load-config.ts';
import { isWritError } from '../../src/errors/writ-error.ts';

const cwd = mkdtempSync(join(tmpdir(), 'writ-config-'));

function configError(env: NodeJS.ProcessEnv, dir = cwd): string {
  try {
    loadConfig({ env, cwd: dir });
  } catch (err) {
    assert.ok(isWritError(err, 'CONFIG_INVALID'), `expected CONFIG_INVALID, got ${String(err)}`);
    assert.ok(!err.message.includes('\n'), 'errors are one line');
    return err.message;
  }
  assert.fail('expected a config error');
}

test('defaults: dev mode, ./.writ, embedded store, 127.0.0.1:8787, generated master key', () => {
  const c = loadConfig({ env: {}, cwd });
  assert.equal(c.mode, 'dev');
  assert.equal(c.home, join(cwd, '.writ'));
  assert.equal(c.databaseUrl, undefined);
  assert.deepEqual(c.listen, { host: '127.0.0.1', port: 8787 });
  assert.equal(c.addr, 'http://127.0.0.1:8787');
  assert.deepEqual(c.masterKey, { kind: 'file', path: join(cwd, '.writ', 'master.key'), generateIfMissing: true });
});

test('bad values give one-line errors that name the key', () => {
  assert.match(configError({ WRIT_LISTEN: 'nope' }), /^WRIT_LISTEN: expected HOST:PORT/);
  assert.match(configError({ WRIT_LISTEN: '127.0.0.1:70000' }), /^WRIT_LISTEN:/);
  assert.match(configError({ WRIT_MODE: 'prod' }), /^WRIT_MODE: expected "dev" or "production", got "prod"/);
  assert.match(configError({ WRIT_DATABASE_URL: 'mysql://x' }), /^WRIT_DATABASE_URL: expected a postgres:\/\//);
  assert.match(configError({ WRIT_ADDR: 'ftp://x' }), /^WRIT_ADDR:/);
  assert.match(configError({ WRIT_LOG_LEVEL: 'loud' }), /^WRIT_LOG_LEVEL:/);
  assert.match(configError({ WRIT_KEY_ROTATION_DAYS: '0' }), /^WRIT_KEY_ROTATION_DAYS:/);
  assert.match(configError({ WRIT_MASTER_KEY: 'a', WRIT_MASTER_KEY_FILE: '/x' }), /^WRIT_MASTER_KEY:/);
  assert.match(configError({ WRIT_CONFIG: '/does/not/exist.yaml' }), /^WRIT_CONFIG:/);
});

test('a database URL password is never echoed in an error', () => {
  const msg = configError({ WRIT_DATABASE_URL: 'mysql://u:hunter2@h/db' });
  assert.ok(!msg.includes('hunter2'));
});

test('production mode refuses dev shortcuts and names each one', () => {
  const msg = configError({ WRIT_MODE: 'production' });
  assert.match(msg, /WRIT_DATABASE_URL is unset/);
  assert.match(msg, /generated master key is a dev shortcut/);
  const ok = loadConfig({ env: { WRIT_MODE: 'production', WRIT_DATABASE_URL: 'postgres://h/db', WRIT_MASTER_KEY: 'x' }, cwd });
  assert.equal(ok.mode, 'production');
});

test('writ.yaml is read, the environment wins, unknown and secret keys are refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'writ-yaml-'));
  writeFileSync(join(dir, 'writ.yaml'), 'listen: "0.0.0.0:9000"\nlog_level: debug\n');
  const c = loadConfig({ env: { WRIT_LOG_LEVEL: 'warn' }, cwd: dir });
  assert.deepEqual(c.listen, { host: '0.0.0.0', port: 9000 });
  assert.equal(c.logLevel, 'warn');
  assert.equal(c.configFile, join(dir, 'writ.yaml'));

  writeFileSync(join(dir, 'writ.yaml'), 'lisen: "0.0.0.0:9000"\n');
  assert.match(configError({}, dir), /unknown key "lisen"/);
  writeFileSync(join(dir, 'writ.yaml'), 'master_key: abc\n');
  assert.match(configError({}, dir), /master_key is not allowed/);
  writeFileSync(join(dir, 'writ.yaml'), 'listen: a\nlisten: b\n');
  assert.match(configError({}, dir), /invalid YAML/);
  writeFileSync(join(dir, 'writ.yaml'), 'listen: "x"\n');
  assert.match(configError({}, dir), /^WRIT_LISTEN: expected HOST:PORT/);
});

test('--listen overrides WRIT_LISTEN and names itself in errors', () => {
  assert.deepEqual(loadConfig({ env: { WRIT_LISTEN: '127.0.0.1:1' }, cwd, overrides: { listen: '[::1]:8080' } }).listen, { host: '::1', port: 8080 });
  assert.throws(() => loadConfig({ env: {}, cwd, overrides: { listen: 'x' } }), /^WritError: --listen:|--listen: expected/);
  assert.deepEqual(parseListen('K', 'localhost:0'), { host: 'localhost', port: 0 });
});

test('OIDC: none by default; one issuer from WRIT_OIDC_ISSUER + WRIT_OIDC_AUDIENCE', () => {
  assert.deepEqual(loadConfig({ env: {}, cwd }).oidc, { issuers: [] });
  const c = loadConfig({ env: { WRIT_OIDC_ISSUER: 'https://idp.example.com', WRIT_OIDC_AUDIENCE: 'writ, writ-cli', WRIT_OIDC_GROUPS_CLAIM: 'roles' }, cwd });
  assert.deepEqual(c.oidc.issuers, [{ issuer: 'https://idp.example.com', audience: ['writ', 'writ-cli'], groupsClaim: 'roles' }]);
  assert.deepEqual(loadConfig({ env: { WRIT_OIDC_ISSUER: 'http://127.0.0.1:9000', WRIT_OIDC_AUDIENCE: 'writ' }, cwd }).oidc.issuers[0]?.issuer, 'http://127.0.0.1:9000');
});

test('OIDC: bad settings give one-line errors that name the key', () => {
  assert.match(configError({ WRIT_OIDC_ISSUER: 'http://idp.example.com', WRIT_OIDC_AUDIENCE: 'writ' }), /^WRIT_OIDC_ISSUER: expected an https:\/\/ URL/);
  assert.match(configError({ WRIT_OIDC_ISSUER: 'https://idp.example.com?x=1', WRIT_OIDC_AUDIENCE: 'writ' }), /^WRIT_OIDC_ISSUER:/);
  assert.match(configError({ WRIT_OIDC_ISSUER: 'https://idp.example.com' }), /^WRIT_OIDC_AUDIENCE: expected/);
  assert.match(configError({ WRIT_OIDC_ISSUER: 'https://idp.example.com', WRIT_OIDC_AUDIENCE: ' , ' }), /^WRIT_OIDC_AUDIENCE: expected/);
  assert.match(configError({ WRIT_OIDC_AUDIENCE: 'writ' }), /^WRIT_OIDC_AUDIENCE: set together with WRIT_OIDC_ISSUER/);
});

test('OIDC: oidc.issuers from writ.yaml; the environment replaces the list', () => {
  const dir = mkdtempSync(join(tmpdir(), 'writ-oidc-'));
  writeFileSync(join(dir, 'writ.yaml'), [
    'oidc:',
    '  issuers:',
    '    - issuer: https://a.example.com',
    '      audience: [writ, writ-cli]',
    '      groups_claim: writ_groups',
    '    - issuer: https://b.example.com/tenant',
    '      audience: writ',
    '      jwks_uri: https://b.example.com/keys',
    '',
  ].join('\n'));
  assert.deepEqual(loadConfig({ env: {}, cwd: dir }).oidc.issuers, [
    { issuer: 'https://a.example.com', audience: ['writ', 'writ-cli'], groupsClaim: 'writ_groups' },
    { issuer: 'https://b.example.com/tenant', audience: ['writ'], jwksUri: 'https://b.example.com/keys' },
  ]);
  const env = { WRIT_OIDC_ISSUER: 'https://c.example.com', WRIT_OIDC_AUDIENCE: 'w' };
  assert.deepEqual(loadConfig({ env, cwd: dir }).oidc.issuers.map((i) => i.issuer), ['https://c.example.com']);

  const bad = (yaml: string) => {
    writeFileSync(join(dir, 'writ.yaml'), yaml);
    return configError({}, dir);
  };
  assert.match(bad('oidc:\n  issuers:\n    - issuer: http://a.example.com\n      audience: w\n'), /^oidc\.issuers\[0\]\.issuer: expected an https/);
  assert.match(bad('oidc:\n  issuers:\n    - issuer: https://a.example.com\n'), /^oidc\.issuers\[0\]\.audience: expected/);
  assert.match(bad('oidc:\n  issuers:\n    - issuer: https://a.example.com\n      audience: w\n      groups: x\n'), /^oidc\.issuers\[0\]: unknown key "groups"/);
  assert.match(bad('oidc:\n  issuers:\n    - { issuer: "https://a.example.com", audience: w }\n    - { issuer: "https://a.example.com", audience: v }\n'), /listed twice/);
  assert.match(bad('oidc:\n  issuer: https://a.example.com\n'), /^oidc: unknown key "issuer"/);
  assert.match(bad('oidc: yes\n'), /^oidc: expected a mapping/);
  assert.match(bad('oidc:\n  issuers:\n    - issuer: https://a.example.com\n      audience: w\n      algorithms: [HS256]\n'), /^oidc\.issuers\[0\]\.algorithms:/);
});

test('dev IdP: on by default in dev mode, WRIT_DEV_IDP=0 turns it off, production refuses WRIT_DEV_IDP=1', () => {
  assert.equal(loadConfig({ env: {}, cwd }).devIdp, true);
  assert.equal(loadConfig({ env: { WRIT_DEV_IDP: '0' }, cwd }).devIdp, false);
  assert.equal(loadConfig({ env: { WRIT_DEV_IDP: 'false' }, cwd }).devIdp, false);
  assert.match(configError({ WRIT_DEV_IDP: 'maybe' }), /^WRIT_DEV_IDP: expected 1, 0, true or false/);
  const prod = { WRIT_MODE: 'production', WRIT_DATABASE_URL: 'postgres://h/db', WRIT_MASTER_KEY: 'x' };
  assert.equal(loadConfig({ env: prod, cwd }).devIdp, false);
  assert.match(configError({ ...prod, WRIT_DEV_IDP: '1' }), /^WRIT_MODE=production refuses dev shortcuts: WRIT_DEV_IDP is on/);

  const dir = mkdtempSync(join(tmpdir(), 'writ-devidp-'));
  writeFileSync(join(dir, 'writ.yaml'), 'dev_idp: false\n');
  assert.equal(loadConfig({ env: {}, cwd: dir }).devIdp, false);
  assert.equal(loadConfig({ env: { WRIT_DEV_IDP: '1' }, cwd: dir }).devIdp, true);
});
