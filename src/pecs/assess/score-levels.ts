/**
 * Maturity levels from the criteria: per entry point and dimension, the highest level L
 * whose criteria 1..L all hold (cumulative, so a level-3 control without the level-2 one
 * scores 1); per dimension for the system, the minimum over entry points (the weakest
 * privileged path is the system's exposure); overall, the minimum over dimensions.
 *
 * @module
 */
import type { EntryPointFacts } from './entry-point-facts.ts';
import { CRITERION_CHECKS } from './maturity-criteria-checks.ts';
import { MATURITY_CRITERIA, MATURITY_DIMENSIONS, MATURITY_DIMENSION_TITLES, MATURITY_LEVEL_NAMES, type MaturityCriterion, type MaturityDimension, type MaturityLevel } from './maturity-model.ts';

/** One dimension's score, in the shape of the base schema's `dimensionScore`. */
export interface DimensionScore {
  id: MaturityDimension;
  name: string;
  level: MaturityLevel;
  rationale: string;
  /** JSON pointers of the fields behind the level (those of the first unmet criterion, or of the top level). */
  fields: string[];
}

/** An entry point's scores. */
export interface EntryPointScore {
  entryPointId: string;
  overallLevel: MaturityLevel;
  dimensions: DimensionScore[];
}

const EP_PREFIX = '/privilegedExecutionSurface/*';
const ENTRY_PREFIX = '/authorizationArtifacts/*/entries/*';
const ARTIFACT_PREFIX = '/authorizationArtifacts/*';

/** Cuts a pointer at its first `*` token: the array itself is the field. */
const upToWildcard = (p: string) => (p.includes('/*') ? p.slice(0, p.indexOf('/*')) : p);

/**
 * The concrete JSON pointers of a criterion's field templates for one entry point: its own
 * fields under its pointer, authorization fields under the entries that name it, evidence
 * fields as `/evidence`.
 *
 * @example
 * ```ts
 * concreteFields('/privilegedExecutionSurface/*\/riskLevel', facts); // ['/privilegedExecutionSurface/0/riskLevel']
 * ```
 */
export function concreteFields(template: string, f: EntryPointFacts): string[] {
  const controls = f.controlsKey ?? 'cicdControls';
  if (template.startsWith(EP_PREFIX)) return [upToWildcard(f.pointer + template.slice(EP_PREFIX.length).replace('/cicdControls', `/${controls}`))];
  if (template.startsWith(ENTRY_PREFIX)) return f.authorizations.map((a) => upToWildcard(a.pointer + template.slice(ENTRY_PREFIX.length)));
  if (template.startsWith(ARTIFACT_PREFIX)) return [...new Set(f.authorizations.map((a) => upToWildcard(a.artifactPointer + template.slice(ARTIFACT_PREFIX.length))))];
  return [upToWildcard(template)];
}

const fieldsOf = (criteria: readonly MaturityCriterion[], f: EntryPointFacts) => [...new Set(criteria.flatMap((c) => c.fields.flatMap((t) => concreteFields(t, f))))];

/**
 * One entry point's score in one dimension.
 *
 * @example
 * ```ts
 * scoreDimension(facts, 'runtime-enforcement').level; // 0…4
 * ```
 */
export function scoreDimension(f: EntryPointFacts, dimension: MaturityDimension): DimensionScore {
  const criteria = MATURITY_CRITERIA.filter((c) => c.dimension === dimension);
  let level: MaturityLevel = 0;
  for (const next of [1, 2, 3, 4] as const) {
    const atLevel = criteria.filter((c) => c.level === next);
    const unmet = atLevel.filter((c) => !CRITERION_CHECKS[c.id](f));
    if (unmet.length > 0) {
      const why = unmet.map((c) => `${c.id} ${c.text}`).join(' ');
      return { id: dimension, name: MATURITY_DIMENSION_TITLES[dimension], level, rationale: `level ${level} (${MATURITY_LEVEL_NAMES[level]}); level ${next} needs: ${why}`, fields: fieldsOf(unmet, f) };
    }
    level = next;
  }
  return { id: dimension, name: MATURITY_DIMENSION_TITLES[dimension], level: 4, rationale: `level 4 (${MATURITY_LEVEL_NAMES[4]}): every criterion met`, fields: fieldsOf(criteria.filter((c) => c.level === 4), f) };
}

const minLevel = (levels: readonly MaturityLevel[]): MaturityLevel => (levels.length === 0 ? 0 : (Math.min(...levels) as MaturityLevel));

/**
 * An entry point's scores in every dimension, overall = the minimum.
 *
 * @example
 * ```ts
 * scoreEntryPoint(facts).overallLevel;
 * ```
 */
export function scoreEntryPoint(f: EntryPointFacts): EntryPointScore {
  const dimensions = MATURITY_DIMENSIONS.map((d) => scoreDimension(f, d));
  return { entryPointId: f.id, overallLevel: minLevel(dimensions.map((d) => d.level)), dimensions };
}

/**
 * The system's score per dimension: the minimum over entry points, with the fields and
 * rationale of the entry points at that minimum.
 *
 * @example
 * ```ts
 * systemDimensionScores(facts.map(scoreEntryPoint))[0].level;
 * ```
 */
export function systemDimensionScores(entryPoints: readonly EntryPointScore[]): DimensionScore[] {
  return MATURITY_DIMENSIONS.map((dimension) => {
    const scores = entryPoints.map((e) => ({ entryPointId: e.entryPointId, score: e.dimensions.find((d) => d.id === dimension) as DimensionScore }));
    if (scores.length === 0) return { id: dimension, name: MATURITY_DIMENSION_TITLES[dimension], level: 0, rationale: 'level 0 (absent): no privileged entry points declared', fields: ['/privilegedExecutionSurface'] };
    const level = minLevel(scores.map((s) => s.score.level));
    const weakest = scores.filter((s) => s.score.level === level);
    const names = weakest.map((s) => s.entryPointId).join(', ');
    return {
      id: dimension,
      name: MATURITY_DIMENSION_TITLES[dimension],
      level,
      // Below 4, say what the first weakest entry point lacks: that is the next step for the system.
      rationale: `minimum over ${scores.length} entry point(s) is level ${level} (${MATURITY_LEVEL_NAMES[level]}), held by ${names}${level < 4 && weakest[0] ? `; ${weakest[0].entryPointId}: ${weakest[0].score.rationale}` : ''}`,
      fields: [...new Set(weakest.flatMap((s) => s.score.fields))],
    };
  });
}

/**
 * The overall level: the minimum over the dimensions.
 *
 * @example
 * ```ts
 * overallLevel(systemDimensionScores(scores)); // 0…4
 * ```
 */
export function overallLevel(dimensions: readonly DimensionScore[]): MaturityLevel {
  return minLevel(dimensions.map((d) => d.level));
}
