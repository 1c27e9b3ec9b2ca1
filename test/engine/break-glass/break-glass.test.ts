import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { activationIntent } from '../../../src/engine/activation/activate-bundle.ts';
import { engineDb } from '../../../src/engine/tables.ts';
import type { Intent } from '../../../src/policy/intent.ts';
import { DEPLOY_SPIFFE_ID, promotionIntent } from '../helpers/intents.ts';
import { startHumanServer, type HumanTestServer } from './human-server.ts';

const HOUR = 3600_000;

function useBody(intent: Intent, extra: Record<string, unknown> = {}) {
  return {
    intent,
    reason: { category: 'outage_recovery', summary: 'payments API down; hotfix v1.4.3 must ship now', incident_ref: 'INC-42' },
    ttl_seconds: 600,
    scope: { target: intent.resource.id, action_class: intent.action_scope },
    ...extra,
  };
}

async function entryTypes(s: HumanTestServer, streamId: string): Promise<string[]> {
  const rows = await s.store.db.selectFrom('ledger_entries').select('entry_type').where('stream_id', '=', streamId).orderBy('seq').execute();
  return rows.map((r) => r.entry_type);
}

async function countDecisions(s: HumanTestServer): Promise<number> {
  const r = await engineDb(s.store.db).selectFrom('decisions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

describe('break-glass use', () => {
  let s: HumanTestServer;
  let workload: Record<string, string>;

  before(async () => {
    s = await startHumanServer();
    const r = await s.app.inject({ method: 'POST', url: '/v1/workload-credentials', headers: s.admin, payload: { spiffe_id: DEPLOY_SPIFFE_ID, pipeline_id: 'deploy-main' } });
    assert.equal(r.statusCode, 201, r.body);
    workload = { authorization: `Bearer ${r.json().secret}` };
  });
  after(async () => s.close());

  const use = async (user: string, payload: object) => s.app.inject({ method: 'POST', url: '/v1/break-glass', headers: await s.as(user), payload });

  test('an L4 security officer gets a prod promotion allowed without approvals, ledgered, alerted, and the workload gets its token', async () => {
    const now = s.clock.now();
    const r = await use('dave', useBody(promotionIntent('prod')));
    assert.equal(r.statusCode, 201, r.body);
    const { decision, break_glass: bg, ledger } = r.json();
    assert.equal(decision.verdict, 'allow');
    assert.equal(decision.status, 'allowed');
    assert.equal(decision.break_glass, true);
    assert.deepEqual(decision.reasons, ['promotion.prod.approval']);
    assert.equal(decision.obligations.approvals_required, 0);
    assert.equal(decision.expires_at, new Date(now.getTime() + 600_000).toISOString());
    assert.equal(bg.level, 'L4');
    assert.deepEqual(bg.requested_by, { iss: s.idp.issuer, sub: 'dave' });
    assert.equal(bg.review_due_at, new Date(now.getTime() + 72 * HOUR).toISOString());
    assert.equal(bg.review, null);
    assert.equal(bg.target, 'payments/prod');
    assert.equal(bg.action_class, 'promotion');
    // Decision, row and break_glass.used in one stream, integrated before the response.
    assert.deepEqual(await entryTypes(s, decision.decision_id), ['intent.received', 'decision.recorded', 'break_glass.used']);
    const used = await s.store.db.selectFrom('ledger_entries').select(['seq', 'entry_jcs']).where('stream_id', '=', decision.decision_id).where('entry_type', '=', 'break_glass.used').executeTakeFirstOrThrow();
    assert.equal(used.seq, ledger.seq);
    assert.match(used.entry_jcs, /"reason_category":"outage_recovery"/);
    assert.match(used.entry_jcs, /"incident_ref":"INC-42"/);
    const row = await engineDb(s.store.db).selectFrom('break_glass').selectAll().where('decision_id', '=', decision.decision_id).executeTakeFirstOrThrow();
    assert.equal(row.level, 'L4');
    assert.equal(row.requested_by_sub, 'dave');
    assert.equal(row.reviewed_at, null);
    // Every use alerts: a warning with the correlation keys.
    const alert = s.logs.lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'break-glass used' && l.decision_id === decision.decision_id);
    assert.ok(alert, 'break-glass use logged');
    assert.equal(alert.level, 40, 'a warning');
    assert.equal(alert.privilege_level, 'L4');
    assert.equal(alert.decision_hash, decision.decision_hash);
    // The normal token route issues for it.
    const token = await s.app.inject({ method: 'POST', url: `/v1/decisions/${decision.decision_id}/token`, headers: workload });
    assert.equal(token.statusCode, 201, token.body);
    assert.equal(token.json().claims.decision_hash, decision.decision_hash);
  });

  test('an L5 executive may use it too', async () => {
    const r = await use('erin', useBody(promotionIntent('prod')));
    assert.equal(r.statusCode, 201, r.body);
    assert.equal(r.json().break_glass.level, 'L5');
    assert.deepEqual(r.json().break_glass.requested_by, { iss: s.idp.issuer, sub: 'erin' });
  });

  test('everyone else is refused: approvers, operators, auditors, admins, viewers (403 NOT_PRIVILEGED), the admin credential and anonymous callers (401)', async () => {
    const before = await countDecisions(s);
    for (const user of ['alice', 'bob', 'carol', 'frank', 'grace', 'mallory']) {
      const r = await use(user, useBody(promotionIntent('prod')));
      assert.equal(r.statusCode, 403, `${user}: ${r.body}`);
      assert.equal(r.json().code, 'FORBIDDEN');
      assert.equal(r.json().reason, 'NOT_PRIVILEGED');
    }
    const admin = await s.app.inject({ method: 'POST', url: '/v1/break-glass', headers: s.admin, payload: useBody(promotionIntent('prod')) });
    assert.equal(admin.statusCode, 401);
    const anon = await s.app.inject({ method: 'POST', url: '/v1/break-glass', payload: useBody(promotionIntent('prod')) });
    assert.equal(anon.statusCode, 401);
    assert.equal(await countDecisions(s), before);
  });

  test('the scope must equal the intent (target and action class)', async () => {
    const before = await countDecisions(s);
    const intent = promotionIntent('prod');
    for (const scope of [{ target: 'billing/prod', action_class: 'promotion' }, { target: 'payments/prod', action_class: 'terraform.apply' }]) {
      const r = await use('dave', useBody(intent, { scope }));
      assert.equal(r.statusCode, 400, r.body);
      assert.equal(r.json().reason, 'SCOPE_MISMATCH');
    }
    assert.equal(await countDecisions(s), before);
  });

  test('the TTL is bounded to 1…3600 seconds and defaults to 900; the decision expires with it', async () => {
    for (const ttl of [0, 3601, 86_400]) {
      const r = await use('dave', useBody(promotionIntent('prod'), { ttl_seconds: ttl }));
      assert.equal(r.statusCode, 400, `${ttl}: ${r.body}`);
    }
    const now = s.clock.now();
    const { ttl_seconds: _ttl, ...noTtl } = useBody(promotionIntent('prod'));
    void _ttl;
    const dflt = await use('dave', noTtl);
    assert.equal(dflt.statusCode, 201, dflt.body);
    assert.equal(dflt.json().break_glass.ttl_seconds, 900);
    assert.equal(dflt.json().decision.expires_at, new Date(now.getTime() + 900_000).toISOString());
    const max = await use('dave', useBody(promotionIntent('prod'), { ttl_seconds: 3600 }));
    assert.equal(max.statusCode, 201, max.body);
    const short = await use('dave', useBody(promotionIntent('prod'), { ttl_seconds: 1 }));
    assert.equal(short.statusCode, 201, short.body);
    // Past its TTL the decision is expired: no token.
    s.clock.advance(1_000);
    const late = await s.app.inject({ method: 'POST', url: `/v1/decisions/${short.json().decision.decision_id}/token`, headers: workload });
    assert.equal(late.statusCode, 403, late.body);
    assert.equal(late.json().reason, 'DECISION_EXPIRED');
  });

  test('a forbid stays a deny: under a phase hold the attempt is recorded as denied and refused with POLICY_DENIES', async () => {
    const hold = await s.app.inject({ method: 'POST', url: '/v1/signals/holds', headers: s.admin, payload: { target: 'payments/prod', reason: 'release freeze' } });
    assert.equal(hold.statusCode, 201, hold.body);
    try {
      const r = await use('dave', useBody(promotionIntent('prod')));
      assert.equal(r.statusCode, 403, r.body);
      const p = r.json();
      assert.equal(p.reason, 'POLICY_DENIES');
      assert.equal(p.deny_code, 'POLICY_FORBID');
      const d = await engineDb(s.store.db).selectFrom('decisions').select(['status', 'verdict', 'break_glass', 'decision_hash']).where('decision_id', '=', p.decision_id).executeTakeFirstOrThrow();
      assert.equal(d.status, 'denied');
      assert.equal(d.verdict, 'deny');
      assert.equal(d.break_glass, true);
      assert.equal(d.decision_hash, p.decision_hash);
      assert.deepEqual(await entryTypes(s, p.decision_id), ['intent.received', 'decision.recorded']);
      const row = await engineDb(s.store.db).selectFrom('break_glass').select('decision_id').where('decision_id', '=', p.decision_id).executeTakeFirst();
      assert.equal(row, undefined, 'a refused attempt is not a use');
      const token = await s.app.inject({ method: 'POST', url: `/v1/decisions/${p.decision_id}/token`, headers: workload });
      assert.equal(token.json().reason, 'DECISION_DENIED');
    } finally {
      const id = hold.json().id;
      const cleared = await s.app.inject({ method: 'POST', url: `/v1/signals/holds/${id}/clear`, headers: s.admin, payload: {} });
      assert.equal(cleared.statusCode, 200, cleared.body);
    }
  });

  test('policy activation is not break-glassable (BREAK_GLASS_NOT_ALLOWED, no decision made)', async () => {
    const before = await countDecisions(s);
    const active = (await s.app.inject({ method: 'GET', url: '/v1/policy/active', headers: s.admin })).json();
    const intent = activationIntent({ kind: 'admin' }, { policy_bundle_hash: `sha256:${'1'.repeat(64)}`, bundle_id: active.bundle_id, version: '9.9.9' });
    const r = await use('erin', useBody(intent));
    assert.equal(r.statusCode, 403, r.body);
    assert.equal(r.json().reason, 'BREAK_GLASS_NOT_ALLOWED');
    assert.equal(await countDecisions(s), before);
  });
});

describe('break-glass review and listing', () => {
  let s: HumanTestServer;

  before(async () => {
    s = await startHumanServer();
  });
  after(async () => s.close());

  const use = async (user: string) => {
    const r = await s.app.inject({ method: 'POST', url: '/v1/break-glass', headers: await s.as(user), payload: useBody(promotionIntent('prod')) });
    assert.equal(r.statusCode, 201, r.body);
    return r.json().decision.decision_id as string;
  };
  const review = async (user: string, id: string, outcome = 'justified') =>
    s.app.inject({ method: 'POST', url: `/v1/break-glass/${id}/review`, headers: await s.as(user), payload: { outcome, notes: 'post-incident review: INC-42' } });
  const list = async (status: string, headers?: Record<string, string>) => {
    const r = await s.app.inject({ method: 'GET', url: `/v1/break-glass?status=${status}`, headers: headers ?? s.admin });
    assert.equal(r.statusCode, 200, r.body);
    return r.json().uses as Array<{ decision_id: string; overdue: boolean; review: null | { outcome: string; reviewed_by: { sub: string } } }>;
  };

  test('review rules: not by the user (SELF_REVIEW), only by auditor/security officer/admin (NOT_PRIVILEGED), once (ALREADY_REVIEWED)', async () => {
    const id = await use('dave');
    const self = await review('dave', id);
    assert.equal(self.statusCode, 403, self.body);
    assert.equal(self.json().reason, 'SELF_REVIEW');
    for (const user of ['alice', 'carol', 'mallory']) {
      const r = await review(user, id);
      assert.equal(r.statusCode, 403, `${user}: ${r.body}`);
      assert.equal(r.json().reason, 'NOT_PRIVILEGED');
    }
    const byAdmin = await s.app.inject({ method: 'POST', url: `/v1/break-glass/${id}/review`, headers: s.admin, payload: { outcome: 'justified', notes: 'x' } });
    assert.equal(byAdmin.statusCode, 401, 'the review is a person’s');
    const ok = await review('frank', id, 'needs_follow_up');
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().break_glass.review.outcome, 'needs_follow_up');
    assert.deepEqual(ok.json().break_glass.review.reviewed_by, { iss: s.idp.issuer, sub: 'frank' });
    const again = await review('grace', id);
    assert.equal(again.statusCode, 409, again.body);
    assert.equal(again.json().code, 'CONFLICT');
    assert.equal(again.json().reason, 'ALREADY_REVIEWED');
    const entries = await s.store.db.selectFrom('ledger_entries').select('entry_jcs').where('stream_id', '=', id).where('entry_type', '=', 'break_glass.reviewed').execute();
    assert.equal(entries.length, 1);
    assert.match(entries[0]!.entry_jcs, /"overdue":false/);
    assert.match(entries[0]!.entry_jcs, /"outcome":"needs_follow_up"/);
    const row = await engineDb(s.store.db).selectFrom('break_glass').selectAll().where('decision_id', '=', id).executeTakeFirstOrThrow();
    assert.equal(row.review_outcome, 'needs_follow_up');
    const missing = await review('frank', 'dec_missing');
    assert.equal(missing.statusCode, 404);
  });

  test('an unreviewed use is overdue 72 h after it; a late review is ledgered as overdue and leaves the overdue list', async () => {
    const id = await use('erin');
    assert.ok(!(await list('overdue')).some((u) => u.decision_id === id));
    assert.ok((await list('unreviewed')).some((u) => u.decision_id === id));
    s.clock.advance(72 * HOUR - 1);
    assert.ok(!(await list('overdue')).some((u) => u.decision_id === id), 'not yet due');
    s.clock.advance(1);
    const overdue = await list('overdue');
    assert.ok(overdue.some((u) => u.decision_id === id && u.overdue), 'due exactly at review_due_at');
    assert.ok(s.logs.lines.some((l) => l.includes('break_glass.review_overdue') && l.includes(id)));
    // Auditors and security officers may list; others may not.
    assert.ok((await list('overdue', await s.as('frank'))).some((u) => u.decision_id === id));
    assert.ok((await list('overdue', await s.as('dave'))).some((u) => u.decision_id === id));
    for (const user of ['alice', 'mallory']) {
      const r = await s.app.inject({ method: 'GET', url: '/v1/break-glass?status=all', headers: await s.as(user) });
      assert.equal(r.statusCode, 403, user);
      assert.equal(r.json().reason, 'NOT_PRIVILEGED');
    }
    const late = await review('dave', id, 'justified');
    assert.equal(late.statusCode, 200, late.body);
    const entry = await s.store.db.selectFrom('ledger_entries').select('entry_jcs').where('stream_id', '=', id).where('entry_type', '=', 'break_glass.reviewed').executeTakeFirstOrThrow();
    assert.match(entry.entry_jcs, /"overdue":true/);
    assert.ok(!(await list('overdue')).some((u) => u.decision_id === id));
    assert.ok(!(await list('unreviewed')).some((u) => u.decision_id === id));
    const all = await list('all');
    const listed = all.find((u) => u.decision_id === id);
    assert.equal(listed?.review?.outcome, 'justified');
    assert.equal(listed?.overdue, false);
  });
});
