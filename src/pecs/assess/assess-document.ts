/**
 * `assessPecsDocument`: the maturity assessment of a PECS document. The result is a
 * `pecs-assessment` document of the same profile: the input's system, entry points,
 * authorization artifacts, mappings and evidence copied unchanged, plus a
 * `maturityProfile` (per-dimension and per-entry-point levels of Writ's model,
 * docs/pecs-maturity.md) and a `gapAnalysis` (findings with stable ids and the JSON
 * pointers that caused them, remediation tasks by impact). Deterministic for a given
 * input and clock.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { canonicalize } from '../../crypto/jcs.ts';
import type { PecsDocument } from '../document.ts';
import { detectArtifactFindings, detectEntryPointFindings } from './detect-findings.ts';
import { entryPointFacts } from './entry-point-facts.ts';
import { planTasks, scoreFindings } from './gap-analysis.ts';
import { asRecord, asString } from './loose-access.ts';
import { overallLevel, scoreEntryPoint, systemDimensionScores } from './score-levels.ts';

export { renderAssessmentMarkdown } from './render-assessment-markdown.ts';

/**
 * The model name and version written to `maturityProfile.model`.
 *
 * @example
 * ```ts
 * MATURITY_MODEL_NAME; // 'writ-pecs-maturity/1'
 * ```
 */
export const MATURITY_MODEL_NAME = 'writ-pecs-maturity/1';

/** Options of {@link assessPecsDocument}. */
export interface AssessOptions {
  /** The clock: expiry is judged against it and it is the `assessedAt` time. Default: now. */
  now?: Date;
}

const ASSESSMENT_ID_SUFFIX = '-assessment';
const MAX_IDENTIFIER = 128;
const COPIED_SECTIONS = ['authorizationArtifacts', 'implementationMappings', 'evidence', 'customExtensions'] as const;

/** sha256 of the input's JCS form, null when it has values JCS rejects (it never does for parsed JSON/YAML). */
function sourceDigest(doc: PecsDocument): string | null {
  try {
    return createHash('sha256').update(canonicalize(doc)).digest('hex');
  } catch {
    return null;
  }
}

function assessmentMetadata(doc: PecsDocument, now: Date): Record<string, unknown> {
  const source = asRecord(doc.metadata);
  const sourceId = asString(source.id) ?? 'pecs-document';
  const sourceVersion = asString(source.version) ?? '0.0.0';
  const digest = sourceDigest(doc);
  return {
    id: sourceId.slice(0, MAX_IDENTIFIER - ASSESSMENT_ID_SUFFIX.length) + ASSESSMENT_ID_SUFFIX,
    title: `Maturity assessment of ${asString(source.title) ?? sourceId}`,
    version: sourceVersion,
    status: 'draft',
    createdAt: now.toISOString(),
    generatedBy: { tool: 'writ pecs assess', version: MATURITY_MODEL_NAME },
    sourceDocument: { id: sourceId, version: sourceVersion, ...(digest !== null ? { digest } : {}) },
  };
}

/** Criticality of a detection's entry points for impact: highest riskLevel, else the system's criticality. */
function criticalityLookup(doc: PecsDocument): (ids: readonly string[]) => string {
  const risk = new Map(doc.privilegedExecutionSurface.map((ep) => [String(ep.id), asString(ep.riskLevel) ?? 'moderate']));
  const order = ['low', 'moderate', 'high', 'critical'];
  const fallback = asString(doc.system.criticality) ?? 'moderate';
  return (ids) => {
    const levels = ids.map((id) => risk.get(id)).filter((r): r is string => r !== undefined);
    return levels.length === 0 ? fallback : levels.reduce((a, b) => (order.indexOf(b) > order.indexOf(a) ? b : a));
  };
}

/**
 * Assesses a (valid) PECS document against Writ's maturity model.
 *
 * @example
 * ```ts
 * const assessment = assessPecsDocument(profile, { now: new Date('2026-06-01T00:00:00Z') });
 * assessment.maturityProfile?.overallLevel; // 0…4
 * (assessment.gapAnalysis?.findings as Array<{ id: string }>).map((f) => f.id); // ['PECS-A-004:deploy', …]
 * ```
 */
export function assessPecsDocument(doc: PecsDocument, opts: AssessOptions = {}): PecsDocument {
  const now = opts.now ?? new Date();
  const facts = entryPointFacts(doc as unknown as Record<string, unknown>, now);
  const entryPoints = facts.map(scoreEntryPoint);
  const dimensions = systemDimensionScores(entryPoints);
  const detections = [...detectEntryPointFindings(facts), ...detectArtifactFindings(doc as unknown as Record<string, unknown>)];
  const scored = scoreFindings(detections, criticalityLookup(doc));
  const tasks = planTasks(scored, detections);

  const out: PecsDocument = {
    ...(doc.$schema !== undefined ? { $schema: doc.$schema } : {}),
    schemaVersion: doc.schemaVersion,
    documentType: 'pecs-assessment',
    metadata: assessmentMetadata(doc, now),
    system: doc.system,
    privilegedExecutionSurface: doc.privilegedExecutionSurface,
  };
  for (const section of COPIED_SECTIONS) {
    if (doc[section] !== undefined) Object.assign(out, { [section]: doc[section] });
  }
  out.maturityProfile = {
    model: MATURITY_MODEL_NAME,
    assessedAt: now.toISOString(),
    assessor: 'writ pecs assess',
    overallLevel: overallLevel(dimensions),
    dimensions,
    entryPoints,
    notes: 'Levels are cumulative per dimension; a dimension is the minimum over entry points; overall is the minimum over dimensions (docs/pecs-maturity.md).',
  };
  out.gapAnalysis = {
    findings: scored.map((s) => s.finding),
    tasks,
    notes: 'Finding ids are <rule>:<subject>; task impact = sum over its findings of severity weight x criticality weight.',
  };
  return out;
}
