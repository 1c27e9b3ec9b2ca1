/**
 * Alerts: Slack and PagerDuty payloads received by real loopback HTTP servers, retries
 * driven by an injected scheduler, every attempt recorded in the store (PGlite or
 * PostgreSQL, per WRIT_TEST_STORE).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql, type Kysely } from 'kysely';
import pino from 'pino';
import { ManualClock } from '../../src/common/clock.ts';
import { SequentialIdSource } from '../../src/common/ids.ts';
import { ALERT_KINDS, alertKindOf, type BreakGlassAlertInput } from '../../src/events/alerts/alert.ts';
import { AlertDispatcher } from '../../src/events/alerts/alert-dispatcher.ts';
import { eventsDb, listDeliveries } from '../../src/events/alerts/alert-store.ts';
import { pagerDutyTarget, slackTarget, type AlertTarget, type PagerDutyTrigger } from '../../src/events/alerts/targets.ts';
import { NO_CORRELATION } from '../../src/events/build-event.ts';
import { ENFORCEMENT_EVENT_TYPES } from '../../src/events/event-schema.ts';
import { ManualScheduler } from '../../src/events/scheduler.ts';
import { migrateToLatest } from '../../src/store/migrate.ts';
import { eventsMigration } from '../../src/store/migrations/008-events.ts';
import { MIGRATIONS } from '../../src/store/migrations/index.ts';
import type { Store } from '../../src/store/store.ts';
import { LogCapture } from '../harness/test-server.ts';
import { openTestStore } from '../harness/test-store.ts';
import { HASH, sampleEvent, startReceiver, type Receiver } from './helpers.ts';

const RUNBOOKS = 'https://runbooks.example.com/writ';
const ROUTING_KEY = 'R0ut1ngKeyThatMustNeverLeak0000';
const POLICY = { maxAttempts: 4, baseDelayMs: 1000, maxDelayMs: 8000 };

let store: Store;
const receivers: Receiver[] = [];
before(async () => {
  store = await openTestStore();
  await migrateToLatest(store.db as unknown as Kysely<unknown>, [...MIGRATIONS, eventsMigration]);
});
after(async () => {
  for (const r of receivers) await r.close();
  await store.close();
});

async function receiver(options: Parameters<typeof startReceiver>[0] = {}) {
  const r = await startReceiver(options);
  receivers.push(r);
  return r;
}

/** One id source for the file: the store is shared by its tests, so alert ids must not repeat. */
const ids = new SequentialIdSource();

function dispatcher(targets: AlertTarget[], extra: { logs?: LogCapture; withStore?: boolean } = {}) {
  const clock = new ManualClock(new Date('2026-06-01T12:00:00.000Z'));
  const scheduler = new ManualScheduler(clock);
  const alerts = new AlertDispatcher({
    targets,
    ...(extra.withStore === false ? {} : { store }),
    clock,
    scheduler,
    ids,
    random: () => 0.5,
    policy: POLICY,
    runbookBaseUrl: RUNBOOKS,
    ...(extra.logs ? { logger: pino({ level: 'trace' }, extra.logs) } : {}),
  });
  return { alerts, clock, scheduler };
}

/** Unique ids per test: the store is shared by the tests of this file. */
let seq = 0;
const uniq = (prefix: string) => `${prefix}_${process.pid}_${++seq}_${Date.now().toString(36)}`;

test('which events are critical', () => {
  const expected: Record<string, string | null> = {};
  for (const t of ENFORCEMENT_EVENT_TYPES) expected[t] = null;
  expected.revocation_hit = 'revocation_hit';
  expected.oob_detected = 'oob_detected';
  expected.compensation_triggered = 'compensation_triggered';
  for (const t of ENFORCEMENT_EVENT_TYPES) assert.equal(alertKindOf({ event_type: t }), expected[t], t);
  assert.equal(alertKindOf({ event_type: 'authorization_denied', denial_code: 'TOKEN_REPLAY' }), 'token_replay');
  assert.equal(alertKindOf({ event_type: 'authorization_denied', denial_code: 'PHASE_HOLD_ACTIVE' }), 'phase_hold_attempt');
  assert.equal(alertKindOf({ event_type: 'authorization_denied', denial_code: 'TOKEN_INVALID' }), null);
  assert.equal(alertKindOf({ event_type: 'drift_detected', denial_code: 'PHASE_HOLD_ACTIVE' }), null, 'one alert per held attempt (from its denial)');
});

