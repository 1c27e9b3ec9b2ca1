/**
 * Warnings the AWS connectors return next to their inventory: facts that were skipped, flagged or
 * only partly understood, each with a stable code and the source it came from.
 *
 * @module
 */
import type { Inventory, SourceRef } from '../../model/inventory.ts';

/**
 * Stable warning codes.
 *
 * - `not-action` / `not-resource`: an Allow statement uses NotAction/NotResource; no edge was
 *   produced for it (it grants "everything except…") and a finding should review it.
 * - `deny-not-applied`: a Deny statement did not exactly match any granted action on a destination
 *   (wildcard, condition or broader scope), so it was not subtracted.
 * - `unresolved-managed-policy`: an attached managed policy is absent from `Policies`.
 * - `unreadable-policy-document`: a policy document could not be decoded or parsed.
 * - `cross-account-trust`: a role trusts a principal in another account (or `*`).
 * - `failed-call`: a CloudTrail record with `errorCode` (skipped).
 * - `unknown-identity`: a CloudTrail record whose `userIdentity` could not be mapped (skipped).
 *
 * @example `const code: ConnectorWarningCode = 'not-action';`
 */
export type ConnectorWarningCode =
  | 'not-action'
  | 'not-resource'
  | 'deny-not-applied'
  | 'unresolved-managed-policy'
  | 'unreadable-policy-document'
  | 'cross-account-trust'
  | 'failed-call'
  | 'unknown-identity';

/**
 * One warning: code, human message, the identity concerned when there is one, and the source.
 *
 * @example
 * ```ts
 * const w: ConnectorWarning = { code: 'not-action', message: 'Allow with NotAction',
 *   identity: 'aws:iam:role/arn:aws:iam::1:role/x', source: { connector: 'aws-iam', file: 'a.json' } };
 * ```
 */
export interface ConnectorWarning {
  code: ConnectorWarningCode;
  message: string;
  identity?: string;
  source: SourceRef;
}

/**
 * What a connector returns: the inventory and the warnings about what it skipped or flagged.
 *
 * @example
 * ```ts
 * const { inventory, warnings }: ConnectorResult = parseAccountAuthorizationDetails(json, { file: 'auth.json' });
 * ```
 */
export interface ConnectorResult {
  inventory: Inventory;
  warnings: ConnectorWarning[];
}
