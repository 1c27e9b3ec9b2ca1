/** createEventPipeline: destinations and alert targets from configuration; secrets from the environment only. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { connect, type NatsConnection } from 'nats';
import pino from 'pino';
import { ManualClock } from '../../src/common/clock.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { isWritError } from '../../src/errors/writ-error.ts';
import { createEventPipeline } from '../../src/events/pipeline.ts';
import { ManualScheduler } from '../../src/events/scheduler.ts';
import type { LedgerEnqueuer } from '../../src/events/sinks/ledger-sink.ts';
import type { Store } from '../../src/store/store.ts';
import { LogCapture } from '../harness/test-server.ts';
import { openTestStore } from '../harness/test-store.ts';

const cwd = mkdtempSync(join(tmpdir(), 'writ-events-pipeline-'));
const ledger: LedgerEnqueuer = { enqueue: async () => [] };
const KEY = 'pipelineRoutingKey0123456789abcd';
const SLACK = 'https://hooks.slack.com/services/T0/B0/pipelineSlackSecret';
let store: Store;
let nats: NatsConnection;
before(async () => {
  store = await openTestStore();
  nats = await connect({ servers: '127.0.0.1:4222' });
});
after(async () => {
  await nats?.close();
  await store?.close();
});

function build(env: NodeJS.ProcessEnv, extra: { nats?: NatsConnection; pipelineEnv?: NodeJS.ProcessEnv; logs?: LogCapture } = {}) {
  const config = loadConfig({ env, cwd });
  const clock = new ManualClock();
  return createEventPipeline({
    config: config.events,
    env: extra.pipelineEnv ?? env,
    store,
    ledger,
    clock,
    scheduler: new ManualScheduler(clock),
    logger: pino({ level: 'trace' }, extra.logs ?? new LogCapture()),
    stdout: new Writable({ write: (_c, _e, done) => done() }),
    ...(extra.nats ? { nats: extra.nats } : {}),
  });
}

test('defaults: the ledger only, no alert target', async () => {
  const p = build({});
  assert.deepEqual(p.bus.destinations, ['ledger']);
  assert.deepEqual(p.alerts.targets, []);
  await p.close();
});

test('everything configured: ledger, stdout, webhook, NATS; Slack and PagerDuty; the log line names them, never their secrets', async () => {
  const logs = new LogCapture();
  const env = {
    WRIT_EVENTS_STDOUT: 'on',
    WRIT_EVENTS_WEBHOOK_URL: 'https://siem.example.com/in?token=siemSecret',
    WRIT_EVENTS_NATS_SUBJECT: 'writ.events',
    WRIT_SLACK_WEBHOOK_URL: SLACK,
    WRIT_PAGERDUTY_ROUTING_KEY: KEY,
  };
  const p = build(env, { nats, logs });
  assert.deepEqual(p.bus.destinations, ['ledger', 'stdout', 'webhook', 'nats']);
  assert.deepEqual(p.alerts.targets, ['slack', 'pagerduty']);
  assert.match(logs.text(), /enforcement events: destinations and alert targets/);
  for (const secret of [KEY, 'pipelineSlackSecret', 'siemSecret']) assert.ok(!logs.text().includes(secret), secret);
  await p.close();
});

test('refusals: a NATS subject without a connection; an alert secret gone from the environment', () => {
  const refused = (fn: () => unknown, re: RegExp) => {
    try {
      fn();
    } catch (err) {
      assert.ok(isWritError(err, 'CONFIG_INVALID'), String(err));
      assert.match(err.message, re);
      assert.ok(!err.message.includes(KEY) && !err.message.includes('pipelineSlackSecret'));
      return;
    }
    assert.fail('expected CONFIG_INVALID');
  };
  refused(() => build({ WRIT_EVENTS_NATS_SUBJECT: 'writ.events' }), /^WRIT_EVENTS_NATS_SUBJECT: set, but no NATS connection/);
  refused(() => build({ WRIT_PAGERDUTY_ROUTING_KEY: KEY }, { pipelineEnv: {} }), /^WRIT_PAGERDUTY_ROUTING_KEY: expected it in the environment/);
  refused(() => build({ WRIT_SLACK_WEBHOOK_URL: SLACK }, { pipelineEnv: {} }), /^WRIT_SLACK_WEBHOOK_URL: expected it in the environment/);
});
