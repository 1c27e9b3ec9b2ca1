/**
 * The Cedar policies of an imported pack, one file per CAVRA section. Every CAVRA
 * pattern is one policy (so a decision names the pattern that made it), and every
 * outcome CAVRA reaches without a pattern (its defaults and built-in rules) is one too:
 *
 * | CAVRA | Cedar |
 * |---|---|
 * | block | `forbid` (forbids override permits) |
 * | require_approval | `permit` with `@approvals("1")` and the group (approval wins over a plain permit) |
 * | allow | `permit` |
 *
 * Policy ids are `<section>.<rule>.<slug>-<hash>`, the hash being of the pattern: the id
 * of a pattern does not move when other patterns are added or removed, so Writ's
 * semantic diff of two imports names exactly the patterns that changed.
 *
 * @module
 */
import { sha256Hex } from '../../../crypto/hash.ts';
import { CAVRA_COMMAND_APPROVER_GROUP, CAVRA_PATH_APPROVER_GROUP, approverGroupSlug, type CavraPack } from './cavra-pack.ts';
import { cedarString, matchesAny, singleLineText } from './cedar-text.ts';

type Risk = 'low' | 'medium' | 'high' | 'critical';

interface PolicySpec {
  id: string;
  description: string;
  effect: 'permit' | 'forbid';
  risk: Risk;
  /** Writ approver group: makes the permit a require_approval. */
  approverGroup?: string;
  scope: string;
  when?: string | null;
  unless?: string | null;
}

const ENTITY: Record<string, string> = {
  'file.read': 'Writ::File',
  'file.write': 'Writ::File',
  'command.execute': 'Writ::Command',
  'repo.push': 'Writ::Branch',
  'mcp.tool_call': 'Writ::McpTool',
};

function render(p: PolicySpec): string {
  const lines = [`@id(${cedarString(p.id)})`, `@description(${cedarString(p.description)})`];
  if (p.approverGroup) lines.push('@approvals("1")', `@approver_groups(${cedarString(p.approverGroup)})`);
  lines.push(`@risk("${p.risk}")`);
  const head = `${p.effect} (principal, action == Writ::Action::${cedarString(p.scope)}, resource is ${ENTITY[p.scope]!})`;
  const conditions = [...(p.when ? [`when { ${p.when} }`] : []), ...(p.unless ? [`unless { ${p.unless} }`] : [])];
  lines.push(conditions.length === 0 ? `${head};` : `${head}\n${conditions.join('\n')};`);
  return lines.join('\n');
}

function slug(pattern: string): string {
  const s = pattern
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return s.length <= 40 ? s : s.slice(0, 40).replace(/-+$/, '');
}

/** One id per pattern of a list; the hash widens for the whole list if 8 hex digits collide. */
function patternIds(prefix: string, patterns: readonly string[]): string[] {
  for (const width of [8, 16, 64]) {
    const ids = patterns.map((p) => {
      const h = sha256Hex(p).slice(0, width);
      const s = slug(p);
      return `${prefix}.${s ? `${s}-` : ''}${h}`;
    });
    if (new Set(ids).size === ids.length) return ids;
  }
  throw new Error(`CAVRA import: pattern ids of ${prefix} collide`);
}

function perPattern(prefix: string, patterns: readonly string[], make: (pattern: string, id: string) => PolicySpec): PolicySpec[] {
  const ids = patternIds(prefix, patterns);
  return patterns.map((p, i) => make(p, ids[i]!));
}

const PATH_GROUP = approverGroupSlug(CAVRA_PATH_APPROVER_GROUP);
const COMMAND_GROUP = approverGroupSlug(CAVRA_COMMAND_APPROVER_GROUP);

