// Tests of the AWS IAM connector (`get-account-authorization-details` output) on a fixture written
// in the real format: URL-encoded and object documents, a group, a managed policy with a
// non-default version, trust policy, RoleLastUsed, Deny, NotAction and a missing managed policy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseAccountAuthorizationDetails } from '../../../src/graph/connectors/aws-iam/parse-account-authorization-details.ts';

const FILE = 'fixtures/iam-authorization-details.json';
const fixture = (): unknown => JSON.parse(readFileSync(new URL(FILE, import.meta.url), 'utf8'));
const ROLE = 'aws:iam:role/arn:aws:iam::111122223333:role/ci/deploy';
const ALICE = 'aws:iam:user/arn:aws:iam::111122223333:user/staff/alice';
const BUCKET = 'aws:s3:bucket/customer-exports';
const TABLE = 'aws:dynamodb:arn:aws:dynamodb:eu-west-1:111122223333:table/orders';

test('users and roles become identities with their ARN-based ids; groups do not', () => {
  const { inventory } = parseAccountAuthorizationDetails(fixture(), { file: FILE });
  assert.deepEqual(inventory.identities.map((i) => [i.id, i.kind, i.name, i.account]), [
    [ROLE, 'cloud-role', 'deploy', '111122223333'],
    [ALICE, 'cloud-user', 'alice', '111122223333'],
  ]);
  assert.deepEqual(inventory.identities[0]?.source, { connector: 'aws-iam', file: FILE, pointer: '/RoleDetailList/0' });
  assert.deepEqual(inventory.credentials, []);
});

test('CAN_ACCESS edges carry the granted actions and cite the statement', () => {
  const { inventory } = parseAccountAuthorizationDetails(fixture(), { file: FILE });
  assert.deepEqual(inventory.edges.map((e) => [e.from, e.to, e.actions, e.source.pointer]), [
    // managed policy: default version v2 only (v1 grants s3:* on * and must be ignored); bucket and bucket/* merge
    [ROLE, BUCKET, ['s3:GetObject', 's3:ListBucket'], '/Policies/0/PolicyVersionList/1/Document/Statement/0'],
    // inline: s3:DeleteObject removed by the exact Deny; the conditional Deny on s3:Put* is not applied
    [ROLE, BUCKET, ['s3:PutObject'], '/RoleDetailList/0/RolePolicyList/0/PolicyDocument/Statement/0'],
    // the group's policies expand to its user; Resource "*" becomes one wildcard destination per service
    [ALICE, 'aws:bedrock:*', ['bedrock:InvokeModel'], '/GroupDetailList/0/GroupPolicyList/0/PolicyDocument/Statement/1'],
    [ALICE, TABLE, ['dynamodb:Query'], '/GroupDetailList/0/GroupPolicyList/0/PolicyDocument/Statement/0'],
    [ALICE, 'aws:s3:*', ['s3:ListAllMyBuckets'], '/GroupDetailList/0/GroupPolicyList/0/PolicyDocument/Statement/1'],
  ]);
  assert.ok(inventory.edges.every((e) => e.kind === 'CAN_ACCESS' && e.effect === 'allow'));
});

test('destinations: S3 collapses to the bucket, DynamoDB to the table, wildcards per service', () => {
  const { inventory } = parseAccountAuthorizationDetails(fixture(), { file: FILE });
  assert.deepEqual(inventory.destinations.map((d) => [d.id, d.kind, d.resource, d.egress_class]), [
    ['aws:bedrock:*', 'llm-endpoint', '*', null],
    [TABLE, 'database', 'arn:aws:dynamodb:eu-west-1:111122223333:table/orders', null],
    ['aws:s3:*', 'storage', '*', 'cloud-storage'],
    [BUCKET, 'storage', 'arn:aws:s3:::customer-exports', 'cloud-storage'],
  ]);
});

