/**
 * The Markdown report of a `pecs-assessment` document: overall level, a dimension table,
 * an entry point × dimension table, the findings with the fields that caused them, and the
 * remediation tasks in priority order. Reads only the document, so it renders any
 * assessment (including one read back from a file).
 *
 * @module
 */
import type { PecsDocument } from '../document.ts';
import { asArray, asRecord, asString, asStrings } from './loose-access.ts';
import { MATURITY_DIMENSIONS, MATURITY_LEVEL_NAMES, type MaturityLevel } from './maturity-model.ts';

/** Escapes the characters that would break a Markdown table cell. */
const cell = (s: string) => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

const levelName = (l: unknown) => (typeof l === 'number' && l >= 0 && l <= 4 ? `${l} (${MATURITY_LEVEL_NAMES[l as MaturityLevel]})` : '?');

function levelOf(dimensions: unknown, id: string): string {
  const d = asArray(dimensions).map(asRecord).find((x) => x.id === id);
  return d === undefined ? '–' : String(d.level);
}

/**
 * Renders an assessment as Markdown.
 *
 * @example
 * ```ts
 * renderAssessmentMarkdown(assessPecsDocument(profile)).split('\n')[0]; // '# PECS maturity assessment: …'
 * ```
 */
export function renderAssessmentMarkdown(assessment: PecsDocument): string {
  const meta = asRecord(assessment.metadata);
  const profile = asRecord(assessment.maturityProfile);
  const gap = asRecord(assessment.gapAnalysis);
  const lines: string[] = [];
  lines.push(`# PECS maturity assessment: ${asString(assessment.system.name) ?? asString(meta.id) ?? '?'}`, '');
  lines.push(`- Source: ${asString(asRecord(meta.sourceDocument).id) ?? '?'} ${asString(asRecord(meta.sourceDocument).version) ?? ''}`.trimEnd());
  lines.push(`- Model: ${asString(profile.model) ?? '?'} (levels 0–4; dimension = minimum over entry points, overall = minimum over dimensions)`);
  lines.push(`- Assessed at: ${asString(profile.assessedAt) ?? '?'}`);
  lines.push(`- **Overall level: ${levelName(profile.overallLevel)}**`, '');

  lines.push('## Dimensions', '', '| Dimension | Level | Rationale |', '|---|---|---|');
  for (const d of asArray(profile.dimensions).map(asRecord)) lines.push(`| ${cell(String(d.id))} | ${levelName(d.level)} | ${cell(asString(d.rationale) ?? '')} |`);
  lines.push('');

  const entryPoints = asArray(profile.entryPoints).map(asRecord);
  if (entryPoints.length > 0) {
    lines.push('## Entry points', '', `| Entry point | Overall | ${MATURITY_DIMENSIONS.join(' | ')} |`, `|---|---|${MATURITY_DIMENSIONS.map(() => '---|').join('')}`);
    for (const e of entryPoints) lines.push(`| ${cell(String(e.entryPointId))} | ${String(e.overallLevel)} | ${MATURITY_DIMENSIONS.map((d) => levelOf(e.dimensions, d)).join(' | ')} |`);
    lines.push('');
  }

  const findings = asArray(gap.findings).map(asRecord);
  lines.push(`## Findings (${findings.length})`, '');
  if (findings.length === 0) lines.push('None.', '');
  for (const f of findings) {
    lines.push(`### ${cell(String(f.id))} — ${String(f.severity)}: ${String(f.title)}`, '');
    if (asString(f.description) !== null) lines.push(String(f.description), '');
    lines.push(`- Fields: ${asStrings(f.fields).map((p) => `\`${p}\``).join(', ') || '–'}`);
    lines.push(`- Remediation: ${String(f.remediation)}`, '');
  }

  const tasks = asArray(gap.tasks).map(asRecord);
  lines.push('## Remediation plan (by impact)', '');
  if (tasks.length === 0) lines.push('Nothing to do.');
  else {
    lines.push('| # | Task | Impact | Effort | Entry points | Findings |', '|---|---|---|---|---|---|');
    for (const t of tasks) {
      lines.push(`| ${String(t.priority)} | ${cell(String(t.title))} | ${String(t.impact)} | ${String(t.effort ?? '–')} | ${cell(asStrings(t.entryPointIds).join(', '))} | ${cell(asStrings(t.findingIds).join(', '))} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}
