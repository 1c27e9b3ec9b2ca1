/**
 * POST /v1/executions/observed and GET /v1/alerts/deliveries over a real server setup:
 * the event pipeline built from configuration (ledger through the real sequencer,
 * stdout, Slack and PagerDuty on loopback receivers), on PGlite or PostgreSQL. Ends
 * with the secret-leak check: the routing key and the Slack webhook secret appear in
 * no ledger row, log line, stored alert or delivery, event line or API answer.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import type { Kysely } from 'kysely';
import pino from 'pino';
import { SequentialIdSource } from '../../src/common/ids.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { eventsDb } from '../../src/events/alerts/alert-store.ts';
import type { PagerDutyTrigger } from '../../src/events/alerts/targets.ts';
import type { EnforcementEvent } from '../../src/events/enforcement-event.ts';
import { ENFORCEMENT_EVENT_ENTRY } from '../../src/events/entry-types.ts';
import type { AuthorizationLookup } from '../../src/events/observed-execution.ts';
import { createEventPipeline, type EventPipeline } from '../../src/events/pipeline.ts';
import { ManualScheduler } from '../../src/events/scheduler.ts';
import { installProblemHandlers } from '../../src/server/problem.ts';
import { eventRoutes } from '../../src/server/routes/events.ts';
import { migrateToLatest } from '../../src/store/migrate.ts';
import { eventsMigration } from '../../src/store/migrations/008-events.ts';
import { MIGRATIONS } from '../../src/store/migrations/index.ts';
import { LogCapture, startTestServer, type TestServer } from '../harness/test-server.ts';
import { HASH, slice0Errors, startReceiver, type Receiver } from './helpers.ts';

const ROUTING_KEY = 'PdRoutingKeySecret0123456789abcd';
const SLACK_SECRET = 'SlackHookSecretXyZ0123456789';
const OTHER_HASH = `sha256:${'ef'.repeat(32)}`;

class Lines extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  }
}

let s: TestServer;
let app: FastifyInstance;
let events: EventPipeline;
let slack: Receiver;
let pd: Receiver;
let scheduler: ManualScheduler;
const logs = new LogCapture();
const stdout = new Lines();
const answers: string[] = [];

const AUTHORIZATIONS: Record<string, { committed: boolean; decision_hash: string }> = {
  authz_committed_0001: { committed: true, decision_hash: HASH },
  authz_pending_00001: { committed: false, decision_hash: HASH },
};
const lookup: AuthorizationLookup = async (id) => {
  if (id === 'authz_lookup_fails') throw new Error('store down');
  return AUTHORIZATIONS[id] ?? null;
};

before(async () => {
  s = await startTestServer();
  await migrateToLatest(s.store.db as unknown as Kysely<unknown>, [...MIGRATIONS, eventsMigration]);
  slack = await startReceiver({ fail: [503], path: `/services/T0/B0/${SLACK_SECRET}` });
  pd = await startReceiver({ okStatus: 202, path: '/v2/enqueue' });
  const env = {
    WRIT_HOME: s.home,
    WRIT_EVENTS_STDOUT: 'on',
    WRIT_SLACK_WEBHOOK_URL: slack.url,
    WRIT_PAGERDUTY_ROUTING_KEY: ROUTING_KEY,
    WRIT_PAGERDUTY_URL: pd.url,
    WRIT_RUNBOOK_BASE_URL: 'https://runbooks.example.com/writ/',
  };
  const config = loadConfig({ env, cwd: s.home });
  const logger = pino({ level: 'trace' }, logs);
  scheduler = new ManualScheduler(s.clock);
  events = createEventPipeline({ config: config.events, env, store: s.store, ledger: s.ledger, clock: s.clock, logger, ids: new SequentialIdSource(), stdout, scheduler, random: () => 0 });
  app = Fastify({ loggerInstance: logger as FastifyBaseLogger });
  app.setValidatorCompiler(TypeBoxValidatorCompiler);
  installProblemHandlers(app);
  app.addHook('onSend', async (_req, _reply, payload) => {
    answers.push(String(payload));
    return payload;
  });
  await app.register(async (scope) =>
    eventRoutes(scope, { config, store: s.store, keyring: s.keyring, clock: s.clock, logger, ledger: s.ledger, version: 'test' }, { events: events.bus, lookupAuthorization: lookup, ids: new SequentialIdSource() }),
  );
  await app.ready();
});
after(async () => {
  await app?.close();
  await events?.close();
  await slack?.close();
  await pd?.close();
  await s?.close();
});

const auth = () => ({ authorization: `Bearer ${s.adminToken}` });
const report = (extra: Record<string, unknown> = {}) => ({
  decision_hash: HASH,
  action_scope: 'promotion',
  region: 'eu-west-1',
  agent_id: 'release-bot',
  observed_at: '2026-06-01T00:00:00Z',
  target_system: 'argocd',
  ...extra,
});
const observe = (payload: unknown, headers: Record<string, string> = auth()) => app.inject({ method: 'POST', url: '/v1/executions/observed', headers, payload: payload as Record<string, unknown> });

/** Enforcement events in the ledger once everything enqueued so far is integrated. */
async function ledgerEvents(): Promise<EnforcementEvent[]> {
  await events.bus.idle();
  const c = await s.ledger.append({ stream_id: 'test', entry_type: 'system.note', payload: { message: 'barrier' } });
  const rows = await s.store.db.selectFrom('ledger_entries').select(['entry_jcs']).where('entry_type', '=', ENFORCEMENT_EVENT_ENTRY).where('seq', '<=', c.seq).orderBy('seq').execute();
  return rows.map((r) => (JSON.parse(r.entry_jcs) as { payload: EnforcementEvent }).payload);
}

