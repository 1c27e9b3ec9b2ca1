/**
 * Structural checks of one CAVRA pack file, before anything is merged or converted.
 * They follow CAVRA's packaged policy schema where a deviation would change or hide a
 * decision: pattern lists are lists of non-empty strings, the `filesystem` and
 * `commands` sections have no other keys (a misspelt `block_reads` must not silently
 * drop a block), `mode` is one of CAVRA's modes, `inherits` names pack directories.
 * Descriptive fields CAVRA requires but never decides on (title, description, version)
 * may be absent (CAVRA's own community packs omit `description`).
 *
 * @module
 */
import { CAVRA_MODES, COMMAND_LISTS, FILESYSTEM_LISTS, MCP_LISTS } from './cavra-pack.ts';

function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

/** A list of non-empty strings; patterns (not server names) also without a line break, which no CAVRA star can match. */
function checkStringList(v: unknown, path: string, say: (m: string) => void, patterns: boolean): void {
  if (!Array.isArray(v)) {
    say(`${path}: expected a list of strings`);
    return;
  }
  v.forEach((item: unknown, i) => {
    if (typeof item !== 'string' || item === '') say(`${path}[${i}]: expected a non-empty string`);
    else if (patterns && item.includes('\n')) say(`${path}[${i}]: a pattern cannot contain a line break`);
  });
}

function checkListSection(pack: Record<string, unknown>, name: string, lists: readonly string[], say: (m: string) => void): void {
  const section = pack[name];
  if (section === undefined) return;
  if (!isMapping(section)) {
    say(`${name}: expected a mapping`);
    return;
  }
  for (const [k, v] of Object.entries(section)) {
    if (!lists.includes(k)) say(`${name}.${k}: unknown field (expected ${lists.join(', ')})`);
    else checkStringList(v, `${name}.${k}`, say, true);
  }
}

/** A pack id as `inherits` may name it: the name of a directory under the packs root. */
const PACK_DIR_NAME = /^(?!\.{1,2}$)[^/\\\0]+$/;

function checkMetadata(m: unknown, say: (m: string) => void): void {
  if (!isMapping(m)) {
    say('metadata: expected a mapping with at least id');
    return;
  }
  if (typeof m.id !== 'string' || m.id.trim() === '') say('metadata.id: expected a non-empty string');
  for (const k of ['title', 'description', 'version'] as const) {
    if (m[k] !== undefined && m[k] !== null && typeof m[k] !== 'string') say(`metadata.${k}: expected a string (quote it: ${k}: "…")`);
  }
  const inh = m.inherits;
  if (inh !== undefined && inh !== null) {
    const list: unknown[] = typeof inh === 'string' ? [inh] : Array.isArray(inh) ? inh : [];
    if (typeof inh !== 'string' && !Array.isArray(inh)) say('metadata.inherits: expected a pack id or a list of pack ids');
    const seen = new Set<string>();
    list.forEach((id, i) => {
      const at = typeof inh === 'string' ? 'metadata.inherits' : `metadata.inherits[${i}]`;
      if (typeof id !== 'string' || !PACK_DIR_NAME.test(id)) say(`${at}: expected a pack id (a directory name under the packs root), got ${JSON.stringify(id)}`);
      else if (seen.has(id)) say(`${at}: ${id} is listed twice`);
      else seen.add(id);
    });
  }
  if (m.mode !== undefined && m.mode !== null && !(CAVRA_MODES as readonly unknown[]).includes(m.mode)) {
    say(`metadata.mode: expected one of ${CAVRA_MODES.join(', ')}, got ${JSON.stringify(m.mode)}`);
  }
}

function checkMcp(mcp: unknown, say: (m: string) => void): void {
  if (mcp === undefined) return;
  if (!isMapping(mcp)) {
    say('mcp: expected a mapping');
    return;
  }
  for (const k of MCP_LISTS) if (mcp[k] !== undefined) checkStringList(mcp[k], `mcp.${k}`, say, false);
  for (const k of ['block_unknown_servers', 'allowlist_enabled']) {
    if (mcp[k] !== undefined && typeof mcp[k] !== 'boolean') say(`mcp.${k}: expected true or false`);
  }
}

/**
 * The structural problems of a parsed pack file (empty when it can be imported).
 *
 * @example
 * ```ts
 * checkCavraPack({ metadata: { id: 'x' }, filesystem: { block_reads: ['.env'] } });
 * // ['filesystem.block_reads: unknown field (expected block_read, block_write, require_approval_write)']
 * ```
 */
export function checkCavraPack(pack: unknown): string[] {
  const problems: string[] = [];
  const say = (m: string) => problems.push(m);
  if (!isMapping(pack)) return ['expected a YAML mapping with metadata and policy sections'];
  checkMetadata(pack.metadata, say);
  checkListSection(pack, 'filesystem', FILESYSTEM_LISTS, say);
  checkListSection(pack, 'commands', COMMAND_LISTS, say);
  checkMcp(pack.mcp, say);
  for (const k of ['git', 'approvals', 'evidence', 'compliance']) {
    if (pack[k] !== undefined && !isMapping(pack[k])) say(`${k}: expected a mapping`);
  }
  return problems;
}
