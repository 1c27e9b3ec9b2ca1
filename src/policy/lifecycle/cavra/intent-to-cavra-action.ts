/**
 * The CAVRA action a Writ intent stands for: the inverse of `cavraActionToIntent` on the
 * five action scopes CAVRA has, so a Writ fixture (a required decision class) can be
 * decided by CAVRA's semantics too.
 *
 * @module
 */
import type { Intent } from '../../intent.ts';
import type { CavraActionInput } from './cavra-action.ts';

function attr(intent: Intent, name: string): string | undefined {
  const v = intent.resource.attrs?.[name];
  return typeof v === 'string' ? v : undefined;
}

/**
 * The CAVRA action of an intent, or null when its action scope has no CAVRA action.
 *
 * @example
 * ```ts
 * intentToCavraAction({ action_scope: 'repo.push', resource: { type: 'branch', id: 'origin/main', attrs: { repo: 'origin', name: 'main' } }, … });
 * // { action_type: 'git_operation', target: 'origin/main', requested_operation: 'push' }
 * ```
 */
export function intentToCavraAction(intent: Intent): CavraActionInput | null {
  switch (intent.action_scope) {
    case 'file.read':
    case 'file.write': {
      const path = attr(intent, 'path');
      if (path === undefined) return null;
      const read = intent.action_scope === 'file.read';
      return { action_type: read ? 'read_file' : 'write_file', target: path, requested_operation: read ? 'read' : 'write' };
    }
    case 'command.execute': {
      const line = attr(intent, 'line');
      return line === undefined ? null : { action_type: 'execute_command', target: line, requested_operation: line };
    }
    case 'repo.push': {
      const repo = attr(intent, 'repo');
      const name = attr(intent, 'name');
      return repo === undefined || name === undefined ? null : { action_type: 'git_operation', target: `${repo}/${name}`, requested_operation: 'push' };
    }
    case 'mcp.tool_call': {
      const server = attr(intent, 'server');
      const tool = attr(intent, 'tool');
      if (server === undefined || tool === undefined) return null;
      const capability = attr(intent, 'capability');
      return { action_type: 'mcp_tool_call', target: `${server}:${tool}`, requested_operation: capability ?? tool, server, tool, ...(capability ? { capability } : {}) };
    }
    default:
      return null;
  }
}