test('Slack: an incoming-webhook message with text, blocks, the correlation keys and the runbook link', async () => {
  const slack = await receiver({ path: '/services/T000/B000/slackHookSecret' });
  const { alerts } = dispatcher([slackTarget({ webhookUrl: slack.url })]);
  const event = sampleEvent({ event_type: 'authorization_denied', denial_code: 'TOKEN_REPLAY', agent_id: '<!channel> bot & co', details: { reason: 'REPLAY' } });
  const alertId = alerts.raiseForEvent(event);
  assert.ok(alertId);
  assert.equal(alerts.raiseForEvent(sampleEvent()), null, 'a non-critical event raises nothing');
  await alerts.idle();
  assert.equal(slack.requests.length, 1);
  const req = slack.requests[0]!;
  assert.equal(req.method, 'POST');
  assert.equal(req.url, '/services/T000/B000/slackHookSecret');
  assert.equal(req.headers['content-type'], 'application/json');
  const body = req.body as { text: string; blocks: Array<{ type: string; text?: { type: string; text: string }; fields?: Array<{ type: string; text: string }>; elements?: Array<{ text: string }> }> };
  assert.deepEqual(Object.keys(body).sort(), ['blocks', 'text']);
  assert.match(body.text, /^\[CRITICAL\] Token replay denied/);
  assert.equal(body.blocks[0]?.type, 'header');
  assert.equal(body.blocks[0]?.text?.type, 'plain_text');
  assert.ok((body.blocks[0]?.text?.text.length ?? 999) <= 150);
  const fieldText = body.blocks.flatMap((b) => b.fields ?? []).map((f) => f.text).join('\n');
  for (const [k, v] of Object.entries({ decision_hash: event.decision_hash, token_jti: event.token_jti, authorization_id: event.authorization_id, event_id: event.event_id, denial_code: 'TOKEN_REPLAY', region: 'eu-west-1', action_scope: 'promotion' })) {
    assert.ok(fieldText.includes(`*${k}*\n\`${v}\``), `field ${k}`);
  }
  for (const b of body.blocks) {
    assert.ok((b.fields?.length ?? 0) <= 10, 'at most 10 fields a section');
    for (const f of b.fields ?? []) assert.ok(f.text.length <= 2000);
  }
  const all = JSON.stringify(body);
  assert.ok(all.includes(`<${RUNBOOKS}/token_replay|token_replay>`), 'runbook link');
  assert.ok(all.includes(alertId!), 'the alert id is in the context');
  assert.ok(!all.includes('<!channel>') && all.includes('&lt;!channel&gt; bot &amp; co'), 'reported values are escaped: no mention or link injection');
});

test('PagerDuty: an Events API v2 trigger with dedup key, severity, custom details and runbook link', async () => {
  const pd = await receiver({ okStatus: 202, path: '/v2/enqueue' });
  const { alerts } = dispatcher([pagerDutyTarget({ routingKey: ROUTING_KEY, url: pd.url, source: 'writ-test' })]);
  const oob = sampleEvent({ event_type: 'oob_detected', details: { target_system: 'argocd', reason: 'AUTHORIZATION_NOT_COMMITTED' } });
  const noAuth = sampleEvent({ event_type: 'oob_detected', authorization_id: NO_CORRELATION.authorization_id, token_jti: NO_CORRELATION.token_jti });
  const comp = sampleEvent({ event_type: 'compensation_triggered', denial_code: 'LEDGER_COMMIT_TIMEOUT' });
  const held = sampleEvent({ event_type: 'authorization_denied', denial_code: 'PHASE_HOLD_ACTIVE' });
  const revoked = sampleEvent({ event_type: 'revocation_hit', denial_code: 'TOKEN_INVALID' });
  const ids = [oob, noAuth, comp, held, revoked].map((e) => alerts.raiseForEvent(e));
  await alerts.idle();
  assert.equal(pd.requests.length, 5);
  const byAlert = new Map(pd.requests.map((r) => [(r.body as PagerDutyTrigger).payload.custom_details.alert_id, r.body as PagerDutyTrigger]));
  const t = byAlert.get(ids[0])!;
  assert.equal(pd.requests[0]?.url, '/v2/enqueue');
  assert.deepEqual(Object.keys(t).sort(), ['client', 'dedup_key', 'event_action', 'links', 'payload', 'routing_key']);
  assert.equal(t.routing_key, ROUTING_KEY);
  assert.equal(t.event_action, 'trigger');
  assert.equal(t.dedup_key, oob.authorization_id, 'dedup_key = authorization_id');
  assert.equal(t.payload.severity, 'critical');
  assert.equal(t.payload.source, 'writ-test');
  assert.equal(t.payload.class, 'oob_detected');
  assert.match(t.payload.summary, /^Out-of-band execution: argocd reported/);
  assert.ok(t.payload.summary.length <= 1024);
  assert.equal(t.payload.timestamp, '2026-06-01T12:00:00.000Z');
  for (const k of ['decision_hash', 'token_jti', 'authorization_id', 'event_id', 'agent_id', 'region', 'action_scope'] as const) {
    assert.equal(t.payload.custom_details[k], oob[k], `custom_details.${k}`);
  }
  assert.equal(t.payload.custom_details.target_system, 'argocd');
  assert.deepEqual(t.links, [{ href: `${RUNBOOKS}/oob_detected`, text: 'Runbook: oob_detected' }]);
  assert.equal(byAlert.get(ids[1])!.dedup_key, HASH, 'no authorization: dedup_key = decision_hash');
  assert.deepEqual([ids[2], ids[3], ids[4]].map((id) => [byAlert.get(id)!.payload.class, byAlert.get(id)!.payload.severity]), [
    ['compensation_triggered', 'critical'],
    ['phase_hold_attempt', 'warning'],
    ['revocation_hit', 'error'],
  ]);
});

