/**
 * The TypeScript shape of a PECS document (Privileged Execution Control Standard, schema
 * version 1.0.0): the top level as the base schema `pecs.schema.json` declares it. The
 * inside of each part stays loose (`Record<string, unknown>`) on purpose: the JSON
 * Schemas in `src/pecs/schemas/` are the one source of truth for the fields, and
 * {@link validatePecsDocument} is how a value earns this type.
 *
 * @module
 */

/**
 * The kinds of PECS document (`documentType`).
 *
 * @example
 * ```ts
 * const t: PecsDocumentType = 'pecs-assessment';
 * ```
 */
export type PecsDocumentType = 'pecs-model' | 'pecs-assessment' | 'pecs-authorization-artifact' | 'pecs-profile' | 'pecs-combined';

/**
 * All `documentType` values, in schema order.
 *
 * @example
 * ```ts
 * PECS_DOCUMENT_TYPES.includes('pecs-profile'); // true
 * ```
 */
export const PECS_DOCUMENT_TYPES: readonly PecsDocumentType[] = ['pecs-model', 'pecs-assessment', 'pecs-authorization-artifact', 'pecs-profile', 'pecs-combined'];

/**
 * The only `schemaVersion` the schemas accept.
 *
 * @example
 * ```ts
 * doc.schemaVersion === PECS_SCHEMA_VERSION;
 * ```
 */
export const PECS_SCHEMA_VERSION = '1.0.0';

/** A JSON object whose fields the schemas describe. */
type PecsObject = Record<string, unknown>;

/**
 * A PECS document (top level of `pecs.schema.json`; the profiles keep the same top level).
 *
 * @example
 * ```ts
 * const doc: PecsDocument = {
 *   schemaVersion: '1.0.0',
 *   documentType: 'pecs-profile',
 *   metadata: { id: 'x', title: 'X', version: '0.1.0' },
 *   system: { name: 'x', scope: 'x', environmentTypes: ['other'] },
 *   privilegedExecutionSurface: [],
 * };
 * ```
 */
export interface PecsDocument {
  /** Optional: the `$id` of the schema (profile) the document claims; used to pick the profile. */
  $schema?: string;
  schemaVersion: typeof PECS_SCHEMA_VERSION;
  documentType: PecsDocumentType;
  metadata: PecsObject;
  /** `name`, `scope`, `environmentTypes`, … plus the profile block (`cicdProfile`, `osSudoProfile`, `kubernetesRbacProfile`). */
  system: PecsObject;
  /** The privileged entry points in scope (each has an `id`). */
  privilegedExecutionSurface: PecsObject[];
  authorizationArtifacts?: PecsObject[];
  maturityProfile?: PecsObject;
  gapAnalysis?: PecsObject;
  implementationMappings?: PecsObject[];
  evidence?: PecsObject[];
  customExtensions?: PecsObject;
}