test('both routes need the admin credential', async () => {
  for (const [method, url] of [['POST', '/v1/executions/observed'], ['GET', '/v1/alerts/deliveries']] as const) {
    const none = await app.inject({ method, url, ...(method === 'POST' ? { payload: report() } : {}) });
    assert.equal(none.statusCode, 401, url);
    assert.equal(none.json().code, 'UNAUTHENTICATED');
    const wrong = await app.inject({ method, url, headers: { authorization: 'Bearer nope' } });
    assert.equal(wrong.statusCode, 401, url);
  }
  assert.equal(events.bus.stats().emitted, 0, 'nothing raised without a credential');
});

test('invalid reports are 400 problem documents and raise nothing', async () => {
  const bad: unknown[] = [
    { ...report(), decision_hash: undefined },
    report({ decision_hash: 'sha256:abc' }),
    report({ extra: 1 }),
    report({ observed_at: 'yesterday' }),
    report({ agent_id: 'ab' }),
    report({ action_scope: 'Promotion' }),
    report({ authorization_id: 'short' }),
    report({ target_system: 'line\nbreak' }),
  ];
  for (const payload of bad) {
    const res = await observe(payload);
    assert.equal(res.statusCode, 400, `${JSON.stringify(payload)}: ${res.body}`);
    assert.match(String(res.headers['content-type']), /application\/problem\+json/);
  }
  assert.equal(events.bus.stats().emitted, 0);
});

test('a committed authorization for the same decision hash: authorized, no event, no alert', async () => {
  const res = await observe(report({ authorization_id: 'authz_committed_0001', token_jti: 'Q2xhdWRlIGp0aSAxMjM0NTY' }));
  assert.equal(res.statusCode, 200);
  const body = res.json();
  assert.equal(body.status, 'authorized');
  assert.equal(body.reason, null);
  assert.deepEqual(body.authorization, { authorization_id: 'authz_committed_0001', committed: true, decision_hash_matches: true });
  assert.equal(body.event_id, null);
  assert.equal(body.alert_id, null);
  assert.equal(events.bus.stats().emitted, 0);
});

test('no committed authorization: oob_detected is raised (event in the ledger, on stdout, alert) with the reason', async () => {
  const cases: Array<[Record<string, unknown>, string, unknown]> = [
    [{}, 'AUTHORIZATION_MISSING', null],
    [{ authorization_id: 'authz_unknown_00001' }, 'AUTHORIZATION_UNKNOWN', null],
    [{ authorization_id: 'authz_pending_00001' }, 'AUTHORIZATION_NOT_COMMITTED', { authorization_id: 'authz_pending_00001', committed: false, decision_hash_matches: true }],
    [{ authorization_id: 'authz_committed_0001', decision_hash: OTHER_HASH }, 'DECISION_HASH_MISMATCH', { authorization_id: 'authz_committed_0001', committed: true, decision_hash_matches: false }],
    [{ authorization_id: 'authz_lookup_fails' }, 'AUTHORIZATION_UNVERIFIABLE', null],
  ];
  const eventIds: string[] = [];
  for (const [extra, reason, authorization] of cases) {
    const res = await observe(report(extra));
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.equal(body.status, 'out_of_band', reason);
    assert.equal(body.reason, reason);
    assert.deepEqual(body.authorization, authorization, reason);
    assert.match(body.event_id, /^evt_/);
    assert.match(body.alert_id, /^alr_/);
    eventIds.push(body.event_id);
  }
  const inLedger = (await ledgerEvents()).filter((e) => eventIds.includes(e.event_id));
  assert.equal(inLedger.length, 5);
  for (const e of inLedger) {
    assert.equal(e.event_type, 'oob_detected');
    assert.equal(slice0Errors(e), null, 'Slice-0 valid');
    assert.equal(e.details?.target_system, 'argocd');
  }
  assert.equal(inLedger[0]?.authorization_id, 'none:authorization');
  assert.equal(inLedger[0]?.token_jti, 'none:token_jti');
  assert.deepEqual(inLedger.map((e) => e.details?.reason), cases.map((c) => c[1]));
  assert.deepEqual(stdout.lines.map((l) => (JSON.parse(l) as EnforcementEvent).event_id), eventIds, 'one JSON line per event on stdout');
  assert.match(logs.text(), /out-of-band execution detected/);

  await events.alerts.idle();
  assert.equal(pd.requests.length, 5);
  // Alerts are sent concurrently: match triggers to events by event id.
  const triggers = new Map(pd.requests.map((r) => [String((r.body as PagerDutyTrigger).payload.custom_details.event_id), r.body as PagerDutyTrigger]));
  assert.deepEqual([...triggers.keys()].sort(), [...eventIds].sort());
  assert.deepEqual(eventIds.map((id) => triggers.get(id)?.dedup_key), [HASH, 'authz_unknown_00001', 'authz_pending_00001', 'authz_committed_0001', 'authz_lookup_fails']);
  assert.ok([...triggers.values()].every((t) => t.links[0]?.href === 'https://runbooks.example.com/writ/oob_detected'));
  assert.equal(slack.requests.length, 5, 'Slack got each once (the first answered 503)');
  assert.deepEqual(scheduler.pendingDelays(), [500], 'one Slack retry waiting (1 s, jitter 0)');
  scheduler.runNext();
  await events.alerts.idle();
  assert.equal(slack.requests.length, 6);
});

