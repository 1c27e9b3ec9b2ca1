/**
 * Connector for CloudTrail log files (`{ "Records": [...] }`, or `aws cloudtrail lookup-events`
 * output whose `Events[].CloudTrailEvent` are JSON strings): every successful record becomes
 * confirmed execution evidence (grade A) for the acting identity on the destination and action,
 * using the AWS id scheme of `../aws-iam/aws-ids.ts` so the ids join with the IAM connector's.
 *
 * - Identity: `IAMUser` ⇒ the user ARN; `AssumedRole` / `FederatedUser` ⇒ the session issuer
 *   (`sessionContext.sessionIssuer.arn`, a role or user); `Root` ⇒ `aws:iam:root/<account>`;
 *   `AWSService` ⇒ `aws:service/<invokedBy>`. Anything else is skipped (`unknown-identity`).
 * - Action: `eventSource` prefix (with the few IAM-prefix exceptions) + `:` + `eventName`, with
 *   the few S3 events whose authorizing IAM action differs mapped to it.
 * - Destination: each `resources[].ARN`, else `requestParameters.bucketName` for S3, else the
 *   service wildcard `aws:<service>:*` (e.g. `s3:ListBuckets`).
 * - Records with `errorCode` are skipped and counted (`failed-call` warning per record).
 *
 * @module
 */
import { emptyInventory, type Destination, type Identity, type SourceRef } from '../../model/inventory.ts';
import { accountOfArn, awsIdentityId, destinationForArn, wildcardDestination } from '../aws-iam/aws-ids.ts';
import type { ConnectorResult, ConnectorWarning } from '../aws-iam/connector-warning.ts';
import { arrayOf, objectOf, sortedUnique, stringOf } from '../aws-iam/loose-json.ts';

/** Connector name in every {@link SourceRef} this module produces. @example `CLOUDTRAIL_CONNECTOR === 'cloudtrail'` */
export const CLOUDTRAIL_CONNECTOR = 'cloudtrail';

/** eventSource prefixes whose IAM action prefix differs. */
const ACTION_PREFIX_BY_SOURCE: Readonly<Record<string, string>> = {
  monitoring: 'cloudwatch',
  email: 'ses',
  'bedrock-runtime': 'bedrock',
  'runtime.sagemaker': 'sagemaker',
};

/**
 * CloudTrail event names whose IAM action has another name (the action the call is authorized by).
 */
const ACTION_BY_EVENT: Readonly<Record<string, string>> = {
  's3:ListBuckets': 's3:ListAllMyBuckets',
  's3:ListObjects': 's3:ListBucket',
  's3:ListObjectsV2': 's3:ListBucket',
  's3:HeadObject': 's3:GetObject',
  's3:HeadBucket': 's3:ListBucket',
};

/**
 * The IAM action for a CloudTrail event (`s3.amazonaws.com` + `GetObject` ⇒ `s3:GetObject`), with
 * the few events whose authorizing action differs mapped to it (`ListBuckets` ⇒ `s3:ListAllMyBuckets`).
 *
 * @example
 * ```ts
 * cloudTrailAction('s3.amazonaws.com', 'GetObject');      // 's3:GetObject'
 * cloudTrailAction('monitoring.amazonaws.com', 'PutMetricData'); // 'cloudwatch:PutMetricData'
 * cloudTrailAction('s3.amazonaws.com', 'ListBuckets');    // 's3:ListAllMyBuckets'
 * ```
 */
export function cloudTrailAction(eventSource: string, eventName: string): string {
  const host = eventSource.replace(/\.amazonaws\.com$/, '');
  const action = `${ACTION_PREFIX_BY_SOURCE[host] ?? host}:${eventName}`;
  return ACTION_BY_EVENT[action] ?? action;
}

/**
 * The identity a `userIdentity` block stands for, or null when it cannot be mapped.
 *
 * @example
 * ```ts
 * cloudTrailIdentity({ type: 'AssumedRole', arn: 'arn:aws:sts::1:assumed-role/deploy/s',
 *   sessionContext: { sessionIssuer: { type: 'Role', arn: 'arn:aws:iam::1:role/deploy', userName: 'deploy' } } }, source)?.id;
 * // 'aws:iam:role/arn:aws:iam::1:role/deploy'
 * ```
 */
export function cloudTrailIdentity(userIdentity: unknown, source: SourceRef): Identity | null {
  const who = objectOf(userIdentity);
  const type = stringOf(who.type);
  const arn = stringOf(who.arn);
  if (type === 'IAMUser' && arn !== undefined) {
    return { id: awsIdentityId('user', arn), name: stringOf(who.userName) ?? arn, kind: 'cloud-user', account: accountOfArn(arn), source };
  }
  if (type === 'AssumedRole' || type === 'FederatedUser') {
    const issuer = objectOf(objectOf(who.sessionContext).sessionIssuer);
    const issuerArn = stringOf(issuer.arn);
    if (issuerArn === undefined) return null;
    const isRole = issuer.type === 'Role' || issuerArn.includes(':role/');
    return {
      id: awsIdentityId(isRole ? 'role' : 'user', issuerArn),
      name: stringOf(issuer.userName) ?? issuerArn,
      kind: isRole ? 'cloud-role' : 'cloud-user',
      account: accountOfArn(issuerArn),
      source,
    };
  }
  if (type === 'Root') {
    const account = stringOf(who.accountId) ?? (arn === undefined ? undefined : accountOfArn(arn));
    if (account === undefined) return null;
    return { id: awsIdentityId('root', account), name: `root ${account}`, kind: 'cloud-user', account, source };
  }
  if (type === 'AWSService') {
    const service = stringOf(who.invokedBy);
    if (service === undefined) return null;
    return { id: `aws:service/${service}`, name: service, kind: 'other', source };
  }
  return null;
}

