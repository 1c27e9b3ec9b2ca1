/**
 * `writ policy diff A B`: what changing bundle A into bundle B means (offline, files
 * only): policies added, removed and changed (by `@id`; effect, scope, conditions,
 * annotations, file), schema changes, and the decisions that change over the required
 * fixtures, both bundles' test cases and a generated corpus
 * (`src/policy/lifecycle/diff/`). `--json` prints the SemanticDiff.
 *
 * Exit codes, as `diff(1)`: 0 when there is no semantic change (the hashes may still
 * differ: comments, formatting, tests), 1 when there are changes, 2 when A or B is not
 * a valid bundle or an option is invalid.
 *
 * @module
 */
import type { Command } from 'commander';
import { WritError } from '../../errors/writ-error.ts';
import { isSha256Ref } from '../../crypto/hash.ts';
import { checkBundleDocument, type BundleCheck, type CompiledBundle } from '../../policy/compile-bundle.ts';
import { inspectBundleDir } from '../../policy/load-bundle.ts';
import type { DecisionChange, DecisionSummary, PolicyChange } from '../../policy/lifecycle/artifacts.ts';
import { DEFAULT_CORPUS_PER_ACTION, DEFAULT_CORPUS_SEED, type CorpusOptions } from '../../policy/lifecycle/corpus/generate-corpus.ts';
import { diffBundles, hasSemanticChange, type BundleDiff } from '../../policy/lifecycle/diff/diff-bundles.ts';
import { formatProblem } from '../../policy/problems.ts';
import type { CliContext } from '../context.ts';
import { EXIT } from '../exit-codes.ts';

/**
 * Options of `writ policy diff`.
 *
 * @example
 * ```ts
 * const o: DiffCommandOptions = { limit: '50', seed: '7' };
 * ```
 */
export interface DiffCommandOptions {
  /** Decision changes shown in the human output (default 20). */
  limit?: string;
  /** Corpus seed and budget per action scope. */
  seed?: string;
  perAction?: string;
}

const DEFAULT_LIMIT = 20;

/**
 * A non-negative integer option, or a `BAD_REQUEST` error (exit 2).
 *
 * @example
 * ```ts
 * countOption('20', '--limit'); // 20
 * ```
 */
export function countOption(value: string, flag: string): number {
  if (!/^\d{1,9}$/.test(value)) throw new WritError('BAD_REQUEST', `${flag} expects a non-negative integer, got ${JSON.stringify(value)}`);
  return Number(value);
}

/**
 * Reads and checks a bundle given on the command line: a directory, or the
 * `policy_bundle_hash` of a bundle stored on the server (fetched, re-checked and
 * re-hashed). On a problem prints them (with `--json`, as `{dir, valid: false, …}`) and
 * returns null.
 *
 * @example
 * ```ts
 * const bundle = await bundleArgument('policies/default', ctx()); // null → exit 2
 * const stored = await bundleArgument('sha256:…', ctx());         // from GET /v1/policy/bundles/{hash}
 * ```
 */
export async function bundleArgument(arg: string, c: CliContext): Promise<CompiledBundle | null> {
  let check: BundleCheck;
  if (isSha256Ref(arg)) {
    const stored = await c.client().get<{ document: unknown }>(`/v1/policy/bundles/${encodeURIComponent(arg)}`);
    check = checkBundleDocument(stored.document);
    if (check.bundle && check.policy_bundle_hash !== arg) throw new WritError('INTERNAL', `the server returned a bundle whose hash is ${check.policy_bundle_hash}, not ${arg}`);
  } else {
    check = inspectBundleDir(arg);
  }
  if (check.bundle) return check.bundle;
  const invalid = { dir: arg, valid: false, policy_bundle_hash: check.policy_bundle_hash, problems: check.problems, warnings: check.warnings };
  c.out.result(invalid, () =>
    [`INVALID bundle ${arg}: ${check.problems.length} problem${check.problems.length === 1 ? '' : 's'}`, ...check.problems.map((p) => `  ${formatProblem(p)}`)].join('\n'),
  );
  return null;
}

function show(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** Annotations as Cedar writes them, one per changed key; a key on one side only is "(no @key)" on the other. */
function annotationLines(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const text = (from: Record<string, unknown>, k: string) =>
    Object.hasOwn(from, k) ? `@${k}${from[k] === null ? '' : `(${JSON.stringify(from[k])})`}` : `(no @${k})`;
  return [...keys.map((k) => `        - ${text(before, k)}`), ...keys.map((k) => `        + ${text(after, k)}`)];
}

function changeLines(ch: PolicyChange): string[] {
  if (ch.aspect === 'annotations') {
    return [`      ${ch.aspect}`, ...annotationLines((ch.before ?? {}) as Record<string, unknown>, (ch.after ?? {}) as Record<string, unknown>)];
  }
  const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(show) : [show(v)]);
  return [`      ${ch.aspect}`, ...list(ch.before).map((l) => `        - ${l}`), ...list(ch.after).map((l) => `        + ${l}`)];
}

function verdictText(s: DecisionSummary): string {
  const extra = s.deny_code ? ` (${s.deny_code})` : s.verdict === 'require_approval' ? ` (${s.obligations.approvals_required} from ${s.obligations.approver_groups.join(',')})` : '';
  return `${s.verdict}${extra}`;
}