test('GET /v1/alerts/deliveries lists every attempt, newest first, with filters', async () => {
  const res = await app.inject({ method: 'GET', url: '/v1/alerts/deliveries', headers: auth() });
  assert.equal(res.statusCode, 200, res.body);
  const all = res.json().deliveries as Array<Record<string, unknown>>;
  assert.equal(all.length, 11, '5 PagerDuty + 5 Slack + 1 Slack retry');
  assert.deepEqual(Object.keys(all[0]!).sort(), ['alert_id', 'at', 'attempt', 'dedup_key', 'error', 'http_status', 'kind', 'next_attempt_at', 'severity', 'status', 'summary', 'target']);
  assert.ok(all.every((d) => d.kind === 'oob_detected' && d.severity === 'critical'));
  const retried = all.filter((d) => d.status === 'retrying');
  assert.equal(retried.length, 1);
  assert.deepEqual([retried[0]?.target, retried[0]?.http_status, retried[0]?.error, retried[0]?.attempt], ['slack', 503, 'HTTP_503', 1]);
  assert.equal(all[0]?.target, 'slack', 'the retry, made last, is listed first');
  assert.equal(all[0]?.attempt, 2);

  const filtered = await app.inject({ method: 'GET', url: `/v1/alerts/deliveries?alert_id=${String(retried[0]?.alert_id)}&target=slack`, headers: auth() });
  assert.deepEqual(filtered.json().deliveries.map((d: { attempt: number; status: string }) => [d.attempt, d.status]), [[2, 'delivered'], [1, 'retrying']]);
  const limited = await app.inject({ method: 'GET', url: '/v1/alerts/deliveries?limit=3&status=delivered', headers: auth() });
  assert.equal(limited.statusCode, 200, limited.body);
  assert.equal(limited.json().deliveries.length, 3);
  assert.ok(limited.json().deliveries.every((d: { status: string }) => d.status === 'delivered'));
  for (const q of ['limit=0', 'limit=abc', 'status=lost', 'target=https://x']) {
    assert.equal((await app.inject({ method: 'GET', url: `/v1/alerts/deliveries?${q}`, headers: auth() })).statusCode, 400, q);
  }
});

test('secret leak: the routing key and the Slack webhook secret are nowhere but in the requests to their targets', async () => {
  await ledgerEvents();
  await events.alerts.idle();
  assert.ok(JSON.stringify(pd.requests).includes(ROUTING_KEY), 'control: PagerDuty did get the routing key');
  assert.ok(slack.requests.every((r) => r.url.includes(SLACK_SECRET)), 'control: Slack was called on its secret URL');
  const ledgerRows = await s.store.db.selectFrom('ledger_entries').select(['entry_jcs']).execute();
  const places = {
    ledger: ledgerRows.map((r) => r.entry_jcs).join('\n'),
    outbox: JSON.stringify(await s.store.db.selectFrom('ledger_outbox').selectAll().execute()),
    alerts: JSON.stringify(await eventsDb(s.store.db).selectFrom('alerts').selectAll().execute()),
    deliveries: JSON.stringify(await eventsDb(s.store.db).selectFrom('alert_deliveries').selectAll().execute()),
    logs: logs.text(),
    server_logs: s.logs.text(),
    stdout: stdout.lines.join('\n'),
    answers: answers.join('\n'),
    slack_messages: JSON.stringify(slack.requests.map((r) => r.body)),
    config: JSON.stringify(loadConfig({ env: { WRIT_HOME: s.home, WRIT_PAGERDUTY_ROUTING_KEY: ROUTING_KEY, WRIT_SLACK_WEBHOOK_URL: slack.url }, cwd: s.home })),
  };
  assert.ok(places.ledger.includes('oob_detected') && places.logs.includes('alert raised') && places.deliveries.includes('HTTP_503'), 'the places were written to');
  for (const [where, text] of Object.entries(places)) {
    assert.ok(!text.includes(ROUTING_KEY), `routing key in ${where}`);
    assert.ok(!text.includes(SLACK_SECRET), `Slack webhook secret in ${where}`);
  }
});
