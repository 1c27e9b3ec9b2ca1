import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { Inventory } from '../../../src/graph/model/inventory.ts';
import { materializePaths } from '../../../src/graph/paths/materialize-paths.ts';
import { buildFindingContext } from '../../../src/graph/findings/finding-context.ts';
import type { GraphFinding } from '../../../src/graph/findings/finding.ts';
import { runGraphFindings, GRAPH_RULES } from '../../../src/graph/findings/run-graph-findings.ts';
import { orphanedSensitivePathRule } from '../../../src/graph/findings/rules/orphaned-sensitive-path.ts';
import { standingSensitiveAuthorityRule } from '../../../src/graph/findings/rules/standing-sensitive-authority.ts';
import { longLivedCredentialRule } from '../../../src/graph/findings/rules/long-lived-credential.ts';
import { sensitiveToLlmEgressRule } from '../../../src/graph/findings/rules/sensitive-to-llm-egress.ts';
import { wildcardAuthorityRule } from '../../../src/graph/findings/rules/wildcard-authority.ts';
import { evidenceGapRule } from '../../../src/graph/findings/rules/evidence-gap.ts';
import { SAMPLE_NOW, SAMPLE_WINDOW_DAYS, sampleInventory } from '../fixtures/sample-inventory.ts';

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');
/** Expected finding id, computed independently of the code under test. */
const expectedId = (rule: string, subject: string): string => `${rule}-${sha(`${rule}\n${subject}`).slice(0, 16)}`;
const pathIdOf = (...nodes: string[]): string => sha(nodes.join('\n'));
const ciPiiPath = pathIdOf('w:ci', 'i:ci-user', 'd:pii-bucket', 'dom:pii');

function run(inv: Inventory, rule: (ctx: ReturnType<typeof buildFindingContext>) => GraphFinding[]): GraphFinding[] {
  const paths = materializePaths(inv, { now: SAMPLE_NOW, evidenceWindowDays: SAMPLE_WINDOW_DAYS });
  return rule(buildFindingContext(inv, paths, { evidenceWindowDays: SAMPLE_WINDOW_DAYS }));
}

test('GRAPH-001 orphaned path to a sensitive domain', () => {
  const findings = run(sampleInventory(), orphanedSensitivePathRule);
  assert.deepEqual(findings.map((f) => f.id), [expectedId('GRAPH-001', `path:${ciPiiPath}`)]);
  assert.deepEqual(findings[0]?.path_ids, [ciPiiPath]);
  assert.equal(findings[0]?.severity, 'high');
  assert.match(findings[0]?.remediation ?? '', /Assign an owner to workload deploy-job \(w:ci\) and identity ci-user \(i:ci-user\).*remove actions s3:\* on arn:aws:s3:::pii\/\*/);
  // give both an owner: the finding disappears
  const owned = sampleInventory();
  owned.edges.push({ kind: 'OWNED_BY', from: 'w:ci', to: 'o:team', source: { connector: 't', file: 'o' } });
  owned.edges.push({ kind: 'OWNED_BY', from: 'i:ci-user', to: 'o:team', source: { connector: 't', file: 'o' } });
  assert.deepEqual(run(owned, orphanedSensitivePathRule), []);
});

test('GRAPH-002 standing grade-C authority to a sensitive domain', () => {
  const findings = run(sampleInventory(), standingSensitiveAuthorityRule);
  assert.deepEqual(findings.map((f) => f.id), [expectedId('GRAPH-002', 'i:ci-user -> d:pii-bucket')]);
  assert.deepEqual(findings[0]?.path_ids, [ciPiiPath]);
  assert.match(findings[0]?.remediation ?? '', /Remove actions s3:\* on arn:aws:s3:::pii\/\* from identity ci-user \(i:ci-user\): no use recorded in the last 30 days/);
  // the agent's confirmed use ages out of the window: its PII path becomes standing authority too
  const stale = sampleInventory();
  stale.evidence = stale.evidence.filter((e) => e.destination !== 'd:pii-bucket');
  assert.deepEqual(run(stale, standingSensitiveAuthorityRule).map((f) => f.id).sort(), [
    expectedId('GRAPH-002', 'i:agent-role -> d:pii-bucket'),
    expectedId('GRAPH-002', 'i:ci-user -> d:pii-bucket'),
  ].sort());
});

test('GRAPH-003 long-lived credential on a path to a sensitive domain', () => {
  const findings = run(sampleInventory(), longLivedCredentialRule);
  assert.deepEqual(findings.map((f) => f.id), [expectedId('GRAPH-003', 'i:ci-user ~ c:ci-key')]);
  assert.match(findings[0]?.remediation ?? '', /Replace long-lived access-key AKIAEXAMPLE \(c:ci-key\) \(last rotated 2024-01-01T00:00:00Z\)/);
  // a short-lived credential instead: no finding
  const short = sampleInventory();
  for (const c of short.credentials) c.lifetime = 'short-lived';
  assert.deepEqual(run(short, longLivedCredentialRule), []);
});