/**
 * Parses a CloudTrail log file into identities, destinations and confirmed evidence.
 *
 * @example
 * ```ts
 * const { inventory, warnings } = parseCloudTrailRecords(JSON.parse(text), { file: 'trail.json' });
 * inventory.evidence[0]; // { identity, destination, action: 's3:GetObject', time, kind: 'confirmed', source }
 * warnings.filter((w) => w.code === 'failed-call').length; // failed calls skipped
 * ```
 */
export function parseCloudTrailRecords(json: unknown, source: { file: string }): ConnectorResult {
  const inventory = emptyInventory();
  const warnings: ConnectorWarning[] = [];
  const identities = new Map<string, Identity>();
  const destinations = new Map<string, Destination>();
  for (const { record, pointer } of cloudTrailRecords(json)) {
    const ref: SourceRef = { connector: CLOUDTRAIL_CONNECTOR, file: source.file, pointer };
    const errorCode = stringOf(record.errorCode);
    if (errorCode !== undefined) {
      warnings.push({ code: 'failed-call', message: `failed call skipped (${errorCode})`, source: ref });
      continue;
    }
    const identity = cloudTrailIdentity(record.userIdentity, ref);
    const eventSource = stringOf(record.eventSource);
    const eventName = stringOf(record.eventName);
    const time = stringOf(record.eventTime);
    if (identity === null || eventSource === undefined || eventName === undefined || time === undefined || Number.isNaN(Date.parse(time))) {
      warnings.push({ code: 'unknown-identity', message: 'record without a mappable userIdentity, eventSource, eventName or eventTime skipped', source: ref });
      continue;
    }
    if (!identities.has(identity.id)) identities.set(identity.id, identity);
    const action = cloudTrailAction(eventSource, eventName);
    for (const destination of recordDestinations(record, action, ref)) {
      if (!destinations.has(destination.id)) destinations.set(destination.id, destination);
      inventory.evidence.push({ identity: identity.id, destination: destination.id, action, time: new Date(Date.parse(time)).toISOString(), kind: 'confirmed', source: ref });
    }
  }
  inventory.identities = [...identities.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  inventory.destinations = [...destinations.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { inventory, warnings };
}

/**
 * The records of a log file (`{ Records: [...] }`) or of `aws cloudtrail lookup-events` output
 * (`{ Events: [{ CloudTrailEvent: "<JSON>" }] }`), each with its JSON pointer.
 *
 * @example
 * ```ts
 * cloudTrailRecords({ Records: [{ eventName: 'GetObject' }] })[0]?.pointer; // '/Records/0'
 * cloudTrailRecords({ Events: [{ CloudTrailEvent: '{"eventName":"GetObject"}' }] })[0]?.pointer;
 * // '/Events/0/CloudTrailEvent'
 * ```
 */
export function cloudTrailRecords(json: unknown): { record: Record<string, unknown>; pointer: string }[] {
  const root = objectOf(json);
  if (Array.isArray(root.Records)) return root.Records.map((entry, i) => ({ record: objectOf(entry), pointer: `/Records/${i}` }));
  return arrayOf(root.Events).map((entry, i) => {
    const text = objectOf(entry).CloudTrailEvent;
    let record: unknown = text;
    if (typeof text === 'string') {
      try {
        record = JSON.parse(text);
      } catch {
        record = {};
      }
    }
    return { record: objectOf(record), pointer: `/Events/${i}/CloudTrailEvent` };
  });
}

/** The distinct destinations a record touched (see the module doc for the order of preference). */
function recordDestinations(record: Record<string, unknown>, action: string, ref: SourceRef): Destination[] {
  const arns = sortedUnique(arrayOf(record.resources).flatMap((r) => {
    const arn = stringOf(objectOf(r).ARN) ?? stringOf(objectOf(r).arn);
    return arn === undefined ? [] : [arn];
  }));
  const service = action.slice(0, action.indexOf(':'));
  if (arns.length === 0 && service === 's3') {
    const bucket = stringOf(objectOf(record.requestParameters).bucketName);
    if (bucket !== undefined) arns.push(`arn:aws:s3:::${bucket}`);
  }
  if (arns.length === 0) return [wildcardDestination(service, ref)];
  const byId = new Map<string, Destination>();
  for (const arn of arns) {
    const destination = destinationForArn(arn, ref);
    if (!byId.has(destination.id)) byId.set(destination.id, destination);
  }
  return [...byId.values()];
}