function filesystemPolicies(pack: CavraPack): PolicySpec[] {
  const fs = pack.filesystem;
  const path = 'resource.path';
  return [
    { id: 'filesystem.read.allow', description: 'CAVRA filesystem.read.allow: a read that no block_read pattern matches', effect: 'permit', risk: 'low', scope: 'file.read' },
    ...perPattern('filesystem.read.block', fs.block_read, (p, id) => ({
      id,
      description: `CAVRA filesystem.read.block: ${p}`,
      effect: 'forbid',
      risk: 'high',
      scope: 'file.read',
      when: matchesAny(path, [p]),
    })),
    {
      id: 'filesystem.write.allow',
      description: 'CAVRA filesystem.write.allow: a write that no block_write or require_approval_write pattern matches',
      effect: 'permit',
      risk: 'low',
      scope: 'file.write',
      unless: matchesAny(path, fs.require_approval_write),
    },
    ...perPattern('filesystem.write.block', fs.block_write, (p, id) => ({
      id,
      description: `CAVRA filesystem.write.block: ${p}`,
      effect: 'forbid',
      risk: 'high',
      scope: 'file.write',
      when: matchesAny(path, [p]),
    })),
    ...perPattern('filesystem.write.require_approval', fs.require_approval_write, (p, id) => ({
      id,
      description: `CAVRA filesystem.write.require_approval: ${p}`,
      effect: 'permit',
      risk: 'high',
      approverGroup: PATH_GROUP,
      scope: 'file.write',
      when: matchesAny(path, [p]),
    })),
  ];
}

function commandPolicies(pack: CavraPack): PolicySpec[] {
  const c = pack.commands;
  const line = 'resource.line';
  const scope = 'command.execute';
  const blockAny = matchesAny(line, c.block);
  return [
    ...perPattern('commands.block', c.block, (p, id) => ({ id, description: `CAVRA commands.block: ${p}`, effect: 'forbid', risk: 'high', scope, when: matchesAny(line, [p]) })),
    ...(blockAny
      ? [
          {
            id: 'commands.block.critical',
            description: 'CAVRA commands.block severity: critical when the blocked command contains "apply" or "delete"',
            effect: 'forbid' as const,
            risk: 'critical' as const,
            scope,
            when: `${blockAny} && (${line} like "*apply*" || ${line} like "*delete*")`,
          },
        ]
      : []),
    ...perPattern('commands.require_approval', c.require_approval, (p, id) => ({
      id,
      description: `CAVRA commands.require_approval: ${p}`,
      effect: 'permit',
      risk: 'medium',
      approverGroup: COMMAND_GROUP,
      scope,
      when: matchesAny(line, [p]),
    })),
    ...perPattern('commands.allow', c.allow, (p, id) => ({ id, description: `CAVRA commands.allow: ${p}`, effect: 'permit', risk: 'low', scope, when: matchesAny(line, [p]) })),
    {
      id: 'commands.default.require_approval',
      description: 'CAVRA commands.default.require_approval: a command no allow pattern matches goes to review',
      effect: 'permit',
      risk: 'medium',
      approverGroup: COMMAND_GROUP,
      scope,
      unless: matchesAny(line, c.allow),
    },
  ];
}

function gitPolicies(): PolicySpec[] {
  return [
    {
      id: 'git.protected_branch.block_direct_push',
      description: 'CAVRA git.protected_branch.block_direct_push: a push to a branch ending in "main" or "master" (built in)',
      effect: 'forbid',
      risk: 'high',
      scope: 'repo.push',
      when: 'resource.name like "*main" || resource.name like "*master"',
    },
    { id: 'git.push.allow', description: 'CAVRA git.allow: any other push', effect: 'permit', risk: 'low', scope: 'repo.push' },
  ];
}

const setOf = (items: readonly string[]) => `[${items.map(cedarString).join(', ')}]`;

