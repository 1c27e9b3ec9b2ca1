/**
 * Random CAVRA actions for the differential tests: targets built from the pack's own
 * patterns with random text in place of the wildcards (and sometimes a character more
 * or less at an end), plus random strings; command lines padded with the whitespace
 * Python strips (and U+FEFF, which it does not). Only actions Writ accepts as intents are
 * generated (strings non-empty once mapped, well-formed UTF-16).
 */
import fc from 'fast-check';
import { isWellFormedUnicode } from '../../../../src/crypto/jcs.ts';
import { checkIntent } from '../../../../src/policy/check-intent.ts';
import { cavraActionToIntent, type CavraActionInput } from '../../../../src/policy/lifecycle/cavra/cavra-action.ts';
import type { CavraPack } from '../../../../src/policy/lifecycle/cavra/cavra-pack.ts';

/** Pieces that stress pattern matching: separators, a literal star, line breaks, quotes, escapes, non-ASCII, the words the rules look for. */
const PIECES = ['a', 'z', '0', '/', '.', '-', '_', ' ', '*', '\n', '\r', '\t', 'é', '😀', '"', '\\', "'", 'main', 'master', 'apply', 'delete', 'sub/', '..', '\u0085', '\u00a0', '\u3000', '\u001c'];

/** Short random text made of {@link PIECES}. */
export const filler: fc.Arbitrary<string> = fc.array(fc.constantFrom(...PIECES), { maxLength: 4 }).map((a) => a.join(''));

/** Random strings of several kinds (any grapheme, any ASCII byte including controls, pieces). */
export const randomText: fc.Arbitrary<string> = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 12 }), fc.string({ unit: 'binary-ascii', maxLength: 12 }), filler);

/** A value built from one of the patterns (random text in its wildcards, maybe altered at an end), or random text. */
export function fromPatterns(patterns: readonly string[]): fc.Arbitrary<string> {
  if (patterns.length === 0) return randomText;
  const built = fc
    .tuple(fc.constantFrom(...patterns), fc.array(filler, { minLength: 6, maxLength: 6 }), fc.constantFrom('as is', 'as is', 'as is', 'prefix', 'suffix', 'drop first', 'drop last'), filler)
    .map(([pattern, fills, change, extra]) => {
      let i = 0;
      const s = pattern.replace(/\*+/g, () => fills[i++ % fills.length]!);
      switch (change) {
        case 'prefix':
          return `${extra || 'x'}${s}`;
        case 'suffix':
          return `${s}${extra || 'x'}`;
        case 'drop first':
          return Array.from(s).slice(1).join('');
        case 'drop last':
          return Array.from(s).slice(0, -1).join('');
        default:
          return s;
      }
    });
  return fc.oneof({ weight: 4, arbitrary: built }, { weight: 1, arbitrary: randomText });
}

const padding = fc.array(fc.constantFrom(' ', '\t', '\n', '\u0085', '\u001c', '\u3000', '\ufeff'), { maxLength: 2 }).map((a) => a.join(''));

function accepted(input: CavraActionInput): boolean {
  // A lone surrogate is not text (Writ fails closed on it, CAVRA's JSON input cannot carry one).
  if (![input.target, input.requested_operation ?? '', input.server ?? ''].every(isWellFormedUnicode)) return false;
  try {
    return checkIntent(cavraActionToIntent(input)).length === 0;
  } catch {
    return false;
  }
}

/**
 * Random CAVRA actions for a pack: reads, writes, commands, pushes and MCP calls.
 *
 * @example
 * ```ts
 * fc.sample(cavraActionArb(pack), 3);
 * ```
 */
export function cavraActionArb(pack: CavraPack): fc.Arbitrary<CavraActionInput> {
  const fs = pack.filesystem;
  const c = pack.commands;
  const paths = fromPatterns([...fs.block_read, ...fs.block_write, ...fs.require_approval_write]);
  const read = paths.map((target) => ({ action_type: 'read_file', target, requested_operation: 'read' }));
  const write = paths.map((target) => ({ action_type: 'write_file', target, requested_operation: 'write' }));
  const command = fc
    .tuple(padding, fromPatterns([...c.block, ...c.require_approval, ...c.allow]), padding)
    .map(([before, line, after]) => ({ action_type: 'execute_command', target: line, requested_operation: `${before}${line}${after}` }));
  const branch = fc.oneof(
    fc.constantFrom('origin/main', 'origin/master', 'main', 'origin/domain', 'upstream/release/main', 'origin/main/x', 'origin/feature'),
    fc.tuple(randomText, fc.constantFrom('', 'main', 'master', 'mainx', 'Main')).map(([a, b]) => `${a}${b}`),
  );
  const push = branch.map((target) => ({ action_type: 'git_operation', target, requested_operation: 'push' }));
  const listed = [...pack.mcp.allowed_servers, ...pack.mcp.blocked_servers];
  const server = listed.length > 0 ? fc.oneof(fc.constantFrom(...listed), randomText) : randomText;
  const call = fc.tuple(server, fc.constantFrom('read_file', 'create_issue')).map(([s, tool]) => ({
    action_type: 'mcp_tool_call',
    target: `${s}:${tool}`,
    requested_operation: tool,
    server: s,
    tool,
  }));
  return fc.oneof(read, write, command, push, call).filter(accepted);
}
