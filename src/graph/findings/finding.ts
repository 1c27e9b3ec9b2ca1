import { createHash } from 'node:crypto';
import type { ExecutionEvidence, SourceRef } from '../model/inventory.ts';

/**
 * Stable rule ids: GRAPH-001 orphaned path to a sensitive domain; GRAPH-002 standing grade-C
 * authority to a sensitive domain; GRAPH-003 long-lived credential on a path to a sensitive domain;
 * GRAPH-004 sensitive-domain reach plus llm-api egress from one workload; GRAPH-005 wildcard action
 * or resource; GRAPH-006 evidence gap per destination kind.
 *
 * @example `const rule: GraphRuleId = 'GRAPH-004';`
 */
export type GraphRuleId = 'GRAPH-001' | 'GRAPH-002' | 'GRAPH-003' | 'GRAPH-004' | 'GRAPH-005' | 'GRAPH-006';

/** Finding severity, most to least severe. @example `const s: FindingSeverity = 'high';` */
export type FindingSeverity = 'critical' | 'high' | 'medium' | 'low' | 'info';

/**
 * One finding. `id` is `<rule>-<first 16 hex of sha256(rule \n subject)>`, so the same fact yields the
 * same id on every scan; `subject` is the readable key (e.g. `i:role -> d:bucket`). `path_ids` (in materialization order) are the
 * materialized paths it concerns, `evidence` the execution records behind it (empty for grade C),
 * `sources` the inventory facts (edges / entities) it rests on.
 *
 * @example
 * ```ts
 * for (const f of findings) console.log(f.id, f.severity, f.title, '→', f.remediation);
 * ```
 */
export interface GraphFinding {
  id: string;
  rule: GraphRuleId;
  severity: FindingSeverity;
  title: string;
  subject: string;
  path_ids: string[];
  evidence: ExecutionEvidence[];
  sources: SourceRef[];
  remediation: string;
}

/**
 * The stable id of a finding of `rule` about `subject`.
 *
 * @example
 * ```ts
 * findingId('GRAPH-001', 'path:ab12…'); // 'GRAPH-001-' + 16 hex chars
 * ```
 */
export function findingId(rule: GraphRuleId, subject: string): string {
  return `${rule}-${createHash('sha256').update(`${rule}\n${subject}`).digest('hex').slice(0, 16)}`;
}

/**
 * Sources deduplicated (by connector, file, pointer, line) in first-seen order.
 *
 * @example `uniqueSources(path.edges.map((e) => e.source));`
 */
export function uniqueSources(sources: SourceRef[]): SourceRef[] {
  const seen = new Map<string, SourceRef>();
  for (const s of sources) {
    const key = [s.connector, s.file, s.pointer ?? '', s.line ?? ''].join('\u0000');
    if (!seen.has(key)) seen.set(key, s);
  }
  return [...seen.values()];
}