function mcpPolicies(pack: CavraPack): PolicySpec[] {
  const m = pack.mcp;
  const scope = 'mcp.tool_call';
  const out: PolicySpec[] = [];
  if (m.blocked_servers.length > 0) {
    out.push({
      id: 'mcp.server.blocked',
      description: 'CAVRA mcp.server.trust.block_unknown: a server in blocked_servers',
      effect: 'forbid',
      risk: 'high',
      scope,
      when: `${setOf(m.blocked_servers)}.contains(resource.server)`,
    });
  }
  if (m.block_unknown_servers) {
    out.push({
      id: 'mcp.server.unknown',
      description: 'CAVRA mcp.server.trust.block_unknown: block_unknown_servers and a server not in allowed_servers',
      effect: 'forbid',
      risk: 'high',
      scope,
      unless: m.allowed_servers.length > 0 ? `${setOf(m.allowed_servers)}.contains(resource.server)` : null,
    });
  }
  // With every server unknown and unknown servers blocked, no call can be allowed: an allow
  // permit would be dead policy (and `writ policy lint` would say so).
  if (!m.block_unknown_servers || m.allowed_servers.length > 0) {
    out.push({ id: 'mcp.server.allow', description: 'CAVRA mcp.server.trust.allow: any other server', effect: 'permit', risk: 'low', scope });
  }
  return out;
}

/**
 * One generated policy file.
 *
 * @example
 * ```ts
 * const f: CavraPolicyFile = { file: 'git.cedar', text: '// …', policies: 2 };
 * ```
 */
export interface CavraPolicyFile {
  file: string;
  text: string;
  policies: number;
}

function file(name: string, header: readonly string[], specs: readonly PolicySpec[]): CavraPolicyFile {
  const text = `${header.map((l) => `// ${singleLineText(l)}`).join('\n')}\n\n${specs.map(render).join('\n\n')}\n`;
  return { file: name, text, policies: specs.length };
}

/**
 * The policy files of a resolved pack, in file-name order.
 *
 * @example
 * ```ts
 * cavraPolicyFiles(pack).map((f) => f.file); // ['commands.cedar', 'filesystem.cedar', 'git.cedar', 'mcp.cedar']
 * ```
 */
export function cavraPolicyFiles(pack: CavraPack): CavraPolicyFile[] {
  const patterns = [
    'A CAVRA pattern matches the whole value; "*" and "**" both match any run of characters but a line',
    'break (Cedar\'s like-"*" matches one too, hence the !(… like "*\\n*") guards).',
  ];
  return [
    file(
      'commands.cedar',
      [
        `CAVRA commands section of pack ${pack.id}: the command line, stripped as CAVRA strips it.`,
        ...patterns,
        `block, then require_approval (group ${COMMAND_GROUP}), then allow; a command no allow pattern`,
        `matches goes to review (${COMMAND_GROUP}), as in CAVRA.`,
      ],
      commandPolicies(pack),
    ),
    file(
      'filesystem.cedar',
      [
        `CAVRA filesystem section of pack ${pack.id}: file reads and writes.`,
        ...patterns,
        `Writes: block_write, then require_approval_write (group ${PATH_GROUP}, as CAVRA), then allow.`,
      ],
      filesystemPolicies(pack),
    ),
    file(
      'git.cedar',
      [
        `CAVRA git rule of pack ${pack.id}. Built in to CAVRA's runtime whatever the pack's git`,
        'section says: a direct push to a branch whose name ends in "main" or "master" is blocked,',
        'any other push is allowed. The git section\'s other fields are not decisions (see the warnings).',
      ],
      gitPolicies(),
    ),
    file(
      'mcp.cedar',
      [
        `CAVRA mcp section of pack ${pack.id}: MCP tool calls by server.`,
        `block_unknown_servers: ${pack.mcp.block_unknown_servers}; allowed: ${names(pack.mcp.allowed_servers)}; blocked: ${names(pack.mcp.blocked_servers)}.`,
        'CAVRA\'s default for block_unknown_servers is true, so a pack without an mcp section blocks every server.',
      ],
      mcpPolicies(pack),
    ),
  ];
}

function names(items: readonly string[]): string {
  return items.length === 0 ? '(none)' : items.join(', ');
}
