/**
 * A CAVRA policy pack as the importer models it: the resolved pack (its `inherits`
 * merged in, CAVRA's way), reduced to the fields CAVRA's decision engine reads, plus
 * the sources it came from and what the importer could not carry into Cedar.
 *
 * @module
 */
import type { Sha256Ref } from '../../../crypto/hash.ts';

/**
 * CAVRA's `metadata.mode` values (its packaged policy schema).
 *
 * @example
 * ```ts
 * CAVRA_MODES.includes('audit_only'); // true
 * ```
 */
export const CAVRA_MODES = ['audit_only', 'enforce', 'strict_regulated', 'break_glass'] as const;

/**
 * A CAVRA pack mode.
 *
 * @example
 * ```ts
 * const m: CavraMode = 'enforce';
 * ```
 */
export type CavraMode = (typeof CAVRA_MODES)[number];

/**
 * The `filesystem` lists CAVRA decides on (anything else in the section is refused).
 *
 * @example
 * ```ts
 * FILESYSTEM_LISTS[0]; // 'block_read'
 * ```
 */
export const FILESYSTEM_LISTS = ['block_read', 'block_write', 'require_approval_write'] as const;
/**
 * The `commands` lists CAVRA decides on (anything else in the section is refused).
 *
 * @example
 * ```ts
 * COMMAND_LISTS.includes('allow'); // true
 * ```
 */
export const COMMAND_LISTS = ['block', 'allow', 'require_approval'] as const;
/**
 * The `mcp` lists CAVRA decides on.
 *
 * @example
 * ```ts
 * MCP_LISTS; // ['allowed_servers', 'blocked_servers']
 * ```
 */
export const MCP_LISTS = ['allowed_servers', 'blocked_servers'] as const;

/**
 * The approver group CAVRA names for a write that matches `require_approval_write`
 * (hard-coded in its runtime and its Rego-compatible evaluator; the pack cannot change it).
 *
 * @example
 * ```ts
 * approverGroupSlug(CAVRA_PATH_APPROVER_GROUP); // 'platform-security'
 * ```
 */
export const CAVRA_PATH_APPROVER_GROUP = 'Platform Security';
/**
 * The approver group CAVRA names for a command it sends to review (no allow pattern
 * matched; hard-coded too).
 *
 * @example
 * ```ts
 * approverGroupSlug(CAVRA_COMMAND_APPROVER_GROUP); // 'repository-owners'
 * ```
 */
export const CAVRA_COMMAND_APPROVER_GROUP = 'Repository Owners';

/**
 * One pack file that went into the resolved pack.
 *
 * @example
 * ```ts
 * const s: CavraPackSource = { id: 'cavra-ai-agent-baseline', path: '/…/cavra-ai-agent-baseline/policy.yaml', digest: 'sha256:…' as Sha256Ref };
 * ```
 */
export interface CavraPackSource {
  /** `metadata.id` of the file. */
  id: string;
  /** Absolute path of the file read. */
  path: string;
  /** SHA-256 of the file's bytes (CAVRA's `policy_digest`, with the `sha256:` prefix). */
  digest: Sha256Ref;
}

/**
 * Something in the pack the Writ bundle does not enforce, or enforces differently
 * from what its name suggests; carried to the bundle description and the import report.
 *
 * @example
 * ```ts
 * const w: CavraImportWarning = { code: 'CAVRA_FIELD_NOT_ENFORCED', field: 'git.require_human_reviewer', message: '…' };
 * ```
 */
export interface CavraImportWarning {
  /**
   * Stable: `CAVRA_FIELD_NOT_ENFORCED`, `CAVRA_MODE_NOT_ENFORCED`, `CAVRA_PRECEDENCE`,
   * `CAVRA_RULE_SHADOWED`, `CAVRA_CLASS_NOT_DEMONSTRATED`, `CAVRA_ID_ADJUSTED`,
   * `CAVRA_VERSION_ADJUSTED`, `CAVRA_METADATA_MISSING`, `CAVRA_INHERITS_ID_MISMATCH`.
   */
  code: string;
  /** Dotted path of the pack field (or the decision class) concerned. */
  field: string;
  message: string;
}

/**
 * The resolved pack: what CAVRA's decision engine reads, lists de-duplicated and sorted.
 *
 * @example
 * ```ts
 * pack.mcp.block_unknown_servers; // true unless the pack turns it off (CAVRA's default)
 * ```
 */
export interface CavraPack {
  id: string;
  title: string | null;
  description: string | null;
  version: string | null;
  mode: CavraMode | null;
  filesystem: Record<(typeof FILESYSTEM_LISTS)[number], string[]>;
  commands: Record<(typeof COMMAND_LISTS)[number], string[]>;
  mcp: { block_unknown_servers: boolean } & Record<(typeof MCP_LISTS)[number], string[]>;
}

/**
 * A CAVRA group name as a Writ approver group: lowercase, runs of anything but letters
 * and digits become one `-`.
 *
 * @example
 * ```ts
 * approverGroupSlug('Platform Security'); // 'platform-security'
 * ```
 */
export function approverGroupSlug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}
