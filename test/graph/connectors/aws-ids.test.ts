// Tests of the AWS id scheme and policy-document decoding shared by the IAM and CloudTrail connectors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { destinationForArn, iamPatternMatches, serviceOfAction, wildcardDestination } from '../../../src/graph/connectors/aws-iam/aws-ids.ts';
import { decodePolicyDocument, policyStatements } from '../../../src/graph/connectors/aws-iam/policy-document.ts';
import { crossAccountPrincipals, trustedPrincipals } from '../../../src/graph/connectors/aws-iam/trust-policy.ts';

const source = { connector: 'aws-iam', file: 'f' };

test('destinationForArn normalizes S3 objects to buckets and DynamoDB indexes to tables', () => {
  assert.equal(destinationForArn('arn:aws:s3:::b/k/x.csv', source).id, 'aws:s3:bucket/b');
  assert.equal(destinationForArn('arn:aws:s3:::b', source).id, 'aws:s3:bucket/b');
  assert.equal(destinationForArn('arn:aws:s3:::logs-*', source).id, 'aws:s3:bucket/logs-*');
  assert.equal(destinationForArn('arn:aws:dynamodb:us-east-1:1:table/t/stream/2026', source).id, 'aws:dynamodb:arn:aws:dynamodb:us-east-1:1:table/t');
  assert.equal(destinationForArn('arn:aws:sqs:us-east-1:1:q', source).id, 'aws:sqs:arn:aws:sqs:us-east-1:1:q');
  assert.equal(wildcardDestination('*', source).id, 'aws:*:*');
  assert.equal(destinationForArn('arn:aws:s3:::*', source).id, 'aws:s3:*');
  assert.equal(destinationForArn('arn:aws:s3:::*/*', source).id, 'aws:s3:*');
});

test('IAM patterns and action services', () => {
  assert.equal(iamPatternMatches('s3:Get*', 'S3:GetObject'), true);
  assert.equal(iamPatternMatches('s3:Get?bject', 's3:GetObject'), true);
  assert.equal(iamPatternMatches('s3:Get*', 's3:PutObject'), false);
  assert.equal(iamPatternMatches('s3.x', 's3yx'), false);
  assert.equal(serviceOfAction('*'), '*');
  assert.equal(serviceOfAction('DynamoDB:Query'), 'dynamodb');
});

test('policy documents decode from URL-encoded strings and objects; invalid effects are dropped', () => {
  const doc = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'a:b', Resource: '*' }, { Effect: 'Maybe', Action: 'a:c' }] };
  assert.deepEqual(decodePolicyDocument(encodeURIComponent(JSON.stringify(doc))), doc);
  assert.deepEqual(decodePolicyDocument(JSON.stringify(doc)), doc);
  assert.equal(decodePolicyDocument(42), null);
  assert.deepEqual(policyStatements(doc).map((s) => [s.index, s.effect, s.actions, s.pointerSuffix]), [[0, 'allow', ['a:b'], '/Statement/0']]);
});

test('trusted principals and the cross-account ones', () => {
  const trusted = trustedPrincipals({ Statement: [
    { Effect: 'Allow', Principal: { AWS: ['111122223333', 'arn:aws:iam::444455556666:role/x'], Federated: 'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com' } },
    { Effect: 'Deny', Principal: '*' },
  ] });
  assert.deepEqual(trusted, ['aws:111122223333', 'aws:arn:aws:iam::444455556666:role/x', 'federated:arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com']);
  assert.deepEqual(crossAccountPrincipals([...trusted, '*'], '111122223333'), ['aws:arn:aws:iam::444455556666:role/x', '*']);
});