test('RoleLastUsed gives inferred evidence on each destination the role can access', () => {
  const { inventory } = parseAccountAuthorizationDetails(fixture(), { file: FILE });
  assert.deepEqual(inventory.evidence, [
    {
      identity: ROLE,
      destination: BUCKET,
      action: '*',
      time: '2026-11-01T10:00:00.000Z',
      kind: 'inferred',
      source: { connector: 'aws-iam', file: FILE, pointer: '/RoleDetailList/0/RoleLastUsed' },
    },
  ]);
});

test('trust policy principals are kept on the role; cross-account ones are warned about', () => {
  const { inventory, warnings } = parseAccountAuthorizationDetails(fixture(), { file: FILE });
  const role = inventory.identities.find((i) => i.id === ROLE) as { trusted_principals?: string[] } | undefined;
  assert.deepEqual(role?.trusted_principals, ['aws:arn:aws:iam::999988887777:root', 'service:ec2.amazonaws.com']);
  assert.deepEqual(warnings.map((w) => [w.code, w.identity, w.source.pointer]), [
    ['not-action', ALICE, '/UserDetailList/0/UserPolicyList/0/PolicyDocument/Statement'],
    ['cross-account-trust', ROLE, '/RoleDetailList/0/AssumeRolePolicyDocument'],
    ['unresolved-managed-policy', ROLE, '/RoleDetailList/0/AttachedManagedPolicies/1'],
    ['deny-not-applied', ROLE, '/RoleDetailList/0/RolePolicyList/0/PolicyDocument/Statement/2'],
  ]);
});

test('a wildcard Deny over a wildcard grant is flagged, an unrelated exact Deny is not', () => {
  const doc = (statements: unknown[]): unknown => ({ Version: '2012-10-17', Statement: statements });
  const input = {
    RoleDetailList: [{
      RoleName: 'r', Arn: 'arn:aws:iam::1:role/r',
      RolePolicyList: [{ PolicyName: 'p', PolicyDocument: doc([
        { Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::b/*' },
        { Effect: 'Deny', Action: 's3:DeleteObject', Resource: 'arn:aws:s3:::b/*' },
        { Effect: 'Deny', Action: 'sqs:DeleteQueue', Resource: '*' },
      ]) }],
    }],
  };
  const { inventory, warnings } = parseAccountAuthorizationDetails(input, { file: 'x.json' });
  assert.deepEqual(inventory.edges.map((e) => [e.to, e.actions]), [['aws:s3:bucket/b', ['s3:*']]]);
  assert.deepEqual(warnings.map((w) => [w.code, w.source.pointer]), [['deny-not-applied', '/RoleDetailList/0/RolePolicyList/0/PolicyDocument/Statement/1']]);
  assert.deepEqual(inventory.evidence, []);
});

test('a managed policy attached twice yields one edge', () => {
  const doc = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: 'arn:aws:sqs:eu-west-1:1:q' }] };
  const attached = { PolicyName: 'P', PolicyArn: 'arn:aws:iam::1:policy/P' };
  const input = {
    RoleDetailList: [{ RoleName: 'r', Arn: 'arn:aws:iam::1:role/r', AttachedManagedPolicies: [attached, attached] }],
    Policies: [{ Arn: 'arn:aws:iam::1:policy/P', PolicyVersionList: [{ Document: doc, IsDefaultVersion: true }] }],
  };
  const { inventory } = parseAccountAuthorizationDetails(input, { file: 'x.json' });
  assert.deepEqual(inventory.edges.map((e) => [e.to, e.actions]), [['aws:sqs:arn:aws:sqs:eu-west-1:1:q', ['sqs:SendMessage']]]);
});

test('malformed input yields an empty inventory and warnings, never a throw', () => {
  assert.deepEqual(parseAccountAuthorizationDetails(null, { file: 'x' }).inventory.identities, []);
  const { inventory, warnings } = parseAccountAuthorizationDetails(
    { UserDetailList: [{ UserName: 'u', Arn: 'arn:aws:iam::1:user/u', UserPolicyList: [{ PolicyDocument: '%7Bbroken' }] }] },
    { file: 'x' },
  );
  assert.equal(inventory.identities.length, 1);
  assert.deepEqual(warnings.map((w) => w.code), ['unreadable-policy-document']);
});
