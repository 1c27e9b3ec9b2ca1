/**
 * The facts about one privileged entry point that the maturity criteria and the findings
 * read: its own sections, the authorization entries that name it, the evidence it cites
 * and whether it targets production. Gathering them once keeps each criterion a one-line
 * predicate and every JSON pointer computed in one place.
 *
 * @module
 */
import { asArray, asRecord, asString, joinPointer, recordOrNull, type LooseRecord } from './loose-access.ts';

/** An authorization entry that names the entry point, with where it sits in the document. */
export interface EntryAuthorization {
  /** The entry object. */
  entry: LooseRecord;
  /** Its artifact (the `authorizationArtifacts[]` item holding it). */
  artifact: LooseRecord;
  /** JSON pointer of the entry. */
  pointer: string;
  /** JSON pointer of the artifact. */
  artifactPointer: string;
  /** `approvalStatus` is approved or conditional and `expiresAt` (if any) is after `now`. */
  inForce: boolean;
  /** `expiresAt` is present and not after `now`. */
  pastExpiry: boolean;
}

/** Everything the assessment reads about one entry point. */
export interface EntryPointFacts {
  /** `id` of the entry point (`#index` when it has none, which a valid document never does). */
  id: string;
  /** JSON pointer of the entry point. */
  pointer: string;
  /** `riskLevel` (low | moderate | high | critical; `moderate` when absent). */
  riskLevel: string;
  /** The entry point object. */
  entryPoint: LooseRecord;
  /** `executionContext` ({} when absent). */
  executionContext: LooseRecord;
  /** `invocationContract` ({} when absent). */
  invocationContract: LooseRecord;
  /** `integrityBinding`, null when absent. */
  integrityBinding: LooseRecord | null;
  /** The profile's controls object (`cicdControls` in the CI/CD profile, else `controls` or any `…Controls`). */
  controls: LooseRecord;
  /** The property name of {@link controls} (null when the entry point has none). */
  controlsKey: string | null;
  /** `invocationContract.startupChecks`. */
  startupChecks: string[];
  /** Authorization entries whose `privilegedEntryPointId` is this entry point, in document order. */
  authorizations: EntryAuthorization[];
  /** Evidence items (by id) of the whole document. */
  evidenceById: Map<string, LooseRecord>;
  /** `system` of the document. */
  system: LooseRecord;
  /** `executionContext.targetEnvironment` names production (see {@link isProductionEnvironment}). */
  production: boolean;
}

const IN_FORCE_STATUSES = new Set(['approved', 'conditional']);

/**
 * True when an environment name denotes production: it is, or has a word that is,
 * `prod`, `production`, `prd` or `live` (case-insensitive), e.g. `production`,
 * `prod-eu`, `eu_prod`, `Live`. Staging/preprod names do not count (`preprod` is one word).
 *
 * @example
 * ```ts
 * isProductionEnvironment('prod-eu'); // true
 * isProductionEnvironment('preprod'); // false
 * ```
 */
export function isProductionEnvironment(name: string | null): boolean {
  if (name === null) return false;
  return name
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .some((w) => w === 'prod' || w === 'production' || w === 'prd' || w === 'live');
}

/**
 * True when a timestamp is present and not after `now` (an unparsable one counts as
 * expired: an approval whose end cannot be read must not be relied on).
 *
 * @example
 * ```ts
 * isPastExpiry('2020-01-01T00:00:00Z', new Date()); // true
 * isPastExpiry(null, new Date()); // false
 * ```
 */
export function isPastExpiry(expiresAt: string | null, now: Date): boolean {
  if (expiresAt === null) return false;
  const t = Date.parse(expiresAt);
  return Number.isNaN(t) || t <= now.getTime();
}

function controlsOf(ep: LooseRecord): { key: string | null; value: LooseRecord } {
  const key = 'cicdControls' in ep ? 'cicdControls' : 'controls' in ep ? 'controls' : (Object.keys(ep).find((k) => k.endsWith('Controls')) ?? null);
  return { key, value: key === null ? {} : asRecord(ep[key]) };
}

function authorizationsOf(doc: LooseRecord, id: string, now: Date): EntryAuthorization[] {
  const out: EntryAuthorization[] = [];
  asArray(doc.authorizationArtifacts).forEach((artifactValue, ai) => {
    const artifact = asRecord(artifactValue);
    const artifactPointer = joinPointer('/authorizationArtifacts', ai);
    asArray(artifact.entries).forEach((entryValue, ei) => {
      const entry = asRecord(entryValue);
      if (entry.privilegedEntryPointId !== id) return;
      const pastExpiry = isPastExpiry(asString(entry.expiresAt), now);
      const status = asString(entry.approvalStatus) ?? '';
      out.push({ entry, artifact, pointer: joinPointer(artifactPointer, 'entries', ei), artifactPointer, inForce: IN_FORCE_STATUSES.has(status) && !pastExpiry, pastExpiry });
    });
  });
  return out;
}

/**
 * The evidence items of a document by id.
 *
 * @example
 * ```ts
 * evidenceIndex({ evidence: [{ id: 'e1', type: 'log', description: '' }] }).has('e1'); // true
 * ```
 */
export function evidenceIndex(doc: LooseRecord): Map<string, LooseRecord> {
  const byId = new Map<string, LooseRecord>();
  for (const e of asArray(doc.evidence)) {
    const item = asRecord(e);
    const id = asString(item.id);
    if (id !== null && !byId.has(id)) byId.set(id, item);
  }
  return byId;
}

/**
 * The facts of every entry point of a document, in document order.
 *
 * @example
 * ```ts
 * const facts = entryPointFacts(doc, new Date('2026-01-01T00:00:00Z'));
 * facts[0].authorizations.filter((a) => a.inForce).length;
 * ```
 */
export function entryPointFacts(doc: LooseRecord, now: Date): EntryPointFacts[] {
  const evidenceById = evidenceIndex(doc);
  const system = asRecord(doc.system);
  return asArray(doc.privilegedExecutionSurface).map((value, i) => {
    const entryPoint = asRecord(value);
    const id = asString(entryPoint.id) ?? `#${i}`;
    const executionContext = asRecord(entryPoint.executionContext);
    const invocationContract = asRecord(entryPoint.invocationContract);
    const controls = controlsOf(entryPoint);
    return {
      id,
      pointer: joinPointer('/privilegedExecutionSurface', i),
      riskLevel: asString(entryPoint.riskLevel) ?? 'moderate',
      entryPoint,
      executionContext,
      invocationContract,
      integrityBinding: recordOrNull(entryPoint.integrityBinding),
      controls: controls.value,
      controlsKey: controls.key,
      startupChecks: asArray(invocationContract.startupChecks).filter((c): c is string => typeof c === 'string'),
      authorizations: authorizationsOf(doc, id, now),
      evidenceById,
      system,
      production: isProductionEnvironment(asString(executionContext.targetEnvironment)),
    };
  });
}
