/**
 * Reading a role's trust policy (`AssumeRolePolicyDocument`): who may assume the role.
 *
 * @module
 */
import { objectOf, sortedUnique, stringListOf } from './loose-json.ts';
import { policyStatements } from './policy-document.ts';
import type { JsonRecord } from './loose-json.ts';

/**
 * The principals allowed (by Allow statements) to assume a role, as `aws:<ARN or account>`,
 * `service:<host>`, `federated:<provider>`, `canonical:<id>` or `*`; sorted and de-duplicated.
 *
 * @example
 * ```ts
 * trustedPrincipals({ Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole',
 *   Principal: { AWS: 'arn:aws:iam::999988887777:root', Service: 'ec2.amazonaws.com' } }] });
 * // ['aws:arn:aws:iam::999988887777:root', 'service:ec2.amazonaws.com']
 * ```
 */
export function trustedPrincipals(document: JsonRecord): string[] {
  const out: string[] = [];
  for (const statement of policyStatements(document)) {
    if (statement.effect !== 'allow') continue;
    if (statement.principal === '*') {
      out.push('*');
      continue;
    }
    const principal = objectOf(statement.principal);
    for (const value of stringListOf(principal.AWS)) out.push(value === '*' ? '*' : `aws:${value}`);
    for (const value of stringListOf(principal.Service)) out.push(`service:${value}`);
    for (const value of stringListOf(principal.Federated)) out.push(`federated:${value}`);
    for (const value of stringListOf(principal.CanonicalUser)) out.push(`canonical:${value}`);
  }
  return sortedUnique(out);
}

/**
 * The trusted principals that lie outside the role's own account: `*`, and `aws:` principals whose
 * account (12-digit id or the ARN's account field) differs from `account`.
 *
 * @example
 * ```ts
 * crossAccountPrincipals(['aws:arn:aws:iam::999988887777:root', 'aws:111122223333', 'service:ec2.amazonaws.com'], '111122223333');
 * // ['aws:arn:aws:iam::999988887777:root']
 * ```
 */
export function crossAccountPrincipals(principals: string[], account: string | undefined): string[] {
  return principals.filter((principal) => {
    if (principal === '*') return true;
    if (!principal.startsWith('aws:')) return false;
    const value = principal.slice(4);
    const principalAccount = /^\d{12}$/.test(value) ? value : value.split(':')[4];
    return principalAccount !== undefined && principalAccount !== account;
  });
}