test('a target that fails twice then succeeds: retried with backoff, every attempt recorded; delivered elsewhere at once', async () => {
  const slack = await receiver({ fail: [503, 500] });
  const pd = await receiver({ okStatus: 202 });
  const { alerts, scheduler } = dispatcher([slackTarget({ webhookUrl: slack.url }), pagerDutyTarget({ routingKey: ROUTING_KEY, url: pd.url })]);
  const alertId = alerts.raiseForEvent(sampleEvent({ event_type: 'compensation_triggered', authorization_id: uniq('authz') }))!;
  await alerts.idle();
  assert.equal(slack.requests.length, 1);
  assert.equal(pd.requests.length, 1);
  assert.deepEqual(scheduler.pendingDelays(), [750], 'second attempt after 1 s with jitter (0.5 + 0.5·0.5)');
  assert.equal(scheduler.advance(749), 0);
  scheduler.advance(1);
  await alerts.idle();
  assert.equal(slack.requests.length, 2);
  assert.deepEqual(scheduler.pendingDelays(), [1500]);
  scheduler.runNext();
  await alerts.idle();
  assert.equal(slack.requests.length, 3);
  assert.equal(scheduler.pending, 0, 'no retry after success');
  assert.deepEqual(slack.requests[2]?.body, slack.requests[0]?.body, 'the same message each time');

  const rows = await listDeliveries(store, { alert_id: alertId });
  const byTime = (a: unknown[], b: unknown[]) => String(a[5]).localeCompare(String(b[5])) || String(a[0]).localeCompare(String(b[0]));
  assert.deepEqual(
    rows.map((r) => [r.target, r.attempt, r.status, r.http_status, r.error, r.at]).sort(byTime),
    [
      ['pagerduty', 1, 'delivered', 202, null, '2026-06-01T12:00:00.000Z'],
      ['slack', 1, 'retrying', 503, 'HTTP_503', '2026-06-01T12:00:00.000Z'],
      ['slack', 2, 'retrying', 500, 'HTTP_500', '2026-06-01T12:00:00.750Z'],
      ['slack', 3, 'delivered', 200, null, '2026-06-01T12:00:02.250Z'],
    ],
  );
  assert.equal(rows[0]?.at, '2026-06-01T12:00:02.250Z', 'listed newest first');
  assert.equal(rows[0]?.kind, 'compensation_triggered');
  assert.equal(alerts.stats().deliveries.delivered, 2);
});

test('attempts are bounded: a target down for good ends failed; a 4xx is not retried', async () => {
  const down = await receiver({ fail: [503, 503, 503, 503, 503, 503] });
  const bad = await receiver({ fail: [400] });
  const { alerts, scheduler } = dispatcher([slackTarget({ webhookUrl: down.url }), pagerDutyTarget({ routingKey: ROUTING_KEY, url: bad.url })]);
  const alertId = alerts.raiseForEvent(sampleEvent({ event_type: 'oob_detected', authorization_id: uniq('authz') }))!;
  await alerts.idle();
  while (scheduler.runNext() > 0) await alerts.idle();
  assert.equal(down.requests.length, POLICY.maxAttempts);
  assert.equal(bad.requests.length, 1);
  const rows = await listDeliveries(store, { alert_id: alertId });
  assert.deepEqual(rows.filter((r) => r.target === 'slack').map((r) => r.status).reverse(), ['retrying', 'retrying', 'retrying', 'failed']);
  assert.deepEqual(rows.filter((r) => r.target === 'pagerduty').map((r) => [r.status, r.http_status, r.error]), [['failed', 400, 'HTTP_400']]);
  assert.deepEqual((await listDeliveries(store, { alert_id: alertId, status: 'failed' })).length, 2);
});

