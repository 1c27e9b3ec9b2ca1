// Tests of the CloudTrail connector on a log file written in the real format (data and management
// events, an assumed-role session, an IAM user, an AWS service, a failed call, a web-identity call),
// and of the join with the IAM connector: the same identity and destination ids for the same facts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseAccountAuthorizationDetails } from '../../../src/graph/connectors/aws-iam/parse-account-authorization-details.ts';
import { cloudTrailAction, cloudTrailIdentity, parseCloudTrailRecords } from '../../../src/graph/connectors/cloudtrail/parse-cloudtrail-records.ts';

const TRAIL = 'fixtures/cloudtrail-records.json';
const IAM = 'fixtures/iam-authorization-details.json';
const read = (file: string): unknown => JSON.parse(readFileSync(new URL(file, import.meta.url), 'utf8'));
const ROLE = 'aws:iam:role/arn:aws:iam::111122223333:role/ci/deploy';
const ALICE = 'aws:iam:user/arn:aws:iam::111122223333:user/staff/alice';
const BUCKET = 'aws:s3:bucket/customer-exports';
const KEY = 'aws:kms:arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

test('each successful record is confirmed evidence with identity, destination, action and time', () => {
  const { inventory } = parseCloudTrailRecords(read(TRAIL), { file: TRAIL });
  assert.deepEqual(inventory.evidence.map((e) => [e.identity, e.destination, e.action, e.time, e.kind, e.source.pointer]), [
    // object + bucket resources of one data event collapse to one destination
    [ROLE, BUCKET, 's3:GetObject', '2026-11-20T08:05:00.000Z', 'confirmed', '/Records/0'],
    // no resources: requestParameters.bucketName
    [ROLE, BUCKET, 's3:PutObject', '2026-11-20T08:06:00.000Z', 'confirmed', '/Records/1'],
    // no resource at all: the service wildcard; event name mapped to the authorizing action
    [ALICE, 'aws:s3:*', 's3:ListAllMyBuckets', '2026-11-21T09:00:00.000Z', 'confirmed', '/Records/2'],
    ['aws:service/s3.amazonaws.com', KEY, 'kms:Decrypt', '2026-11-21T10:00:00.000Z', 'confirmed', '/Records/4'],
  ]);
  assert.deepEqual(inventory.identities.map((i) => [i.id, i.kind]), [
    [ROLE, 'cloud-role'],
    [ALICE, 'cloud-user'],
    ['aws:service/s3.amazonaws.com', 'other'],
  ]);
  assert.deepEqual(inventory.destinations.map((d) => d.id), [KEY, 'aws:s3:*', BUCKET]);
  assert.deepEqual(inventory.edges, []);
});

test('failed calls and unmappable identities are skipped and counted', () => {
  const { warnings } = parseCloudTrailRecords(read(TRAIL), { file: TRAIL });
  assert.deepEqual(warnings.map((w) => [w.code, w.source.pointer]), [
    ['failed-call', '/Records/3'],
    ['unknown-identity', '/Records/5'],
  ]);
});

test('CloudTrail evidence joins the IAM connector on identity and destination ids', () => {
  const iam = parseAccountAuthorizationDetails(read(IAM), { file: IAM }).inventory;
  const trail = parseCloudTrailRecords(read(TRAIL), { file: TRAIL }).inventory;
  const granted = new Set(iam.edges.flatMap((e) => (e.actions ?? []).map((a) => `${e.from} ${e.to} ${a}`)));
  const joined = trail.evidence.filter((e) => granted.has(`${e.identity} ${e.destination} ${e.action}`));
  assert.deepEqual(joined.map((e) => [e.identity, e.destination, e.action]), [
    [ROLE, BUCKET, 's3:GetObject'],
    [ROLE, BUCKET, 's3:PutObject'],
    [ALICE, 'aws:s3:*', 's3:ListAllMyBuckets'],
  ]);
  const iamIds = new Set([...iam.identities, ...iam.destinations].map((x) => x.id));
  assert.ok([ROLE, ALICE, BUCKET, 'aws:s3:*'].every((id) => iamIds.has(id)));
});

test('userIdentity mapping: assumed role ⇒ issuing role, federated user ⇒ issuing user, root', () => {
  const ref = { connector: 'cloudtrail', file: 'f' };
  const federated = cloudTrailIdentity({ type: 'FederatedUser', sessionContext: { sessionIssuer: { type: 'IAMUser', arn: 'arn:aws:iam::1:user/bob', userName: 'bob' } } }, ref);
  assert.equal(federated?.id, 'aws:iam:user/arn:aws:iam::1:user/bob');
  assert.equal(cloudTrailIdentity({ type: 'Root', arn: 'arn:aws:iam::123456789012:root', accountId: '123456789012' }, ref)?.id, 'aws:iam:root/123456789012');
  assert.equal(cloudTrailIdentity({ type: 'AssumedRole', arn: 'arn:aws:sts::1:assumed-role/x/s' }, ref), null);
  assert.equal(cloudTrailAction('bedrock-runtime.amazonaws.com', 'InvokeModel'), 'bedrock:InvokeModel');
  assert.equal(cloudTrailAction('dynamodb.amazonaws.com', 'Query'), 'dynamodb:Query');
});

test('lookup-events output (CloudTrailEvent JSON strings) is read like a log file', () => {
  const records = (read(TRAIL) as { Records: unknown[] }).Records;
  const events = { Events: records.map((r, i) => ({ EventId: `e${i}`, CloudTrailEvent: JSON.stringify(r) })) };
  const fromEvents = parseCloudTrailRecords(events, { file: 'lookup.json' });
  const fromLog = parseCloudTrailRecords(read(TRAIL), { file: 'lookup.json' });
  assert.deepEqual(fromEvents.inventory.evidence.map((e) => [e.identity, e.destination, e.action, e.source.pointer]), fromLog.inventory.evidence.map((e) => [e.identity, e.destination, e.action, e.source.pointer?.replace(/^\/Records\/(\d+)$/, '/Events/$1/CloudTrailEvent')]));
  assert.equal(fromEvents.inventory.evidence.length, 4);
  const broken = parseCloudTrailRecords({ Events: [{ CloudTrailEvent: '{oops' }] }, { file: 'f' });
  assert.deepEqual(broken.warnings.map((w) => [w.code, w.source.pointer]), [['unknown-identity', '/Events/0/CloudTrailEvent']]);
});

test('non-log input yields nothing and never throws', () => {
  assert.deepEqual(parseCloudTrailRecords({ Records: 'x' }, { file: 'f' }).inventory.evidence, []);
  assert.deepEqual(parseCloudTrailRecords(undefined, { file: 'f' }).warnings, []);
});
