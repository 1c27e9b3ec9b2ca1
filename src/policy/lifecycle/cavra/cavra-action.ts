/**
 * CAVRA dry-run actions (`cavra.opa-rego-policy.input.v1`) as Writ intents, so CAVRA's
 * sample actions can be decided by any Writ bundle (the default one, or a pack imported
 * with `writ policy import-cavra`).
 *
 * | CAVRA `action_type` | Writ `action_scope` | resource |
 * |---|---|---|
 * | `read_file` | `file.read` | `file`, id and `path` = target |
 * | `write_file` | `file.write` | `file`, id and `path` = target |
 * | `execute_command` | `command.execute` | `command`, id = target, `line` = requested_operation (else target), stripped as CAVRA strips it |
 * | `git_operation` + `push` | `repo.push` | `branch`, id = target; "remote/branch" splits at the first `/` into `repo` and `name` |
 * | `mcp_tool_call` | `mcp.tool_call` | `mcp_tool`, id = target, `server`, `tool`, `capability` |
 *
 * @module
 */
import type { Verdict } from '../../decision.ts';
import type { Intent } from '../../intent.ts';
import { pythonStrip } from './python-strip.ts';

/**
 * A CAVRA dry-run input.
 *
 * @example
 * ```ts
 * const i: CavraActionInput = { schema_version: 'cavra.opa-rego-policy.input.v1', action_type: 'read_file', target: '.env', requested_operation: 'read' };
 * ```
 */
export interface CavraActionInput {
  schema_version?: string;
  action_type: string;
  target: string;
  requested_operation?: string;
  server?: string;
  tool?: string;
  capability?: string;
}

/** A CAVRA decision word. */
export type CavraDecision = 'allow' | 'block' | 'require_approval';

/**
 * One CAVRA sample action (`cavra.policy-lifecycle.sample-actions.v1` → `actions[]`).
 *
 * @example
 * ```ts
 * const a: CavraSampleAction = { case_id: 'block_env_read', input, expected_decision: 'block' };
 * ```
 */
export interface CavraSampleAction {
  case_id: string;
  input: CavraActionInput;
  expected_decision?: CavraDecision;
}

/** The principal CAVRA actions are attributed to: an AI agent, as in CAVRA. */
export const CAVRA_AGENT_ID = 'cavra-agent';

/**
 * Thrown for an action this mapping has no Writ equivalent for.
 *
 * @example
 * ```ts
 * try { cavraActionToIntent({ action_type: 'teleport', target: 'x' }); } catch (e) { (e as UnmappedCavraActionError).action_type; }
 * ```
 */
export class UnmappedCavraActionError extends Error {
  readonly code = 'CAVRA_ACTION_UNMAPPED';
  constructor(readonly action_type: string, detail: string) {
    super(`CAVRA action ${JSON.stringify(action_type)} has no Writ equivalent: ${detail}`);
    this.name = 'UnmappedCavraActionError';
  }
}

/**
 * Maps a CAVRA action to a Writ intent (table in the module doc). The principal and
 * execution identity are a local dev agent; the case id, when given, is the change ref.
 *
 * @example
 * ```ts
 * cavraActionToIntent({ action_type: 'execute_command', target: 'terraform plan', requested_operation: 'terraform plan' }).action_scope; // 'command.execute'
 * ```
 */
export function cavraActionToIntent(input: CavraActionInput, caseId?: string): Intent {
  let action_scope: string;
  let resource: Intent['resource'];
  switch (input.action_type) {
    case 'read_file':
    case 'write_file':
      action_scope = input.action_type === 'read_file' ? 'file.read' : 'file.write';
      resource = { type: 'file', id: input.target, attrs: { path: input.target } };
      break;
    case 'execute_command':
      action_scope = 'command.execute';
      // CAVRA strips the command (Python whitespace) before matching it; so does the line.
      resource = { type: 'command', id: input.target, attrs: { line: pythonStrip(input.requested_operation || input.target) } };
      break;
    case 'git_operation': {
      if (pythonStrip(input.requested_operation ?? '') !== 'push') throw new UnmappedCavraActionError(input.action_type, `operation ${JSON.stringify(input.requested_operation)} (only push is mapped)`);
      action_scope = 'repo.push';
      const cut = input.target.indexOf('/');
      const [repo, name] = cut === -1 ? ['origin', input.target] : [input.target.slice(0, cut), input.target.slice(cut + 1)];
      resource = { type: 'branch', id: input.target, attrs: { repo, name } };
      break;
    }
    case 'mcp_tool_call': {
      const [server, tool] = input.server && input.tool ? [input.server, input.tool] : splitMcpTarget(input.target);
      action_scope = 'mcp.tool_call';
      resource = { type: 'mcp_tool', id: input.target, attrs: { server, tool, ...(input.capability ? { capability: input.capability } : {}) } };
      break;
    }
    default:
      throw new UnmappedCavraActionError(input.action_type, 'unknown action_type');
  }
  return {
    action_scope,
    principal: { type: 'agent', id: CAVRA_AGENT_ID },
    resource,
    execution_identity: { agent_id: CAVRA_AGENT_ID, region: 'local', env_tier: 'dev' },
    parameters: {},
    context: caseId ? { change_ref: caseId } : {},
  };
}

function splitMcpTarget(target: string): [string, string] {
  const cut = target.indexOf(':');
  if (cut <= 0 || cut === target.length - 1) throw new UnmappedCavraActionError('mcp_tool_call', `target ${JSON.stringify(target)} is not server:tool and no server/tool given`);
  return [target.slice(0, cut), target.slice(cut + 1)];
}

/**
 * CAVRA `block` is Writ `deny`; the other two are the same word.
 *
 * @example
 * ```ts
 * cavraDecisionToVerdict('block'); // 'deny'
 * ```
 */
export function cavraDecisionToVerdict(decision: CavraDecision): Verdict {
  return decision === 'block' ? 'deny' : decision;
}

/**
 * Writ `deny` is CAVRA `block`.
 *
 * @example
 * ```ts
 * verdictToCavraDecision('deny'); // 'block'
 * ```
 */
export function verdictToCavraDecision(verdict: Verdict): CavraDecision {
  return verdict === 'deny' ? 'block' : verdict;
}
