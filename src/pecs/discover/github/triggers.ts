/**
 * The `on:` block of a GitHub Actions workflow: events, ref filters, and the manual inputs
 * of `workflow_dispatch`.
 *
 * @module
 */
import { asRecord, asText, asTextList, sortedUnique } from '../values.ts';

/**
 * What starts a workflow.
 *
 * @example
 * ```ts
 * const t: WorkflowTriggers = { events: ['push'], refConstraints: ['push.branches: main'], protectedRefsOnly: true, manualInputs: [] };
 * ```
 */
export interface WorkflowTriggers {
  events: string[];
  refConstraints: string[];
  /** Every event is a push (or dispatch / schedule) limited to the default or release branches or to tags. */
  protectedRefsOnly: boolean;
  manualInputs: Array<{ name: string; choices: string[] | null }>;
}

// Events an outside contributor can cause, where the job still gets the base repository's
// token and secrets.
const RISKY = new Set(['pull_request_target', 'workflow_run', 'issue_comment', 'issues', 'discussion', 'discussion_comment', 'pull_request_review', 'pull_request_review_comment']);

/**
 * True for events an outside contributor can trigger while the run holds the base
 * repository's privileges.
 *
 * @example
 * ```ts
 * isRiskyTrigger('pull_request_target'); // true
 * isRiskyTrigger('push'); // false
 * ```
 */
export function isRiskyTrigger(event: string): boolean {
  return RISKY.has(event);
}

const PROTECTED_BRANCH = /^(?:main|master|trunk|develop|release.*|prod.*|stable|v?\d.*|refs\/tags\/.*)$/;

/**
 * Reads the `on:` value (string, list or mapping).
 *
 * @example
 * ```ts
 * parseTriggers({ push: { branches: ['main'] }, workflow_dispatch: null }).events; // ['push', 'workflow_dispatch']
 * ```
 */
export function parseTriggers(on: unknown): WorkflowTriggers {
  const map = asRecord(on);
  const events = map ? Object.keys(map) : asTextList(on);
  const refConstraints: string[] = [];
  const manualInputs: WorkflowTriggers['manualInputs'] = [];
  let everyEventProtected = events.length > 0;
  for (const event of events) {
    const cfg = map ? asRecord(map[event]) : null;
    const branches = asTextList(cfg?.branches);
    const tags = asTextList(cfg?.tags);
    for (const b of branches) refConstraints.push(`${event}.branches: ${b}`);
    for (const t of tags) refConstraints.push(`${event}.tags: ${t}`);
    if (event === 'workflow_dispatch') {
      for (const [name, spec] of Object.entries(asRecord(cfg?.inputs) ?? {})) {
        const s = asRecord(spec);
        const type = asText(s?.type);
        const choices = type === 'boolean' ? ['true', 'false'] : type === 'choice' ? asTextList(s?.options) : null;
        manualInputs.push({ name, choices });
      }
    }
    const protectedPush = event === 'push' && (tags.length > 0 || (branches.length > 0 && branches.every((b) => PROTECTED_BRANCH.test(b))));
    const releaseEvent = event === 'release' || event === 'schedule' || event === 'workflow_dispatch' || event === 'workflow_call';
    if (!protectedPush && !releaseEvent) everyEventProtected = false;
  }
  manualInputs.sort((a, b) => a.name.localeCompare(b.name));
  return { events: sortedUnique(events), refConstraints: sortedUnique(refConstraints), protectedRefsOnly: everyEventProtected, manualInputs };
}