test('GRAPH-004 sensitive reach plus llm-api egress from one workload', () => {
  const findings = run(sampleInventory(), sensitiveToLlmEgressRule);
  assert.deepEqual(findings.map((f) => f.id), [expectedId('GRAPH-004', 'w:agent')]);
  assert.equal(findings[0]?.severity, 'critical');
  assert.deepEqual(findings[0]?.path_ids, [
    pathIdOf('w:agent', 'i:agent-role', 'd:pii-bucket', 'dom:pii'),
    pathIdOf('w:agent', 'i:agent-role', 'd:openai', ''),
  ]);
  assert.equal(findings[0]?.evidence.length, 2);
  assert.match(findings[0]?.remediation ?? '', /Remove actions openai:CreateChatCompletion on api\.openai\.com from identity agent-role/);
  // the webhook becomes an LLM endpoint: the reporting service only reaches internal data, so still one finding
  const inv = sampleInventory();
  const webhook = inv.destinations.find((d) => d.id === 'd:webhook');
  if (webhook) webhook.egress_class = 'llm-api';
  assert.deepEqual(run(inv, sensitiveToLlmEgressRule).map((f) => f.subject), ['w:agent']);
  // ... but once logs are confidential it reaches sensitive data too
  const logs = inv.domains.find((d) => d.id === 'dom:logs');
  if (logs) logs.sensitivity = 'confidential';
  // (w:ci reaches sensitive data but no LLM API, so it stays clean)
  const widened = run(inv, sensitiveToLlmEgressRule);
  assert.deepEqual(widened.map((f) => f.id), [expectedId('GRAPH-004', 'w:agent'), expectedId('GRAPH-004', 'w:svc')]);
  assert.equal(widened[1]?.severity, 'high');
});

test('GRAPH-005 wildcard actions or resources', () => {
  const findings = run(sampleInventory(), wildcardAuthorityRule);
  assert.deepEqual(findings.map((f) => f.id).sort(), [
    expectedId('GRAPH-005', 'i:agent-role -> d:pii-bucket'),
    expectedId('GRAPH-005', 'i:ci-user -> d:pii-bucket'),
  ].sort());
  const ci = findings.find((f) => f.subject === 'i:ci-user -> d:pii-bucket');
  assert.equal(ci?.severity, 'high');
  assert.match(ci?.remediation ?? '', /^Replace s3:\* on arn:aws:s3:::pii\/\* in identity ci-user \(i:ci-user\) with the specific actions it needs/);
  const agent = findings.find((f) => f.subject === 'i:agent-role -> d:pii-bucket');
  assert.equal(agent?.severity, 'medium');
  // evidence suggests the actions to keep
  const inv = sampleInventory();
  inv.evidence.push({ identity: 'i:ci-user', destination: 'd:pii-bucket', action: 's3:PutObject', time: '2026-11-01T00:00:00Z', kind: 'confirmed', source: { connector: 't', file: 'trail' } });
  const withUse = run(inv, wildcardAuthorityRule).find((f) => f.subject === 'i:ci-user -> d:pii-bucket');
  assert.match(withUse?.remediation ?? '', /with the actions it was seen using: s3:PutObject/);
});

test('GRAPH-006 evidence-gap summary per destination kind', () => {
  const findings = run(sampleInventory(), evidenceGapRule);
  assert.deepEqual(findings.map((f) => f.id), [
    expectedId('GRAPH-006', 'destination-kind:api'),
    expectedId('GRAPH-006', 'destination-kind:database'),
    expectedId('GRAPH-006', 'destination-kind:storage'),
  ]);
  assert.deepEqual(findings.map((f) => f.path_ids.length), [1, 1, 1]);
  assert.equal(
    findings[2]?.remediation,
    "1 path to 1 storage destination cannot be confirmed or denied: enable CloudTrail data events for S3 (or the storage service's access logs) in account 111122223333.",
  );
  // evidence for every pair: no gaps
  const inv = sampleInventory();
  for (const e of inv.edges.filter((x) => x.kind === 'CAN_ACCESS')) {
    inv.evidence.push({ identity: e.from, destination: e.to, action: 'x', time: '2026-11-24T00:00:00Z', kind: 'inferred', source: { connector: 't', file: 'e' } });
  }
  assert.deepEqual(run(inv, evidenceGapRule), []);
});

test('runGraphFindings runs every rule, sorted, deterministically', () => {
  const inv = sampleInventory();
  const paths = materializePaths(inv, { now: SAMPLE_NOW, evidenceWindowDays: SAMPLE_WINDOW_DAYS });
  const findings = runGraphFindings(inv, paths, { evidenceWindowDays: SAMPLE_WINDOW_DAYS });
  assert.deepEqual(findings.map((f) => f.rule), ['GRAPH-001', 'GRAPH-002', 'GRAPH-003', 'GRAPH-004', 'GRAPH-005', 'GRAPH-005', 'GRAPH-006', 'GRAPH-006', 'GRAPH-006']);
  assert.deepEqual(GRAPH_RULES.map((r) => r.id), ['GRAPH-001', 'GRAPH-002', 'GRAPH-003', 'GRAPH-004', 'GRAPH-005', 'GRAPH-006']);
  const reversed = { ...inv, edges: [...inv.edges].reverse(), evidence: [...inv.evidence].reverse() };
  const again = runGraphFindings(reversed, materializePaths(reversed, { now: SAMPLE_NOW, evidenceWindowDays: SAMPLE_WINDOW_DAYS }), { evidenceWindowDays: SAMPLE_WINDOW_DAYS });
  assert.deepEqual(again.map((f) => [f.id, f.path_ids, f.remediation]), findings.map((f) => [f.id, f.path_ids, f.remediation]));
  for (const f of findings) assert.ok(f.sources.length > 0, `${f.id} cites sources`);
});
