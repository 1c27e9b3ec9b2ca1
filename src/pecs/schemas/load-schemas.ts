/**
 * The four PECS JSON Schemas (2020-12) shipped with Writ, as data: the base
 * `pecs.schema.json` and the CI/CD, os-sudo and Kubernetes-RBAC profiles. They are
 * imported as JSON modules so the build copies them next to the code and the server
 * serves the very bytes the validator uses.
 *
 * @module
 */
import baseSchema from './pecs.schema.json' with { type: 'json' };
import cicdSchema from './pecs-cicd-profile.schema.json' with { type: 'json' };
import kubernetesRbacSchema from './pecs-kubernetes-rbac-profile.schema.json' with { type: 'json' };
import osSudoSchema from './pecs-os-sudo-profile.schema.json' with { type: 'json' };

/**
 * The profile a schema defines (`base` = no profile).
 *
 * @example
 * ```ts
 * const p: PecsProfileName = 'kubernetes-rbac';
 * ```
 */
export type PecsProfileName = 'base' | 'cicd' | 'os-sudo' | 'kubernetes-rbac';

/**
 * One shipped schema: its file name (the route's `:name`), `$id`, profile and content.
 *
 * @example
 * ```ts
 * const s: PecsSchemaFile = PECS_SCHEMAS[0]!; // s.name === 'pecs.schema.json'
 * ```
 */
export interface PecsSchemaFile {
  name: string;
  id: string;
  profile: PecsProfileName;
  title: string;
  schema: Readonly<Record<string, unknown>>;
}

function entry(name: string, profile: PecsProfileName, schema: Record<string, unknown>): PecsSchemaFile {
  return { name, id: String(schema['$id']), profile, title: String(schema['title']), schema };
}

/**
 * All shipped schemas, base first (profiles reference it by `$id`).
 *
 * @example
 * ```ts
 * PECS_SCHEMAS.map((s) => s.name);
 * // ['pecs.schema.json', 'pecs-cicd-profile.schema.json', 'pecs-os-sudo-profile.schema.json', 'pecs-kubernetes-rbac-profile.schema.json']
 * ```
 */
export const PECS_SCHEMAS: readonly PecsSchemaFile[] = [
  entry('pecs.schema.json', 'base', baseSchema),
  entry('pecs-cicd-profile.schema.json', 'cicd', cicdSchema),
  entry('pecs-os-sudo-profile.schema.json', 'os-sudo', osSudoSchema),
  entry('pecs-kubernetes-rbac-profile.schema.json', 'kubernetes-rbac', kubernetesRbacSchema),
];

/**
 * The shipped schema of a profile.
 *
 * @example
 * ```ts
 * pecsSchemaOf('cicd').id; // 'https://writ.dev/schemas/pecs/pecs-cicd-profile.schema.json'
 * ```
 */
export function pecsSchemaOf(profile: PecsProfileName): PecsSchemaFile {
  const found = PECS_SCHEMAS.find((s) => s.profile === profile);
  if (!found) throw new Error(`no PECS schema for profile ${profile}`);
  return found;
}

/**
 * The shipped schema with this file name, or null.
 *
 * @example
 * ```ts
 * pecsSchemaByName('pecs-cicd-profile.schema.json')?.profile; // 'cicd'
 * pecsSchemaByName('nope.json'); // null
 * ```
 */
export function pecsSchemaByName(name: string): PecsSchemaFile | null {
  return PECS_SCHEMAS.find((s) => s.name === name) ?? null;
}
