/**
 * The resolved pack reduced to what CAVRA's decision engine reads ({@link CavraPack}),
 * and a warning for every other field: nothing in the pack is dropped without saying
 * so. The fields CAVRA itself records but never decides on (git review requirements,
 * approval group lists, evidence, compliance mappings, MCP risk scores) are not
 * enforced by the bundle either; the warnings say what CAVRA does instead.
 *
 * @module
 */
import {
  CAVRA_COMMAND_APPROVER_GROUP,
  CAVRA_PATH_APPROVER_GROUP,
  COMMAND_LISTS,
  FILESYSTEM_LISTS,
  MCP_LISTS,
  type CavraImportWarning,
  type CavraMode,
  type CavraPack,
} from './cavra-pack.ts';
import { dedupe } from './merge-cavra-pack.ts';

function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

function section(merged: Record<string, unknown>, name: string): Record<string, unknown> {
  const s = merged[name];
  return isMapping(s) ? s : {};
}

function patternList(s: Record<string, unknown>, key: string): string[] {
  const v = s[key];
  return Array.isArray(v) ? dedupe(v.filter((x): x is string => typeof x === 'string')).sort() : [];
}

const DECIDED_SECTIONS = ['metadata', 'filesystem', 'commands', 'git', 'mcp'];
const METADATA_FIELDS = ['id', 'title', 'description', 'version', 'inherits', 'mode'];

const GIT_NOTES: Record<string, string> = {
  block_push_branches:
    'CAVRA does not read this list when it decides: a push is blocked when the branch ends in "main" or "master" (built in), and so it is in the bundle',
  block_direct_push_to_protected_branch:
    'CAVRA blocks a push to a branch ending in "main" or "master" whatever this says; so does the bundle',
};
const GIT_DEFAULT_NOTE = 'a pull-request or review requirement CAVRA records but does not decide on; the bundle does not enforce it';

const MCP_NOTES: Record<string, string> = {
  allowlist_enabled: 'CAVRA does not read it when it decides; allowed_servers applies through block_unknown_servers, as in the bundle',
  risk_scoring: 'per-server risk CAVRA does not use in its decisions (an allowed call is low risk); not carried',
};

function gitWarnings(git: Record<string, unknown>, warn: (field: string, message: string) => void): void {
  for (const [k, v] of Object.entries(git)) {
    if (k === 'block_direct_push_to_protected_branch' && v === true) continue; // what the built-in rule does
    warn(`git.${k}`, GIT_NOTES[k] ?? GIT_DEFAULT_NOTE);
  }
}

/** A pattern listed both as a block and as something weaker: the block wins, in CAVRA and in the bundle. */
function shadowWarnings(pack: CavraPack, warn: (field: string, message: string, code?: string) => void): void {
  const pairs: Array<[string, string[], string[]]> = [
    ['filesystem.require_approval_write', pack.filesystem.require_approval_write, pack.filesystem.block_write],
    ['commands.require_approval', pack.commands.require_approval, pack.commands.block],
    ['commands.allow', pack.commands.allow, pack.commands.block],
  ];
  for (const [field, weaker, blocks] of pairs) {
    const both = weaker.filter((p) => blocks.includes(p));
    if (both.length > 0) {
      warn(field, `${both.map((p) => JSON.stringify(p)).join(', ')} ${both.length === 1 ? 'is' : 'are'} also blocked (merged from an inherited pack?); the block wins, in CAVRA and in the bundle, so the rule never applies`, 'CAVRA_RULE_SHADOWED');
    }
  }
}