test('break-glass use alerts on every target; dedup key is the decision hash; a secret-looking reason is withheld', async () => {
  const slack = await receiver();
  const pd = await receiver({ okStatus: 202 });
  const { alerts } = dispatcher([slackTarget({ webhookUrl: slack.url }), pagerDutyTarget({ routingKey: ROUTING_KEY, url: pd.url })]);
  const use: BreakGlassAlertInput = {
    decision_id: uniq('dec'),
    decision_hash: `sha256:${'cd'.repeat(32)}`,
    level: 'L4',
    requested_by: { iss: 'https://idp.example.com', sub: 'dave' },
    reason: { category: 'outage_recovery', summary: 'payments down; used ghp_abcdefghijklmnopqrstuvwxyz0123456789 to fix', incident_ref: 'INC-42' },
    target: 'payments/prod',
    action_class: 'promotion',
    ttl_seconds: 600,
    used_at: '2026-06-01T12:00:00.000Z',
    review_due_at: '2026-06-04T12:00:00.000Z',
  };
  const id = alerts.alertBreakGlass(use);
  await alerts.idle();
  const trigger = pd.requests[0]?.body as PagerDutyTrigger;
  assert.equal(trigger.dedup_key, use.decision_hash);
  assert.equal(trigger.payload.class, 'break_glass_used');
  assert.equal(trigger.payload.severity, 'warning');
  assert.equal(trigger.payload.custom_details.decision_id, use.decision_id);
  assert.equal(trigger.payload.custom_details.requested_by_sub, 'dave');
  assert.equal(trigger.payload.custom_details.incident_ref, 'INC-42');
  assert.match(trigger.payload.summary, /Break-glass used \(L4\) by dave: promotion on payments\/prod/);
  assert.equal(trigger.payload.custom_details.reason_summary, '[withheld: looks like a secret]');
  assert.ok(!JSON.stringify(slack.requests).includes('ghp_'), 'not in Slack either');
  const stored = await eventsDb(store.db).selectFrom('alerts').selectAll().where('alert_id', '=', id).executeTakeFirstOrThrow();
  assert.ok(!JSON.stringify(stored).includes('ghp_'), 'nor in the store');
  assert.equal((await listDeliveries(store, { alert_id: id })).length, 2);
});

test('deliveries left pending by a stopped process are resumed with the next attempt number', async () => {
  const flaky = await receiver({ fail: [503] });
  const first = dispatcher([slackTarget({ webhookUrl: flaky.url })]);
  const alertId = first.alerts.raiseForEvent(sampleEvent({ event_type: 'revocation_hit', authorization_id: uniq('authz') }))!;
  await first.alerts.idle();
  first.alerts.close(); // the process stops with a retry waiting
  assert.equal(first.scheduler.pending, 0);

  const second = dispatcher([slackTarget({ webhookUrl: flaky.url })]);
  const resumed = await second.alerts.resumePending({ since: new Date('2026-06-01T00:00:00Z') });
  assert.ok(resumed >= 1);
  await second.alerts.idle();
  const rows = (await listDeliveries(store, { alert_id: alertId })).reverse();
  assert.deepEqual(rows.map((r) => [r.attempt, r.status]), [[1, 'retrying'], [2, 'delivered']]);
  assert.equal(await second.alerts.resumePending({ since: new Date('2026-06-01T00:00:00Z') }), 0, 'nothing left pending');
});

test('without targets an alert is still stored and logged; without a store it is only logged', async () => {
  const logs = new LogCapture();
  const { alerts } = dispatcher([], { logs });
  const id = alerts.raiseForEvent(sampleEvent({ event_type: 'oob_detected' }))!;
  await alerts.idle();
  assert.ok(await eventsDb(store.db).selectFrom('alerts').select('alert_id').where('alert_id', '=', id).executeTakeFirst());
  assert.match(logs.text(), /alert raised \(no alert target configured\)/);
  const bare = dispatcher([], { withStore: false });
  assert.ok(bare.alerts.raiseForEvent(sampleEvent({ event_type: 'oob_detected' })));
  await bare.alerts.idle();
  assert.deepEqual(ALERT_KINDS.length, 6);
});

test('alerts and deliveries are append-only; error and target columns accept codes and names only', async () => {
  await assert.rejects(sql`update alert_deliveries set status = 'delivered'`.execute(store.db), /append-only/);
  await assert.rejects(sql`delete from alerts`.execute(store.db), /append-only/);
  const [row] = await listDeliveries(store, { limit: 1 });
  assert.ok(row);
  await assert.rejects(
    sql`insert into alert_deliveries (alert_id, target, attempt, status, error, at) values (${row.alert_id}, 'slack', 99, 'failed', 'connect to https://hooks.slack.com/services/x failed', now())`.execute(store.db),
    /check/i,
  );
  await assert.rejects(
    sql`insert into alert_deliveries (alert_id, target, attempt, status, at) values (${row.alert_id}, 'https://hooks.slack.com/x', 99, 'failed', now())`.execute(store.db),
    /check/i,
  );
});
