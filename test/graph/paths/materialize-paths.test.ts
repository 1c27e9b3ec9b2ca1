import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { materializePaths } from '../../../src/graph/paths/materialize-paths.ts';
import { generateInventory } from '../../../src/graph/model/generate-inventory.ts';
import { SAMPLE_NOW, SAMPLE_WINDOW_DAYS, sampleInventory } from '../fixtures/sample-inventory.ts';

const opts = { now: SAMPLE_NOW, evidenceWindowDays: SAMPLE_WINDOW_DAYS };

test('every sample path, checked by hand', () => {
  const paths = materializePaths(sampleInventory(), opts);
  const summary = paths.map((p) => [
    p.workload, p.identity, p.destination, p.domain, p.actions.join(','), p.grade, p.egress_class,
    p.ownership, p.orphaned_at.join('+'), p.credential_posture, p.sensitivity,
  ]);
  assert.deepEqual(summary, [
    ['w:agent', 'i:agent-role', 'd:openai', null, 'openai:CreateChatCompletion', 'B', 'llm-api', 'owned', '', 'short-lived', null],
    ['w:agent', 'i:agent-role', 'd:pii-bucket', 'dom:pii', 's3:GetObject', 'A', 'cloud-storage', 'owned', '', 'short-lived', 'restricted'],
    ['w:ci', 'i:ci-user', 'd:logs-db', 'dom:logs', 'rds-db:connect', 'C', 'internal', 'orphaned', 'workload+identity', 'long-lived', 'internal'],
    ['w:ci', 'i:ci-user', 'd:pii-bucket', 'dom:pii', 's3:*', 'C', 'cloud-storage', 'orphaned', 'workload+identity', 'long-lived', 'restricted'],
    ['w:svc', 'i:svc-sa', 'd:logs-db', 'dom:logs', 'rds-db:connect', 'B', 'internal', 'owned', '', 'none', 'internal'],
    ['w:svc', 'i:svc-sa', 'd:webhook', null, 'http:POST', 'C', 'external-http', 'owned', '', 'none', null],
  ]);
});

test('path ids are sha256 of the node ids joined by newlines', () => {
  const [first, second] = materializePaths(sampleInventory(), opts);
  const sha = (s: string): string => createHash('sha256').update(s).digest('hex');
  assert.equal(first?.path_id, sha('w:agent\ni:agent-role\nd:openai\n'));
  assert.equal(second?.path_id, sha('w:agent\ni:agent-role\nd:pii-bucket\ndom:pii'));
});

test('evidence used is attached; out-of-window and future records are ignored', () => {
  const paths = materializePaths(sampleInventory(), opts);
  const byDest = (w: string, d: string) => paths.find((p) => p.workload === w && p.destination === d);
  assert.deepEqual(byDest('w:agent', 'd:pii-bucket')?.evidence.map((e) => e.source.pointer), ['/Records/0']);
  assert.deepEqual(byDest('w:agent', 'd:openai')?.evidence.map((e) => e.source.pointer), ['/RoleLastUsed']);
  assert.deepEqual(byDest('w:svc', 'd:webhook')?.evidence, []);
  // widen the window to a year: the old confirmed record now makes the openai path grade A
  const wide = materializePaths(sampleInventory(), { now: SAMPLE_NOW, evidenceWindowDays: 365 });
  assert.equal(wide.find((p) => p.destination === 'd:openai')?.grade, 'A');
});

test('walked edges are the RUNS_AS, CAN_ACCESS and HOLDS edges', () => {
  const path = materializePaths(sampleInventory(), opts)[1];
  assert.deepEqual(path?.edges.map((e) => `${e.kind}:${e.from}->${e.to}`), [
    'RUNS_AS:w:agent->i:agent-role',
    'CAN_ACCESS:i:agent-role->d:pii-bucket',
    'HOLDS:d:pii-bucket->dom:pii',
  ]);
});

test('several CAN_ACCESS edges fold into one path with the union of actions', () => {
  const inv = sampleInventory();
  inv.edges.push({ kind: 'CAN_ACCESS', from: 'i:agent-role', to: 'd:pii-bucket', actions: ['s3:PutObject', 's3:GetObject'], source: { connector: 't', file: 'p2' } });
  inv.edges.push({ kind: 'HOLDS', from: 'd:pii-bucket', to: 'dom:logs', source: { connector: 't', file: 'h2' } });
  const paths = materializePaths(inv, opts).filter((p) => p.workload === 'w:agent' && p.destination === 'd:pii-bucket');
  assert.deepEqual(paths.map((p) => [p.domain, p.actions.join(',')]), [
    ['dom:logs', 's3:GetObject,s3:PutObject'],
    ['dom:pii', 's3:GetObject,s3:PutObject'],
  ]);
  assert.equal(paths[0]?.edges.length, 4);
});

test('ownership is orphaned at exactly the nodes lacking OWNED_BY', () => {
  const inv = sampleInventory();
  inv.edges = inv.edges.filter((e) => !(e.kind === 'OWNED_BY' && e.from === 'i:agent-role'));
  inv.edges.push({ kind: 'OWNED_BY', from: 'w:ci', to: 'o:team', source: { connector: 't', file: 'o' } });
  const paths = materializePaths(inv, opts);
  assert.deepEqual([...new Set(paths.map((p) => `${p.workload}:${p.orphaned_at.join('+')}`))], ['w:agent:identity', 'w:ci:identity', 'w:svc:']);
});

test('generated inventory of 1,000 workloads yields workloads × destinations × domains paths with unique ids', () => {
  const shape = { workloads: 1000, identities: 200, destinations: 50, domains: 8, destinationsPerIdentity: 5, domainsPerDestination: 2 };
  const paths = materializePaths(generateInventory(shape), { now: new Date('2026-06-01T00:00:00Z'), evidenceWindowDays: 365 });
  assert.equal(paths.length, 1000 * 5 * 2);
  assert.equal(new Set(paths.map((p) => p.path_id)).size, paths.length);
  // identity i has confirmed evidence on destination i % 50 when i % 7 === 0; workload w runs as identity w % 200
  const gradeA = paths.filter((p) => p.grade === 'A').length;
  const identitiesWithEvidence = Array.from({ length: 200 }, (_, i) => i).filter((i) => i % 7 === 0).length;
  assert.equal(gradeA, identitiesWithEvidence * (1000 / 200) * 2);
});
