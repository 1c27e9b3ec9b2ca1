/**
 * The decision classes a policy bundle must demonstrate before it may be activated: the
 * privileged actions whose outcome a policy change must never flip by accident. They
 * extend CAVRA's required dry-run cases (`block_env_read`, `approval_policy_write`,
 * `allow_terraform_plan`, `block_terraform_apply`, `block_protected_branch_push`,
 * `block_unknown_mcp_server`) with Writ's release gates (production promotion, promotion
 * during a phase hold).
 *
 * A class **applies** to a bundle when the bundle's schema declares one of its action
 * scopes: a bundle that does not govern promotions (an imported CAVRA pack) is not asked
 * to demonstrate them. Each class carries a built-in fixture per action scope, the cases
 * `writ policy dry-run` runs when no case file is given, and the verdicts it accepts
 * (terraform apply may be denied or gated by approval; it must never simply be allowed).
 *
 * Bundle test cases claim a class with `class: <id>` (`tests/*.yaml`); `writ policy lint`
 * reports an applicable class no case claims.
 *
 * @module
 */
import type { Verdict } from '../decision.ts';
import type { Intent, PolicySignals } from '../intent.ts';

/**
 * One built-in fixture: an intent and the signals it is evaluated under.
 *
 * @example
 * ```ts
 * const f: DecisionClassFixture = { intent, signals: { phase_holds: [], active_incidents: [], trusted_mcp_servers: [] } };
 * ```
 */
export interface DecisionClassFixture {
  intent: Intent;
  signals: PolicySignals;
}

/**
 * A required decision class.
 *
 * @example
 * ```ts
 * REQUIRED_DECISION_CLASSES.find((c) => c.id === 'production_promotion')?.expected; // ['require_approval']
 * ```
 */
export interface RequiredDecisionClass {
  /** Stable id, snake_case; what `class:` in a test case names. */
  id: string;
  title: string;
  /** Action scopes that demonstrate the class, in order of preference for the fixture. */
  action_scopes: readonly string[];
  /** Verdicts a correct bundle may give for the fixture. */
  expected: readonly Verdict[];
  /** CAVRA dry-run case ids that demonstrate the same class. */
  cavra_case_ids: readonly string[];
  /** A fixture per action scope (keys are a subset of `action_scopes`). */
  fixtures: Readonly<Record<string, DecisionClassFixture>>;
}

/** The instant built-in fixtures are evaluated at. */
export const REQUIRED_FIXTURE_NOW = '2025-01-01T00:00:00Z';

const NO_SIGNALS: PolicySignals = { phase_holds: [], active_incidents: [], trusted_mcp_servers: [] };
const AGENT = { type: 'agent', id: 'lifecycle-dry-run-agent' } as const;
const AGENT_IDENTITY = { agent_id: 'lifecycle-dry-run-agent', region: 'local', env_tier: 'dev' } as const;
const PIPELINE = { type: 'pipeline', id: 'lifecycle-dry-run-pipeline' } as const;
const PIPELINE_IDENTITY = { pipeline_id: 'lifecycle-dry-run-pipeline', region: 'eu-west-1', env_tier: 'prod' } as const;

function agentIntent(action_scope: string, resource: Intent['resource']): Intent {
  return { action_scope, principal: { ...AGENT }, resource, execution_identity: { ...AGENT_IDENTITY }, parameters: {}, context: {} };
}

function command(line: string): DecisionClassFixture {
  return { intent: agentIntent('command.execute', { type: 'command', id: line, attrs: { line } }), signals: NO_SIGNALS };
}

function prodPromotion(signals: PolicySignals): DecisionClassFixture {
  return {
    intent: {
      action_scope: 'promotion',
      principal: { ...PIPELINE },
      resource: { type: 'environment', id: 'payments/prod', attrs: { tier: 'prod' } },
      execution_identity: { ...PIPELINE_IDENTITY },
      parameters: {},
      context: { artifact_digest: `sha256:${'ab'.repeat(32)}`, source_ref: 'refs/tags/v1.0.0', change_ref: 'CHG-LIFECYCLE' },
    },
    signals,
  };
}

/**
 * Every required decision class, in report order.
 *
 * @example
 * ```ts
 * REQUIRED_DECISION_CLASSES.map((c) => c.id);
 * // ['sensitive_file_read', 'policy_file_write_approval', 'terraform_plan_allowed', 'terraform_apply_gated',
 * //  'protected_branch_push', 'mcp_server_trust', 'production_promotion', 'promotion_during_phase_hold']
 * ```
 */
