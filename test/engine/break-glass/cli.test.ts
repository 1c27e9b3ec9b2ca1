import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { registerBreakGlassCommands } from '../../../src/cli/commands/break-glass.ts';
import { promotionIntent } from '../helpers/intents.ts';
import { cliRunner } from './cli-harness.ts';
import { startHumanServer, type HumanTestServer } from './human-server.ts';

let s: HumanTestServer;
let run: ReturnType<typeof cliRunner>;
let intentFile: string;

before(async () => {
  s = await startHumanServer();
  const addr = await s.app.listen({ host: '127.0.0.1', port: 0 });
  run = cliRunner(s, addr, registerBreakGlassCommands);
  intentFile = join(mkdtempSync(join(tmpdir(), 'writ-bg-')), 'prod.json');
  writeFileSync(intentFile, JSON.stringify(promotionIntent('prod')));
});
after(async () => s.close());

test('writ break-glass use → list → review → list, as dev users', async () => {
  const used = await run(true, 'break-glass', 'use', '--intent', intentFile, '--category', 'outage_recovery', '--summary', 'payments down', '--incident-ref', 'INC-7', '--ttl', '300', '--dev-user', 'dave');
  const u = JSON.parse(used.out);
  assert.equal(u.decision.status, 'allowed');
  assert.equal(u.decision.break_glass, true);
  assert.equal(u.break_glass.level, 'L4');
  assert.equal(u.break_glass.ttl_seconds, 300);
  assert.deepEqual(u.break_glass.reason, { category: 'outage_recovery', summary: 'payments down', incident_ref: 'INC-7' });
  const id = u.decision.decision_id as string;

  const unreviewed = JSON.parse((await run(true, 'break-glass', 'list', '--unreviewed')).out);
  assert.deepEqual(unreviewed.uses.map((x: { decision_id: string }) => x.decision_id), [id]);
  const text = (await run(false, 'break-glass', 'list', '--dev-user', 'frank')).out;
  assert.match(text, new RegExp(`${id}\\s+L4 dave\\s+promotion payments/prod`));

  await assert.rejects(run(true, 'break-glass', 'review', id, '--outcome', 'justified', '--notes', 'mine', '--dev-user', 'dave'), (err: Error & { reason?: string }) => err.reason === 'SELF_REVIEW');
  const reviewed = JSON.parse((await run(true, 'break-glass', 'review', id, '--outcome', 'justified', '--notes', 'INC-7 post-mortem', '--dev-user', 'frank')).out);
  assert.equal(reviewed.break_glass.review.outcome, 'justified');
  assert.equal(JSON.parse((await run(true, 'break-glass', 'list', '--unreviewed')).out).uses.length, 0);
  assert.equal(JSON.parse((await run(true, 'break-glass', 'list')).out).uses.length, 1);
});

test('writ break-glass use refuses a person who is not L4/L5, and needs a person at all', async () => {
  await assert.rejects(
    run(true, 'break-glass', 'use', '--intent', intentFile, '--category', 'security_fix', '--summary', 'x', '--dev-user', 'carol'),
    (err: Error & { code?: string; reason?: string }) => err.code === 'FORBIDDEN' && err.reason === 'NOT_PRIVILEGED',
  );
  await assert.rejects(run(true, 'break-glass', 'use', '--intent', intentFile, '--category', 'security_fix', '--summary', 'x'), (err: Error & { code?: string }) => err.code === 'IDENTITY_REQUIRED');
  await assert.rejects(run(true, 'break-glass', 'use', '--intent', intentFile, '--category', 'panic', '--summary', 'x', '--dev-user', 'dave'), /category|Allowed choices/i);
});
