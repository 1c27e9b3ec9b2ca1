/**
 * A plain reference evaluator of CAVRA's decision semantics on a resolved pack,
 * written from CAVRA's runtime guard and its Rego-compatible evaluator (the one its
 * policy-lifecycle dry run uses), independent of Cedar. The importer derives the
 * bundle's decision tests from it, and the differential tests check the Cedar bundle
 * against it on random inputs.
 *
 * | action | CAVRA decides |
 * |---|---|
 * | `read_file` | `block_read` match: block (high); else allow (low) |
 * | `write_file` | `block_write` match: block (high); `require_approval_write` match: require_approval (high, Platform Security); else allow (low) |
 * | `execute_command` | the command, stripped: `block` match: block (critical when it contains "apply" or "delete", else high); `require_approval` match: require_approval (medium, Repository Owners); `allow` match: allow (low); else require_approval (medium, Repository Owners) |
 * | `git_operation` | `push` to a target ending in "main" or "master": block (high), whatever the pack says; else allow (low) |
 * | `mcp_tool_call` | server in `blocked_servers`, or `block_unknown_servers` (default true) and not in `allowed_servers`: block (high); else allow (low) |
 *
 * One deliberate difference from CAVRA's runtime, fixed by Writ's issue: CAVRA does not
 * read `commands.require_approval` (an unlisted command goes to review anyway); here a
 * match requires approval even when an allow pattern matches too (block before
 * require_approval before allow).
 *
 * @module
 */
import type { CavraActionInput, CavraDecision } from './cavra-action.ts';
import { matchesCavraPattern } from './cavra-glob.ts';
import { CAVRA_COMMAND_APPROVER_GROUP, CAVRA_PATH_APPROVER_GROUP, type CavraPack } from './cavra-pack.ts';
import { pythonStrip } from './python-strip.ts';

/**
 * A CAVRA decision (its `decision`, `rule_id`, `severity`, `approver_group` fields).
 *
 * @example
 * ```ts
 * const d: CavraReferenceDecision = { decision: 'require_approval', rule_id: 'filesystem.write.require_approval', severity: 'high', approver_group: 'Platform Security' };
 * ```
 */
export interface CavraReferenceDecision {
  decision: CavraDecision;
  rule_id: string;
  severity: 'low' | 'medium' | 'high' | 'critical';
  /** Set for require_approval only. */
  approver_group?: string;
}

const anyMatch = (value: string, patterns: readonly string[]) => patterns.some((p) => matchesCavraPattern(value, p));

const allow = (rule_id: string): CavraReferenceDecision => ({ decision: 'allow', rule_id, severity: 'low' });
const block = (rule_id: string, severity: CavraReferenceDecision['severity'] = 'high'): CavraReferenceDecision => ({ decision: 'block', rule_id, severity });
const review = (rule_id: string, severity: CavraReferenceDecision['severity'], approver_group: string): CavraReferenceDecision => ({
  decision: 'require_approval',
  rule_id,
  severity,
  approver_group,
});

function decideCommand(pack: CavraPack, command: string): CavraReferenceDecision {
  const c = pack.commands;
  if (anyMatch(command, c.block)) return block('commands.block', command.includes('apply') || command.includes('delete') ? 'critical' : 'high');
  if (anyMatch(command, c.require_approval)) return review('commands.require_approval', 'medium', CAVRA_COMMAND_APPROVER_GROUP);
  if (anyMatch(command, c.allow)) return allow('commands.allow');
  return review('commands.default.require_approval', 'medium', CAVRA_COMMAND_APPROVER_GROUP);
}

/**
 * CAVRA's decision for one action under a resolved pack.
 *
 * @example
 * ```ts
 * evaluateCavraReference(pack, { action_type: 'git_operation', target: 'origin/main', requested_operation: 'push' }).decision; // 'block'
 * ```
 */
export function evaluateCavraReference(pack: CavraPack, input: CavraActionInput): CavraReferenceDecision {
  const target = input.target;
  // CAVRA: requested_operation defaults to the target, and is stripped.
  const operation = pythonStrip(input.requested_operation ?? target);
  switch (input.action_type) {
    case 'read_file':
      return anyMatch(target, pack.filesystem.block_read) ? block('filesystem.read.block') : allow('filesystem.read.allow');
    case 'write_file':
      if (anyMatch(target, pack.filesystem.block_write)) return block('filesystem.write.block');
      if (anyMatch(target, pack.filesystem.require_approval_write)) return review('filesystem.write.require_approval', 'high', CAVRA_PATH_APPROVER_GROUP);
      return allow('filesystem.write.allow');
    case 'execute_command':
      return decideCommand(pack, operation);
    case 'git_operation':
      return operation === 'push' && (target.endsWith('main') || target.endsWith('master')) ? block('git.protected_branch.block_direct_push') : allow('git.allow');
    case 'mcp_tool_call': {
      const server = input.server ?? target.split(':')[0]!;
      const m = pack.mcp;
      const blocked = m.blocked_servers.includes(server) || (m.block_unknown_servers && !m.allowed_servers.includes(server));
      return blocked ? block('mcp.server.trust.block_unknown') : allow('mcp.server.trust.allow');
    }
    default:
      return review('runtime.default.require_approval', 'medium', CAVRA_COMMAND_APPROVER_GROUP);
  }
}
