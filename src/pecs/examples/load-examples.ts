/**
 * Writ's own valid PECS examples, one per shipped schema except the CI/CD profile (its
 * published example is the reference, kept outside the repository): a base document,
 * an os-sudo profile and a Kubernetes-RBAC profile. Used by tests and as starting points
 * in docs/pecs.md.
 *
 * @module
 */
import type { PecsDocument } from '../document.ts';
import baseExample from './base.example.json' with { type: 'json' };
import kubernetesRbacExample from './kubernetes-rbac.example.json' with { type: 'json' };
import osSudoExample from './os-sudo.example.json' with { type: 'json' };

/**
 * The examples by profile; each call returns fresh copies, so callers may mutate them.
 *
 * @example
 * ```ts
 * const doc = pecsExamples()['os-sudo'];
 * validatePecsDocument(doc).valid; // true
 * ```
 */
export function pecsExamples(): { base: PecsDocument; 'os-sudo': PecsDocument; 'kubernetes-rbac': PecsDocument } {
  return structuredClone({
    base: baseExample as PecsDocument,
    'os-sudo': osSudoExample as PecsDocument,
    'kubernetes-rbac': kubernetesRbacExample as PecsDocument,
  });
}
