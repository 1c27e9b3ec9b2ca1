/**
 * The `workflow-definition-hash` integrity binding of a CI/CD entry point: the SHA-256 of
 * the workflow file's exact bytes (lowercase hex), so any byte change to the definition
 * — a step, a comment, a permission — invalidates an approval bound to it. Discovery
 * writes it; `writ pecs gate` recomputes it at the start of the job.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/**
 * SHA-256 of the bytes, lowercase hex.
 *
 * @example
 * ```ts
 * workflowDefinitionHash(new TextEncoder().encode('on: push\n')); // '…64 hex…'
 * ```
 */
export function workflowDefinitionHash(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * {@link workflowDefinitionHash} of a file.
 *
 * @example
 * ```ts
 * workflowFileHash('.github/workflows/deploy.yml');
 * ```
 */
export function workflowFileHash(path: string): string {
  return workflowDefinitionHash(readFileSync(path));
}
