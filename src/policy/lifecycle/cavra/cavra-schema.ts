/**
 * The schema of an imported CAVRA bundle: namespace `Writ` with only the action scopes
 * CAVRA actions map to (`cavra-action.ts`), and for them the same entity shapes and
 * context as Writ's default bundle (`policies/default/schema.cedarschema`), so an
 * intent fits both bundles and decides the same way wherever the policies agree.
 *
 * @module
 */

/**
 * The action scopes an imported bundle declares.
 *
 * @example
 * ```ts
 * CAVRA_ACTION_SCOPES.includes('repo.push'); // true
 * ```
 */
export const CAVRA_ACTION_SCOPES = ['file.read', 'file.write', 'command.execute', 'repo.push', 'mcp.tool_call'] as const;

/**
 * Every action scope of an imported bundle: CAVRA's, plus `policy.activate`, so that the
 * bundle, once active, still governs the next policy change (and the rollback).
 *
 * @example
 * ```ts
 * IMPORTED_BUNDLE_ACTION_SCOPES.includes('policy.activate'); // true
 * ```
 */
export const IMPORTED_BUNDLE_ACTION_SCOPES = [...CAVRA_ACTION_SCOPES, 'policy.activate'] as const;

/**
 * `schema.cedarschema` of an imported bundle (the same text for every pack).
 *
 * @example
 * ```ts
 * CAVRA_BUNDLE_SCHEMA.startsWith('//'); // true
 * ```
 */
export const CAVRA_BUNDLE_SCHEMA = `// Writ bundle imported from a CAVRA policy pack: the action scopes CAVRA actions map to
// (file.read, file.write, command.execute, repo.push, mcp.tool_call) and policy.activate
// (policy changes stay governed), with the entity shapes and context of Writ's default
// bundle for them.
namespace Writ {
  // ── who asks (intent.principal.type) ──────────────────────────────────────────
  entity User, Agent, Pipeline, Service;

  // ── what is acted on (intent.resource.type) ──────────────────────────────────
  // name without or with the refs/heads/ prefix; protected: what the forge says.
  entity Branch = { repo: String, name: String, protected?: Bool };
  // path: forward slashes, relative to the repository root or absolute.
  entity File = { path: String };
  entity Command = { line: String };
  entity McpTool = { server: String, tool: String, capability?: String };
  entity PolicyBundle = { bundle_id: String, version: String };

  // ── context (filled by the mapping) ───────────────────────────────────────────
  type ExecutionIdentity = {
    agent_id?: String,
    pipeline_id?: String,
    region: String,
    env_tier: String,
    spiffe_id?: String,
  };
  type RequestInfo = {
    artifact_digest?: String,
    source_ref?: String,
    change_ref?: String,
    justification?: String,
  };
  // A signal list flattened: global = some entry names no target and no environment.
  type ScopedSignal = { global: Bool, targets: Set<String>, environments: Set<String> };
  type Signals = {
    phase_hold: ScopedSignal,
    incident: ScopedSignal,
    trusted_mcp_servers: Set<String>,
  };
  type IntentContext = {
    now: datetime,
    principal_id: String,
    resource_id: String,
    execution: ExecutionIdentity,
    request: RequestInfo,
    parameters: {},
    signals: Signals,
  };

  // ── actions (intent.action_scope) ─────────────────────────────────────────────
  action "repo.push" appliesTo { principal: [User, Agent, Pipeline, Service], resource: [Branch], context: IntentContext };
  action "file.read", "file.write" appliesTo { principal: [User, Agent, Pipeline, Service], resource: [File], context: IntentContext };
  action "command.execute" appliesTo { principal: [User, Agent, Pipeline, Service], resource: [Command], context: IntentContext };
  action "mcp.tool_call" appliesTo { principal: [User, Agent, Pipeline, Service], resource: [McpTool], context: IntentContext };
  action "policy.activate" appliesTo { principal: [User, Agent, Pipeline, Service], resource: [PolicyBundle], context: IntentContext };
}
`;