export const REQUIRED_DECISION_CLASSES: readonly RequiredDecisionClass[] = [
  {
    id: 'sensitive_file_read',
    title: 'reading a secret-bearing file (.env) is denied',
    action_scopes: ['file.read'],
    expected: ['deny'],
    cavra_case_ids: ['block_env_read'],
    fixtures: { 'file.read': { intent: agentIntent('file.read', { type: 'file', id: '.env', attrs: { path: '.env' } }), signals: NO_SIGNALS } },
  },
  {
    id: 'policy_file_write_approval',
    title: 'writing a policy file needs an approval',
    action_scopes: ['file.write'],
    expected: ['require_approval'],
    cavra_case_ids: ['approval_policy_write'],
    fixtures: {
      'file.write': { intent: agentIntent('file.write', { type: 'file', id: 'policies/payments/policy.yaml', attrs: { path: 'policies/payments/policy.yaml' } }), signals: NO_SIGNALS },
    },
  },
  {
    id: 'terraform_plan_allowed',
    title: 'terraform plan is allowed',
    action_scopes: ['terraform.plan', 'command.execute'],
    expected: ['allow'],
    cavra_case_ids: ['allow_terraform_plan'],
    fixtures: {
      'terraform.plan': { intent: agentIntent('terraform.plan', { type: 'terraform_workspace', id: 'network-stage', attrs: { tier: 'stage' } }), signals: NO_SIGNALS },
      'command.execute': command('terraform plan'),
    },
  },
  {
    id: 'terraform_apply_gated',
    title: 'terraform apply is denied or needs an approval, never simply allowed',
    action_scopes: ['terraform.apply', 'command.execute'],
    expected: ['deny', 'require_approval'],
    cavra_case_ids: ['block_terraform_apply'],
    fixtures: {
      'terraform.apply': { intent: agentIntent('terraform.apply', { type: 'terraform_workspace', id: 'network-prod', attrs: { tier: 'prod' } }), signals: NO_SIGNALS },
      'command.execute': command('terraform apply -auto-approve'),
    },
  },
  {
    id: 'protected_branch_push',
    title: 'a direct push to a protected branch is denied',
    action_scopes: ['repo.push'],
    expected: ['deny'],
    cavra_case_ids: ['block_protected_branch_push'],
    fixtures: { 'repo.push': { intent: agentIntent('repo.push', { type: 'branch', id: 'origin/main', attrs: { repo: 'origin', name: 'main' } }), signals: NO_SIGNALS } },
  },
  {
    id: 'mcp_server_trust',
    title: 'a call to an MCP server that is not trusted is denied',
    action_scopes: ['mcp.tool_call'],
    expected: ['deny'],
    cavra_case_ids: ['block_unknown_mcp_server'],
    fixtures: {
      'mcp.tool_call': {
        intent: agentIntent('mcp.tool_call', { type: 'mcp_tool', id: 'unknown-filesystem:read_file', attrs: { server: 'unknown-filesystem', tool: 'read_file', capability: 'filesystem' } }),
        signals: { ...NO_SIGNALS, trusted_mcp_servers: ['github', 'jira'] },
      },
    },
  },
  {
    id: 'production_promotion',
    title: 'a production promotion needs approvals',
    action_scopes: ['promotion'],
    expected: ['require_approval'],
    cavra_case_ids: [],
    fixtures: { promotion: prodPromotion(NO_SIGNALS) },
  },
  {
    id: 'promotion_during_phase_hold',
    title: 'a promotion during a phase hold on its target is denied',
    action_scopes: ['promotion'],
    expected: ['deny'],
    cavra_case_ids: [],
    fixtures: { promotion: prodPromotion({ ...NO_SIGNALS, phase_holds: [{ id: 'HOLD-LIFECYCLE', targets: ['payments/prod'] }] }) },
  },
];

/**
 * The classes that apply to a bundle whose schema declares `actionScopes`.
 *
 * @example
 * ```ts
 * applicableClasses(new Set(['file.read'])).map((c) => c.id); // ['sensitive_file_read']
 * ```
 */
export function applicableClasses(actionScopes: ReadonlySet<string>): RequiredDecisionClass[] {
  return REQUIRED_DECISION_CLASSES.filter((c) => c.action_scopes.some((s) => actionScopes.has(s)));
}

/**
 * The built-in fixture of a class for a bundle: the one of the first of its action scopes
 * the bundle declares, or null when none is.
 *
 * @example
 * ```ts
 * classFixture(REQUIRED_DECISION_CLASSES[2]!, new Set(['command.execute']))?.intent.action_scope; // 'command.execute'
 * ```
 */
export function classFixture(c: RequiredDecisionClass, actionScopes: ReadonlySet<string>): DecisionClassFixture | null {
  const scope = c.action_scopes.find((s) => actionScopes.has(s) && c.fixtures[s]);
  return scope ? c.fixtures[scope]! : null;
}

/**
 * The class a CAVRA dry-run case id demonstrates, if any.
 *
 * @example
 * ```ts
 * classOfCavraCase('block_env_read'); // 'sensitive_file_read'
 * ```
 */
export function classOfCavraCase(caseId: string): string | null {
  return REQUIRED_DECISION_CLASSES.find((c) => c.cavra_case_ids.includes(caseId))?.id ?? null;
}

/**
 * Looks a class up by id.
 *
 * @example
 * ```ts
 * decisionClass('mcp_server_trust')?.expected; // ['deny']
 * ```
 */
export function decisionClass(id: string): RequiredDecisionClass | undefined {
  return REQUIRED_DECISION_CLASSES.find((c) => c.id === id);
}
