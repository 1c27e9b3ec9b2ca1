/**
 * Turns detections into the base schema's `gapAnalysis`: one `gapFinding` per detection,
 * and one remediation `gapTask` per rule that fired, ordered by impact.
 *
 * Impact is deterministic: a finding's impact is severity weight × criticality weight
 * (info 0, low 1, moderate 2, high 3, critical 4 for both; criticality is the entry
 * point's `riskLevel`, for an artifact the highest `riskLevel` of the entry points it
 * authorizes, else the system's `criticality`, else moderate). A task's impact is the sum
 * over its findings (the risk it removes). Tasks are ordered by impact descending, then by
 * their highest single-finding impact, then by rule id.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import type { Detection } from './detect-findings.ts';
import { findingRule, type FindingRuleId, type FindingSeverity } from './finding-catalog.ts';

/** A finding in the shape of the base schema's `gapFinding`. */
export interface GapFinding {
  id: string;
  rule: FindingRuleId;
  severity: FindingSeverity;
  title: string;
  description: string;
  entryPointId?: string;
  dimensionId: string;
  fields: string[];
  remediation: string;
}

/** A remediation task in the shape of the base schema's `gapTask`. */
export interface GapTask {
  id: string;
  priority: number;
  title: string;
  findingIds: string[];
  impact: number;
  effort: 'small' | 'medium' | 'large';
  entryPointIds: string[];
}

/**
 * The weight of a severity or criticality/risk level (unknown values weigh as moderate).
 *
 * @example
 * ```ts
 * levelWeight('critical'); // 4
 * ```
 */
export function levelWeight(level: string | null | undefined): number {
  switch (level) {
    case 'info':
      return 0;
    case 'low':
      return 1;
    case 'high':
      return 3;
    case 'critical':
      return 4;
    default:
      return 2;
  }
}

const MAX_IDENTIFIER = 128;

/**
 * The stable id of a finding: `<rule>:<subject>`, or `<rule>:<sha256(subject) prefix>` when
 * that would exceed the 128-character identifier limit or the subject has characters an
 * identifier cannot hold.
 *
 * @example
 * ```ts
 * findingId('PECS-A-001', 'deploy-prod'); // 'PECS-A-001:deploy-prod'
 * ```
 */
export function findingId(rule: string, subject: string): string {
  const plain = `${rule}:${subject}`;
  if (plain.length <= MAX_IDENTIFIER && /^[A-Za-z0-9._:-]+$/.test(subject)) return plain;
  return `${rule}:h-${createHash('sha256').update(subject).digest('hex').slice(0, 24)}`;
}

/** A detection with its finding and its impact. */
export interface ScoredFinding {
  finding: GapFinding;
  impact: number;
}

/**
 * The findings of detections, with ids made unique (a repeated subject, possible only in
 * documents with duplicate ids, gets `~2`, `~3`… in order) and each finding's impact.
 *
 * @example
 * ```ts
 * scoreFindings(detections, (ids) => 'critical')[0].impact; // e.g. 16
 * ```
 */
export function scoreFindings(detections: readonly Detection[], criticalityOf: (entryPointIds: readonly string[]) => string): ScoredFinding[] {
  const seen = new Map<string, number>();
  return detections.map((d) => {
    const rule = findingRule(d.rule);
    const base = findingId(d.rule, d.subject);
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    const finding: GapFinding = {
      id: n === 1 ? base : `${base}~${n}`,
      rule: d.rule,
      severity: rule.severity,
      title: rule.title,
      description: d.description,
      ...(d.rule !== 'PECS-A-007' && d.entryPointIds[0] !== undefined ? { entryPointId: d.entryPointIds[0] } : {}),
      dimensionId: rule.dimension,
      fields: d.fields,
      remediation: rule.remediation,
    };
    return { finding, impact: levelWeight(rule.severity) * levelWeight(criticalityOf(d.entryPointIds)) };
  });
}

/**
 * One task per rule that fired, ordered by impact (see the module doc), priority 1 first.
 *
 * @example
 * ```ts
 * planTasks(scored, detections)[0].priority; // 1
 * ```
 */
export function planTasks(scored: readonly ScoredFinding[], detections: readonly Detection[]): GapTask[] {
  const byRule = new Map<FindingRuleId, { impact: number; top: number; findingIds: string[]; entryPointIds: Set<string> }>();
  scored.forEach((s, i) => {
    const rule = s.finding.rule;
    const group = byRule.get(rule) ?? { impact: 0, top: 0, findingIds: [], entryPointIds: new Set<string>() };
    group.impact += s.impact;
    group.top = Math.max(group.top, s.impact);
    group.findingIds.push(s.finding.id);
    for (const ep of detections[i]?.entryPointIds ?? []) group.entryPointIds.add(ep);
    byRule.set(rule, group);
  });
  const ordered = [...byRule.entries()].sort(([ra, a], [rb, b]) => b.impact - a.impact || b.top - a.top || ra.localeCompare(rb));
  return ordered.map(([ruleId, g], i) => {
    const rule = findingRule(ruleId);
    const count = g.findingIds.length;
    return {
      id: `GAP-${ruleId}`,
      priority: i + 1,
      title: `${rule.remediation} (${count} finding${count === 1 ? '' : 's'}: ${rule.title})`,
      findingIds: g.findingIds,
      impact: g.impact,
      effort: rule.effort,
      entryPointIds: [...g.entryPointIds].sort(),
    };
  });
}
