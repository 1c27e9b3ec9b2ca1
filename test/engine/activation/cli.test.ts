import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { registerPolicyCommands } from '../../../src/cli/commands/policy.ts';
import { transitionStatus } from '../../../src/engine/decisions/decision-store.ts';
import { DEFAULT_BUNDLE_DIR } from '../../../src/policy/default-bundle.ts';
import { cliRunner } from '../break-glass/cli-harness.ts';
import { startHumanServer, type HumanTestServer } from '../break-glass/human-server.ts';

let s: HumanTestServer;
let run: ReturnType<typeof cliRunner>;

/** A copy of the default bundle directory with another version. */
function bundleDir(version: string, edit: (dir: string) => void = () => {}): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'writ-bundle-')), 'bundle');
  cpSync(DEFAULT_BUNDLE_DIR, dir, { recursive: true });
  const manifest = join(dir, 'bundle.yaml');
  writeFileSync(manifest, readFileSync(manifest, 'utf8').replace(/^version: .*$/m, `version: "${version}"`));
  edit(dir);
  return dir;
}

before(async () => {
  s = await startHumanServer();
  const addr = await s.app.listen({ host: '127.0.0.1', port: 0 });
  run = cliRunner(s, addr, registerPolicyCommands);
});
after(async () => s.close());

test('writ policy push (local validation first), bundles, activate, apply', async () => {
  const dir = bundleDir('2.0.0');
  const pushed = JSON.parse((await run(true, 'policy', 'push', dir)).out);
  assert.equal(pushed.stored, true);
  assert.equal(pushed.version, '2.0.0');
  const again = await run(false, 'policy', 'push', dir);
  assert.match(again.out, /^already stored: writ-default 2\.0\.0/);
  assert.ok(again.out.includes(pushed.policy_bundle_hash));

  const bad = bundleDir('2.0.1', (d) => {
    const f = join(d, 'policies', 'governance.cedar');
    writeFileSync(f, `${readFileSync(f, 'utf8')}\n@id("x.bad")\npermit (principal, action == Writ::Action::"policy.activate", resource is Writ::PolicyBundle) when { resource.colour == "red" };\n`);
  });
  const refused = await run(true, 'policy', 'push', bad);
  assert.equal(refused.exitCode, 2);
  assert.equal(JSON.parse(refused.out).valid, false);

  const list = JSON.parse((await run(true, 'policy', 'bundles')).out).bundles as Array<{ policy_bundle_hash: string; active: boolean; version: string }>;
  assert.equal(list.length, 2, 'the default bundle and 2.0.0; the invalid one was never sent');
  assert.equal(list.find((b) => b.active)?.version, '1.0.0');

  const requested = JSON.parse((await run(true, 'policy', 'activate', pushed.policy_bundle_hash, '--justification', 'CHG-9', '--dev-user', 'carol')).out);
  const id = requested.decision.decision_id as string;
  assert.equal(requested.decision.status, 'pending_approval');
  await assert.rejects(run(true, 'policy', 'apply', id), (err: Error & { reason?: string }) => err.reason === 'NOT_APPROVED');
  // Approvals belong to the approvals API; here the decision is moved to approved in the store.
  assert.equal(await s.store.transaction((trx) => transitionStatus(trx, id, 'pending_approval', 'approved', s.clock.now())), true);
  const applied = await run(false, 'policy', 'apply', id, '--dev-user', 'dave');
  assert.match(applied.out, new RegExp(`^active: ${pushed.policy_bundle_hash} \\(was sha256:`));
  const now = JSON.parse((await run(true, 'policy', 'bundles')).out).bundles as Array<{ policy_bundle_hash: string; active: boolean }>;
  assert.equal(now.find((b) => b.active)?.policy_bundle_hash, pushed.policy_bundle_hash);
});