function otherWarnings(merged: Record<string, unknown>, warn: (field: string, message: string) => void): void {
  const mcp = section(merged, 'mcp');
  for (const k of Object.keys(mcp)) {
    if (k === 'block_unknown_servers' || (MCP_LISTS as readonly string[]).includes(k)) continue;
    warn(`mcp.${k}`, MCP_NOTES[k] ?? 'an MCP setting CAVRA does not decide on; not carried');
  }
  for (const k of Object.keys(section(merged, 'approvals'))) {
    warn(
      `approvals.${k}`,
      `approver groups CAVRA does not attach to any decision (a path approval always goes to ${CAVRA_PATH_APPROVER_GROUP}, a command review to ${CAVRA_COMMAND_APPROVER_GROUP}); not carried`,
    );
  }
  for (const [k, v] of Object.entries(merged)) {
    if (DECIDED_SECTIONS.includes(k) || k === 'approvals') continue;
    const keys = isMapping(v) && Object.keys(v).length > 0 ? ` (${Object.keys(v).join(', ')})` : '';
    warn(k, `a section CAVRA does not decide on${keys}; not carried`);
  }
}

/**
 * The pack model of a merged pack, and the warnings for what it leaves out.
 *
 * @example
 * ```ts
 * const { pack, warnings } = normalizeCavraPack({ metadata: { id: 'cavra-x' }, git: { require_human_reviewer: true } });
 * pack.mcp.block_unknown_servers; // true (CAVRA's default)
 * warnings[0]?.field;             // 'git.require_human_reviewer'
 * ```
 */
export function normalizeCavraPack(merged: Record<string, unknown>): { pack: CavraPack; warnings: CavraImportWarning[] } {
  const warnings: CavraImportWarning[] = [];
  const warn = (field: string, message: string, code = 'CAVRA_FIELD_NOT_ENFORCED') => warnings.push({ code, field, message });
  const m = section(merged, 'metadata');
  const text = (k: string): string | null => (typeof m[k] === 'string' && m[k] !== '' ? (m[k] as string) : null);
  for (const k of ['title', 'description', 'version']) {
    if (text(k) === null) warn(`metadata.${k}`, 'absent (CAVRA\'s schema requires it); the bundle manifest says so', 'CAVRA_METADATA_MISSING');
  }
  for (const k of Object.keys(m)) if (!METADATA_FIELDS.includes(k)) warn(`metadata.${k}`, 'a metadata field the importer does not know; not carried');
  const mode = (text('mode') as CavraMode | null) ?? null;
  if (mode !== null && mode !== 'enforce') {
    warn(
      'metadata.mode',
      `mode ${mode}: CAVRA's decision engine decides the same in every mode, so the bundle carries the same decisions and enforces them; to observe a bundle without enforcing it, run it in Writ's shadow mode`,
      'CAVRA_MODE_NOT_ENFORCED',
    );
  }
  const fs = section(merged, 'filesystem');
  const cmd = section(merged, 'commands');
  const mcp = section(merged, 'mcp');
  const pack: CavraPack = {
    id: m.id as string,
    title: text('title'),
    description: text('description'),
    version: text('version'),
    mode,
    filesystem: Object.fromEntries(FILESYSTEM_LISTS.map((k) => [k, patternList(fs, k)])) as CavraPack['filesystem'],
    commands: Object.fromEntries(COMMAND_LISTS.map((k) => [k, patternList(cmd, k)])) as CavraPack['commands'],
    mcp: {
      block_unknown_servers: typeof mcp.block_unknown_servers === 'boolean' ? mcp.block_unknown_servers : true,
      allowed_servers: patternList(mcp, 'allowed_servers'),
      blocked_servers: patternList(mcp, 'blocked_servers'),
    },
  };
  if (pack.commands.require_approval.length > 0) {
    warn(
      'commands.require_approval',
      `CAVRA's runtime does not read this list (an unlisted command goes to review anyway, with ${CAVRA_COMMAND_APPROVER_GROUP}); the bundle requires approval for these commands even when an allow pattern also matches (block, then require_approval, then allow)`,
      'CAVRA_PRECEDENCE',
    );
  }
  shadowWarnings(pack, warn);
  gitWarnings(section(merged, 'git'), warn);
  otherWarnings(merged, warn);
  return { pack, warnings };
}