function decisionLine(d: DecisionChange): string {
  return `  ${d.source.padEnd(8)}  ${d.case_id}  ${verdictText(d.before)} -> ${verdictText(d.after)}  [${d.changed.join(', ')}]`;
}

/**
 * The human form of a diff: the two bundles, then policy, schema and decision sections
 * (the first `limit` decision changes), then whether anything changed in meaning.
 *
 * @example
 * ```ts
 * diffText(diffBundles(a, b), 20).split('\n').at(-1); // 'no semantic change' or 'semantic changes: …'
 * ```
 */
export function diffText(d: BundleDiff, limit: number): string {
  const lines = [
    `from  ${d.from.bundle_id} ${d.from.version}  ${d.from.policy_bundle_hash}`,
    `to    ${d.to.bundle_id} ${d.to.version}  ${d.to.policy_bundle_hash}`,
    `policies: ${d.added.length} added, ${d.removed.length} removed, ${d.changed.length} changed`,
  ];
  for (const p of d.policies.added) lines.push(`  + ${p.policy_id}  (${p.effect}, ${p.file})`);
  for (const p of d.policies.removed) lines.push(`  - ${p.policy_id}  (${p.effect}, ${p.file})`);
  for (const p of d.policies.changed) {
    lines.push(`  ~ ${p.policy_id}  (${p.changes.map((c) => c.aspect).join(', ')})`);
    for (const ch of p.changes) lines.push(...changeLines(ch));
  }
  const s = d.schema;
  lines.push(`schema: ${s.changed ? 'changed' : 'unchanged'}`);
  const schemaLists: Array<[string, string[]]> = [
    ['actions added', s.actions_added],
    ['actions removed', s.actions_removed],
    ['actions changed', s.actions_changed],
    ['entity types added', s.entity_types_added],
    ['entity types removed', s.entity_types_removed],
    ['entity types changed', s.entity_types_changed],
    ['common types added', s.common_types_added],
    ['common types removed', s.common_types_removed],
    ['common types changed', s.common_types_changed],
  ];
  for (const [label, list] of schemaLists) if (list.length > 0) lines.push(`  ${label}: ${list.join(', ')}`);
  const dec = d.decisions;
  lines.push(
    `decisions: ${dec.case_count} cases (${dec.required_case_count} required, ${dec.test_case_count} test, ${dec.corpus_case_count} corpus): ${dec.changed_count} changed`,
  );
  for (const ch of dec.changes.slice(0, limit)) lines.push(decisionLine(ch));
  if (dec.changes.length > limit) lines.push(`  … ${dec.changes.length - limit} more (raise --limit, or use --json)`);
  const what = [
    ...(d.added.length + d.removed.length + d.changed.length > 0 ? ['policies'] : []),
    ...(s.changed ? ['schema'] : []),
    ...(dec.changed_count > 0 ? ['decisions'] : []),
  ];
  lines.push(what.length > 0 ? `semantic changes: ${what.join(', ')}` : 'no semantic change');
  return lines.join('\n');
}

/**
 * Runs `writ policy diff A B`: prints the diff and returns the exit code.
 *
 * @example
 * ```ts
 * const code = await policyDiff('policies/default', 'candidate', ctx(), {}); // 0 same meaning, 1 changes, 2 invalid
 * ```
 */
export async function policyDiff(a: string, b: string, c: CliContext, opts: DiffCommandOptions): Promise<number> {
  const limit = opts.limit === undefined ? DEFAULT_LIMIT : countOption(opts.limit, '--limit');
  const corpus: CorpusOptions = {
    ...(opts.seed !== undefined ? { seed: countOption(opts.seed, '--seed') } : {}),
    ...(opts.perAction !== undefined ? { perAction: countOption(opts.perAction, '--per-action') } : {}),
  };
  const before = await bundleArgument(a, c);
  if (!before) return EXIT.USAGE;
  const after = await bundleArgument(b, c);
  if (!after) return EXIT.USAGE;
  const diff = diffBundles(before, after, { corpus });
  c.out.result(diff, () => diffText(diff, limit));
  return hasSemanticChange(diff) ? EXIT.ERROR : EXIT.OK;
}

/**
 * Registers `writ policy diff A B [--limit N] [--seed N] [--per-action N]` under the
 * `policy` command.
 *
 * @example
 * ```ts
 * registerPolicyDiffCommand(registerPolicyCommands(program, context), context);
 * ```
 */
export function registerPolicyDiffCommand(policy: Command, ctx: () => CliContext): Command {
  return policy
    .command('diff')
    .argument('<a>', 'bundle before the change: a directory, or the policy_bundle_hash of a stored bundle')
    .argument('<b>', 'bundle after the change: a directory or a stored hash')
    .option('--limit <n>', `decision changes to show (default ${DEFAULT_LIMIT}; --json lists all)`)
    .option('--seed <n>', `seed of the generated decision corpus (default ${DEFAULT_CORPUS_SEED})`)
    .option('--per-action <n>', `generated cases per action scope (default ${DEFAULT_CORPUS_PER_ACTION})`)
    .description('semantic diff of two bundles: policies, schema, and decisions that change (exit 0 no semantic change, 1 changes, 2 invalid input — as diff(1))')
    .action(async (a: string, b: string, opts: DiffCommandOptions) => {
      const code = await policyDiff(a, b, ctx(), opts);
      if (code !== EXIT.OK) process.exitCode = code;
    });
}
