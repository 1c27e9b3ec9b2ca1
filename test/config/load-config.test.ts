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

test('revocation and epoch settings: defaults, NATS URL, bounds, one-line errors', () => {
  const c = loadConfig({ env: {}, cwd });
  assert.equal(c.natsUrl, undefined);
  assert.equal(c.revocationStalenessMs, 5000);
  assert.equal(c.revocationResyncMs, 1000);
  assert.equal(c.epochGraceSeconds, 60);
  const n = loadConfig({ env: { WRIT_NATS_URL: 'nats://127.0.0.1:4222, nats://10.0.0.2:4222', WRIT_REVOCATION_STALENESS_MS: '800', WRIT_EPOCH_GRACE_SECONDS: '0' }, cwd });
  assert.equal(n.natsUrl, 'nats://127.0.0.1:4222,nats://10.0.0.2:4222');
  assert.equal(n.revocationStalenessMs, 800);
  assert.equal(n.revocationResyncMs, 400, 'the resync defaults below the bound');
  assert.equal(n.epochGraceSeconds, 0);
  assert.match(configError({ WRIT_NATS_URL: 'http://x:4222' }), /^WRIT_NATS_URL: expected nats:\/\//);
  const secret = configError({ WRIT_NATS_URL: 'nats://u:hunter2@h:4222,ftp://y' });
  assert.ok(!secret.includes('hunter2'), 'a NATS URL is never echoed');
  assert.match(configError({ WRIT_REVOCATION_STALENESS_MS: '0' }), /^WRIT_REVOCATION_STALENESS_MS:/);
  assert.match(configError({ WRIT_REVOCATION_STALENESS_MS: '1000', WRIT_REVOCATION_RESYNC_MS: '1000' }), /^WRIT_REVOCATION_RESYNC_MS: expected fewer ms/);
  assert.match(configError({ WRIT_EPOCH_GRACE_SECONDS: '-1' }), /^WRIT_EPOCH_GRACE_SECONDS:/);
  assert.match(configError({ WRIT_EPOCH_GRACE_SECONDS: '86401' }), /^WRIT_EPOCH_GRACE_SECONDS:/);
  const dir = mkdtempSync(join(tmpdir(), 'writ-yaml-nats-'));
  writeFileSync(join(dir, 'writ.yaml'), 'nats_url: "nats://127.0.0.1:4222"\nepoch_grace_seconds: 30\n');
  const y = loadConfig({ env: {}, cwd: dir });
  assert.equal(y.natsUrl, 'nats://127.0.0.1:4222');
  assert.equal(y.epochGraceSeconds, 30);
});

test('spiffe: defaults, writ.yaml section, WRIT_SPIFFE_* win, one-line errors, production refuses the dev CA', () => {
  const d = loadConfig({ env: {}, cwd });
  assert.deepEqual(d.spiffe, { audience: 'writ-gateway', trustDomains: [], devCa: true, devTrustDomain: 'writ.dev' });
  assert.equal(d.tls, undefined);

  const dir = mkdtempSync(join(tmpdir(), 'writ-yaml-spiffe-'));
  writeFileSync(join(dir, 'writ.yaml'), [
    'spiffe:',
    '  audience: gw.acme',
    '  dev_trust_domain: dev.acme',
    '  trust_domains:',
    '    - { name: acme.example, bundle_file: certs/acme.pem, jwt_bundle_file: /etc/writ/acme.json }',
    '    - { name: partner.example, jwt_bundle_file: partner.json }',
    'tls_cert_file: tls/server.crt',
    'tls_key_file: tls/server.key',
  ].join('\n'));
  const y = loadConfig({ env: {}, cwd: dir });
  assert.deepEqual(y.spiffe, {
    audience: 'gw.acme',
    devCa: true,
    devTrustDomain: 'dev.acme',
    trustDomains: [
      { name: 'acme.example', bundleFile: join(dir, 'certs/acme.pem'), jwtBundleFile: '/etc/writ/acme.json' },
      { name: 'partner.example', jwtBundleFile: join(dir, 'partner.json') },
    ],
  });
  assert.deepEqual(y.tls, { certFile: join(dir, 'tls/server.crt'), keyFile: join(dir, 'tls/server.key') });

  const e = loadConfig({ env: { WRIT_SPIFFE_BUNDLES: '[{"name": "other.example", "bundle_file": "/o.pem"}]', WRIT_SPIFFE_AUDIENCE: 'aud-env', WRIT_SPIFFE_DEV_CA: '0' }, cwd: dir });
  assert.deepEqual(e.spiffe, { audience: 'aud-env', devCa: false, devTrustDomain: 'dev.acme', trustDomains: [{ name: 'other.example', bundleFile: '/o.pem' }] });

  assert.match(configError({ WRIT_SPIFFE_BUNDLES: '[{name: "Acme"}]' }), /^WRIT_SPIFFE_BUNDLES\[0\]\.name: expected a trust domain name/);
  assert.match(configError({ WRIT_SPIFFE_BUNDLES: '[{name: acme.example}]' }), /^WRIT_SPIFFE_BUNDLES\[0\]: set bundle_file/);
  assert.match(configError({ WRIT_SPIFFE_BUNDLES: '[{name: a, bundle_file: x, extra: 1}]' }), /^WRIT_SPIFFE_BUNDLES\[0\]: unknown key "extra"/);
  assert.match(configError({ WRIT_SPIFFE_BUNDLES: '[{name: a, bundle_file: x}, {name: a, bundle_file: y}]' }), /^WRIT_SPIFFE_BUNDLES\[1\]\.name: trust domain "a" is listed twice/);
  assert.match(configError({ WRIT_SPIFFE_BUNDLES: 'acme.example' }), /^WRIT_SPIFFE_BUNDLES: expected a list/);
  assert.match(configError({ WRIT_SPIFFE_BUNDLES: '[{' }), /^WRIT_SPIFFE_BUNDLES: expected a YAML or JSON list/);
  assert.match(configError({ WRIT_SPIFFE_AUDIENCE: 'two words' }), /^WRIT_SPIFFE_AUDIENCE:/);
  assert.match(configError({ WRIT_SPIFFE_DEV_CA: 'maybe' }), /^WRIT_SPIFFE_DEV_CA: expected 1, 0, true or false/);
  assert.match(configError({ WRIT_SPIFFE_DEV_TRUST_DOMAIN: 'spiffe://writ.dev' }), /^WRIT_SPIFFE_DEV_TRUST_DOMAIN:/);
  assert.match(configError({ WRIT_SPIFFE_BUNDLES: '[{name: writ.dev, bundle_file: x}]' }), /^spiffe\.dev_trust_domain: "writ\.dev" is also a configured trust domain/);
  assert.match(configError({ WRIT_TLS_CERT_FILE: '/c.pem' }), /^WRIT_TLS_KEY_FILE: set together with WRIT_TLS_CERT_FILE/);
  assert.match(configError({ WRIT_TLS_KEY_FILE: '/k.pem' }), /^WRIT_TLS_CERT_FILE: set together with WRIT_TLS_KEY_FILE/);
  writeFileSync(join(dir, 'writ.yaml'), 'spiffe:\n  trustdomains: []\n');
  assert.match(configError({}, dir), /^spiffe: unknown key "trustdomains"/);
  writeFileSync(join(dir, 'writ.yaml'), 'spiffe:\n  trust_domains:\n    - name: a\n      bundle_file: 7\n');
  assert.match(configError({}, dir), /^spiffe\.trust_domains\[0\]\.bundle_file: expected a file path/);

  const prodEnv = { WRIT_MODE: 'production', WRIT_DATABASE_URL: 'postgres://h/db', WRIT_MASTER_KEY: 'x' };
  assert.equal(loadConfig({ env: prodEnv, cwd }).spiffe.devCa, false, 'the dev CA is off by default in production');
  assert.match(configError({ ...prodEnv, WRIT_SPIFFE_DEV_CA: '1' }), /WRIT_SPIFFE_DEV_CA is on \(the built-in dev CA issues an SVID for any SPIFFE ID: a dev shortcut\)/);
});

test('events: defaults off; sinks and alert targets from the environment; secrets never kept or echoed', () => {
  assert.deepEqual(loadConfig({ env: {}, cwd }).events, {
    stdout: false,
    webhookUrl: undefined,
    natsSubject: undefined,
    slack: undefined,
    pagerduty: undefined,
    runbookBaseUrl: undefined,
  });
  const key = 'pdRoutingKey0123456789abcdefABCD';
  const slackUrl = 'https://hooks.slack.com/services/T0/B0/slackSecretToken123';
  const c = loadConfig({
    env: {
      WRIT_EVENTS_STDOUT: 'on',
      WRIT_EVENTS_WEBHOOK_URL: 'https://siem.example.com/writ',
      WRIT_EVENTS_NATS_SUBJECT: 'writ.events',
      WRIT_SLACK_WEBHOOK_URL: slackUrl,
      WRIT_PAGERDUTY_ROUTING_KEY: key,
      WRIT_RUNBOOK_BASE_URL: 'https://runbooks.example.com/writ/',
    },
    cwd,
  });
  assert.deepEqual(c.events, {
    stdout: true,
    webhookUrl: 'https://siem.example.com/writ',
    natsSubject: 'writ.events',
    slack: { webhookUrl: { kind: 'env' } },
    pagerduty: { url: 'https://events.pagerduty.com/v2/enqueue', routingKey: { kind: 'env' } },
    runbookBaseUrl: 'https://runbooks.example.com/writ',
  });
  const text = JSON.stringify(c);
  assert.ok(!text.includes(key) && !text.includes('slackSecretToken123'), 'the secrets are not in the config object');
  assert.equal(loadConfig({ env: { WRIT_EVENTS_STDOUT: 'off' }, cwd }).events.stdout, false);
  assert.equal(loadConfig({ env: { WRIT_EVENTS_STDOUT: '1' }, cwd }).events.stdout, true);
  assert.equal(loadConfig({ env: { WRIT_PAGERDUTY_ROUTING_KEY: key, WRIT_PAGERDUTY_URL: 'http://127.0.0.1:9/v2/enqueue' }, cwd }).events.pagerduty?.url, 'http://127.0.0.1:9/v2/enqueue');

  assert.match(configError({ WRIT_EVENTS_STDOUT: 'loud' }), /^WRIT_EVENTS_STDOUT: expected/);
  assert.match(configError({ WRIT_EVENTS_NATS_SUBJECT: 'writ.>' }), /^WRIT_EVENTS_NATS_SUBJECT: expected a NATS subject/);
  assert.match(configError({ WRIT_EVENTS_WEBHOOK_URL: 'ftp://x' }), /^WRIT_EVENTS_WEBHOOK_URL: expected an http/);
  assert.match(configError({ WRIT_RUNBOOK_BASE_URL: 'runbooks' }), /^WRIT_RUNBOOK_BASE_URL:/);
  const badSlack = configError({ WRIT_SLACK_WEBHOOK_URL: 'hooks.slack.com/services/T0/B0/slackSecretToken123' });
  assert.match(badSlack, /^WRIT_SLACK_WEBHOOK_URL: expected an http/);
  assert.ok(!badSlack.includes('slackSecretToken123'), 'a bad webhook URL is not echoed');
  const badKey = configError({ WRIT_PAGERDUTY_ROUTING_KEY: 'has spaces in the secret value' });
  assert.match(badKey, /^WRIT_PAGERDUTY_ROUTING_KEY: expected/);
  assert.ok(!badKey.includes('secret value'), 'a bad routing key is not echoed');

  const dir = mkdtempSync(join(tmpdir(), 'writ-events-'));
  writeFileSync(join(dir, 'writ.yaml'), 'events_stdout: true\nevents_nats_subject: writ.ev\nrunbook_base_url: https://rb.example.com\npagerduty_url: https://pd.example.com/v2/enqueue\n');
  const y = loadConfig({ env: { WRIT_PAGERDUTY_ROUTING_KEY: key }, cwd: dir }).events;
  assert.deepEqual([y.stdout, y.natsSubject, y.runbookBaseUrl, y.pagerduty?.url], [true, 'writ.ev', 'https://rb.example.com', 'https://pd.example.com/v2/enqueue']);
  writeFileSync(join(dir, 'writ.yaml'), `pagerduty_routing_key: ${key}\n`);
  assert.match(configError({}, dir), /pagerduty_routing_key is not allowed \(a secret never goes in writ\.yaml/);
  writeFileSync(join(dir, 'writ.yaml'), `slack_webhook_url: ${slackUrl}\n`);
  assert.match(configError({}, dir), /slack_webhook_url is not allowed/);
});
