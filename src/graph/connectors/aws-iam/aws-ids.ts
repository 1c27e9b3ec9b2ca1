/**
 * The id scheme shared by the AWS connectors (IAM authorization details and CloudTrail), so that
 * facts about the same principal or resource from either source join on the same ids.
 *
 * - Identities: `aws:iam:user/<user ARN>`, `aws:iam:role/<role ARN>` (ARNs include the path, as
 *   both `get-account-authorization-details` and CloudTrail print them), `aws:iam:root/<account>`,
 *   `aws:service/<service host>` for AWS services acting on their own.
 * - Destinations: S3 resources collapse to their bucket, `aws:s3:bucket/<bucket>` (an object ARN
 *   `arn:aws:s3:::b/k` and `arn:aws:s3:::b/*` are both the bucket `b`); DynamoDB resources collapse
 *   to their table; every other ARN is `aws:<service>:<ARN>`. A `*` resource is one wildcard
 *   destination per service, `aws:<service>:*` (`aws:*:*` when the action is `*` too), and so is
 *   `arn:aws:s3:::*` (every bucket) for S3. Other wildcards
 *   inside an ARN are kept verbatim in the id (e.g. `aws:s3:bucket/logs-*`).
 *
 * @module
 */
import type { Destination, DestinationKind, SourceRef } from '../../model/inventory.ts';

/**
 * Id of an IAM user, role or account root.
 *
 * @example
 * ```ts
 * awsIdentityId('role', 'arn:aws:iam::111122223333:role/deploy');
 * // 'aws:iam:role/arn:aws:iam::111122223333:role/deploy'
 * ```
 */
export function awsIdentityId(kind: 'user' | 'role' | 'root', arnOrAccount: string): string {
  return `aws:iam:${kind}/${arnOrAccount}`;
}

/**
 * The account id field of an ARN, or undefined when there is none.
 *
 * @example
 * ```ts
 * accountOfArn('arn:aws:iam::111122223333:role/deploy'); // '111122223333'
 * accountOfArn('arn:aws:s3:::bucket');                   // undefined
 * ```
 */
export function accountOfArn(arn: string): string | undefined {
  const account = arn.split(':')[4];
  return account ? account : undefined;
}

/**
 * The lower-case service prefix of an IAM action (`*` for the action `*`).
 *
 * @example
 * ```ts
 * serviceOfAction('S3:GetObject'); // 's3'
 * serviceOfAction('*');            // '*'
 * ```
 */
export function serviceOfAction(action: string): string {
  const colon = action.indexOf(':');
  return colon < 0 ? '*' : action.slice(0, colon).toLowerCase();
}

/**
 * Whether an IAM pattern (`*` any run, `?` one character) matches a value, case-insensitively.
 *
 * @example
 * ```ts
 * iamPatternMatches('s3:Get*', 's3:GetObject'); // true
 * iamPatternMatches('s3:Get*', 's3:PutObject'); // false
 * ```
 */
export function iamPatternMatches(pattern: string, value: string): boolean {
  const escaped = pattern.toLowerCase().replace(/[.+^${}()|[\]\\]/g, '\\$&');
  const regex = new RegExp(`^${escaped.replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 's');
  return regex.test(value.toLowerCase());
}

/** Destination kind by AWS service prefix; anything else is an `api`. */
const KIND_BY_SERVICE: Readonly<Record<string, DestinationKind>> = {
  s3: 'storage',
  glacier: 'storage',
  dynamodb: 'database',
  rds: 'database',
  'rds-db': 'database',
  redshift: 'database',
  'neptune-db': 'database',
  bedrock: 'llm-endpoint',
  sagemaker: 'llm-endpoint',
  eks: 'cluster',
};

function destinationKindOf(service: string): DestinationKind {
  return KIND_BY_SERVICE[service] ?? 'api';
}

/**
 * The wildcard destination standing for every resource of a service (`Resource: "*"`).
 *
 * @example
 * ```ts
 * wildcardDestination('s3', source).id; // 'aws:s3:*'
 * ```
 */
export function wildcardDestination(service: string, source: SourceRef): Destination {
  return {
    id: `aws:${service}:*`,
    name: `${service}:*`,
    kind: service === '*' ? 'other' : destinationKindOf(service),
    resource: '*',
    egress_class: service === 's3' ? 'cloud-storage' : null,
    source,
  };
}

/**
 * The service prefix of an ARN (`unknown` when the value is not an ARN).
 *
 * @example
 * ```ts
 * serviceOfArn('arn:aws:s3:::b/*'); // 's3'
 * ```
 */
export function serviceOfArn(arn: string): string {
  const parts = arn.split(':');
  return parts[0] === 'arn' && parts[2] ? parts[2].toLowerCase() : 'unknown';
}

/**
 * The destination a resource ARN belongs to (S3 → bucket, DynamoDB → table, else the ARN itself).
 * `*` as a whole resource is not an ARN: use {@link wildcardDestination} for it.
 *
 * @example
 * ```ts
 * destinationForArn('arn:aws:s3:::customer-exports/2026/*', source).id; // 'aws:s3:bucket/customer-exports'
 * destinationForArn('arn:aws:s3:::*', source).id; // 'aws:s3:*' (every bucket)
 * destinationForArn('arn:aws:dynamodb:eu-west-1:1:table/orders/index/byDate', source).id;
 * // 'aws:dynamodb:arn:aws:dynamodb:eu-west-1:1:table/orders'
 * ```
 */
export function destinationForArn(arn: string, source: SourceRef): Destination {
  const parts = arn.split(':');
  const service = serviceOfArn(arn);
  const region = parts[3] ?? '';
  const account = parts[4] ?? '';
  const resource = parts.slice(5).join(':');
  if (service === 's3' && region === '' && account === '' && resource !== '') {
    const bucket = resource.split('/')[0] ?? resource;
    if (bucket === '*') return wildcardDestination('s3', source);
    return {
      id: `aws:s3:bucket/${bucket}`,
      name: bucket,
      kind: 'storage',
      resource: `${parts.slice(0, 5).join(':')}:${bucket}`,
      egress_class: 'cloud-storage',
      source,
    };
  }
  let canonical = arn;
  if (service === 'dynamodb' && resource.startsWith('table/')) {
    const table = resource.split('/').slice(0, 2).join('/');
    canonical = `${parts.slice(0, 5).join(':')}:${table}`;
  }
  const name = canonical.split(':').slice(5).join(':') || canonical;
  return {
    id: `aws:${service}:${canonical}`,
    name,
    kind: destinationKindOf(service),
    resource: canonical,
    egress_class: null,
    source,
  };
}
