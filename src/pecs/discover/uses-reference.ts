/**
 * Classifies a `uses:` value: remote action, reusable workflow, local action or docker
 * image; first-party or not; pinned to an immutable commit SHA (or image digest) or to a
 * movable tag or branch.
 *
 * @module
 */
import type { UsesReference } from './types.ts';

const FULL_SHA = /^[0-9a-f]{40}$/i;
// GitHub maintains these organisations' actions; everything else is third-party.
const FIRST_PARTY_OWNERS = new Set(['actions', 'github']);

/**
 * The classification of `raw` (trimmed) found at `line`.
 *
 * @example
 * ```ts
 * classifyUses('org/repo/.github/workflows/deploy.yml@main', 7).kind; // 'reusable-workflow'
 * classifyUses('actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11', 9).pinnedToSha; // true
 * ```
 */
export function classifyUses(raw: string, line: number | null): UsesReference {
  const value = raw.trim();
  if (value.startsWith('./') || value.startsWith('.\\')) {
    return { raw: value, kind: 'local', owner: null, firstParty: true, pinnedToSha: true, line };
  }
  if (value.startsWith('docker://')) {
    return { raw: value, kind: 'docker', owner: null, firstParty: false, pinnedToSha: /@sha256:[0-9a-f]{64}$/i.test(value), line };
  }
  const at = value.lastIndexOf('@');
  const target = at < 0 ? value : value.slice(0, at);
  const ref = at < 0 ? '' : value.slice(at + 1);
  const owner = target.split('/')[0]?.toLowerCase() ?? '';
  const kind = /\/\.github\/workflows\/[^/]+\.ya?ml$/i.test(target) ? 'reusable-workflow' : 'action';
  return { raw: value, kind, owner, firstParty: FIRST_PARTY_OWNERS.has(owner), pinnedToSha: FULL_SHA.test(ref), line };
}
