/**
 * Which PECS schema a document is validated against. The rule, in order (docs/pecs.md):
 *
 * 1. `$schema` names a shipped schema: its `$id`, or any URL whose last path segment is
 *    a shipped file name (so the published `https://example.org/schemas/…` ids map too);
 * 2. `system` carries exactly one profile block (`cicdProfile`, `osSudoProfile`,
 *    `kubernetesRbacProfile`): the block is what the profile requires, so it is the
 *    strongest signal when several environment types are listed;
 * 3. the first entry of `system.environmentTypes` that names a profile, aliases
 *    included (`github-actions` → cicd, `linux` → os-sudo, `k8s` → kubernetes-rbac …);
 * 4. otherwise the base schema.
 *
 * @module
 */
import { PECS_SCHEMAS, type PecsProfileName } from '../schemas/load-schemas.ts';

/**
 * A picked profile and why, for messages.
 *
 * @example
 * ```ts
 * const p: PickedProfile = { profile: 'cicd', reason: 'system.environmentTypes contains "ci-cd"' };
 * ```
 */
export interface PickedProfile {
  profile: PecsProfileName;
  reason: string;
}

/** Environment-type spellings that select a profile (lowercase). */
const PROFILE_BY_ENVIRONMENT_TYPE: Readonly<Record<string, PecsProfileName>> = {
  'ci-cd': 'cicd',
  cicd: 'cicd',
  'github-actions': 'cicd',
  'gitlab-ci': 'cicd',
  jenkins: 'cicd',
  'azure-devops': 'cicd',
  buildkite: 'cicd',
  tekton: 'cicd',
  'argo-workflows': 'cicd',
  pipeline: 'cicd',
  'os-sudo': 'os-sudo',
  sudo: 'os-sudo',
  doas: 'os-sudo',
  linux: 'os-sudo',
  unix: 'os-sudo',
  os: 'os-sudo',
  'kubernetes-rbac': 'kubernetes-rbac',
  kubernetes: 'kubernetes-rbac',
  k8s: 'kubernetes-rbac',
  openshift: 'kubernetes-rbac',
};

/** The `system` key each profile requires. */
const PROFILE_BLOCKS: ReadonlyArray<[string, PecsProfileName]> = [
  ['cicdProfile', 'cicd'],
  ['osSudoProfile', 'os-sudo'],
  ['kubernetesRbacProfile', 'kubernetes-rbac'],
];

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fromSchemaUrl(url: string): PecsProfileName | null {
  const byId = PECS_SCHEMAS.find((s) => s.id === url);
  if (byId) return byId.profile;
  const lastSegment = url.split(/[?#]/)[0]!.split('/').at(-1) ?? '';
  return PECS_SCHEMAS.find((s) => s.name === lastSegment)?.profile ?? null;
}

/**
 * The profile to validate `doc` against (see the module comment for the rule).
 *
 * @example
 * ```ts
 * pickPecsProfile({ system: { environmentTypes: ['k8s'] } }).profile; // 'kubernetes-rbac'
 * pickPecsProfile({ $schema: 'https://example.org/schemas/pecs-os-sudo-profile.schema.json' }).profile; // 'os-sudo'
 * pickPecsProfile({}).profile; // 'base'
 * ```
 */
export function pickPecsProfile(doc: Record<string, unknown>): PickedProfile {
  const schemaUrl = doc['$schema'];
  if (typeof schemaUrl === 'string') {
    const profile = fromSchemaUrl(schemaUrl);
    if (profile) return { profile, reason: `$schema is ${schemaUrl}` };
  }
  const system = doc['system'];
  if (!isObject(system)) return { profile: 'base', reason: 'no system block' };
  const blocks = PROFILE_BLOCKS.filter(([key]) => key in system);
  if (blocks.length === 1) return { profile: blocks[0]![1], reason: `system has ${blocks[0]![0]}` };
  const types = system['environmentTypes'];
  if (Array.isArray(types)) {
    for (const t of types) {
      const profile = typeof t === 'string' ? PROFILE_BY_ENVIRONMENT_TYPE[t.toLowerCase()] : undefined;
      if (profile) return { profile, reason: `system.environmentTypes contains "${String(t)}"` };
    }
  }
  return { profile: 'base', reason: 'no profile named by $schema, system or environmentTypes' };
}
