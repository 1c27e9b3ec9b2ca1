/**
 * The `permissions:` of a workflow or job: what the GITHUB_TOKEN may write.
 *
 * @module
 */
import type { TokenPermissions } from '../types.ts';
import { asRecord, asText, sortedUnique } from '../values.ts';

/**
 * The effective permissions of a job: its own block when present, else the workflow's,
 * else the repository default (`mode: 'default'`).
 *
 * @example
 * ```ts
 * effectivePermissions(undefined, { contents: 'read', 'id-token': 'write' });
 * // { mode: 'explicit', writeScopes: ['id-token'], idTokenWrite: true }
 * ```
 */
export function effectivePermissions(jobLevel: unknown, workflowLevel: unknown): TokenPermissions {
  const chosen = jobLevel !== undefined ? jobLevel : workflowLevel;
  if (chosen === undefined) return { mode: 'default', writeScopes: [], idTokenWrite: false };
  const text = asText(chosen);
  if (text === 'write-all') return { mode: 'write-all', writeScopes: ['*'], idTokenWrite: true };
  if (text === 'read-all') return { mode: 'read-all', writeScopes: [], idTokenWrite: false };
  // `permissions: {}` (or null) means no permission at all: explicit and empty.
  const scopes = asRecord(chosen) ?? {};
  const writeScopes = sortedUnique(Object.entries(scopes).filter(([, level]) => asText(level) === 'write').map(([scope]) => scope));
  return { mode: 'explicit', writeScopes, idTokenWrite: writeScopes.includes('id-token') };
}
