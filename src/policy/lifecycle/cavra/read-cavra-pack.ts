/**
 * Reading one CAVRA pack file: the file (or a pack directory's `policy.yaml`), parsed
 * as CAVRA parses it (YAML 1.1, as PyYAML's `safe_load`: `yes`/`no` are booleans),
 * except that duplicate keys are an error instead of "the last one wins", then checked
 * (`check-cavra-pack.ts`). Its digest is SHA-256 of the file's bytes, as CAVRA's.
 *
 * @module
 */
import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { sha256Hex, type Sha256Ref } from '../../../crypto/hash.ts';
import { WritError } from '../../../errors/writ-error.ts';
import type { CavraPackSource } from './cavra-pack.ts';
import { checkCavraPack } from './check-cavra-pack.ts';

/**
 * One pack file, read and checked.
 *
 * @example
 * ```ts
 * const f: CavraPackFile = { source, pack: { metadata: { id: 'cavra-x' } }, inherits: [] };
 * ```
 */
export interface CavraPackFile {
  source: CavraPackSource;
  /** The parsed YAML mapping (structurally checked). */
  pack: Record<string, unknown>;
  /** `metadata.inherits` as a list (empty when absent). */
  inherits: string[];
}

function invalid(path: string, problems: readonly string[]): WritError {
  return new WritError('BAD_REQUEST', `CAVRA pack ${path} is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`, { reason: 'CAVRA_PACK_INVALID' });
}

/**
 * The pack file a path names: the file itself, or `policy.yaml` in a directory.
 *
 * @example
 * ```ts
 * packFilePath('policies/cavra-hipaa'); // '/abs/policies/cavra-hipaa/policy.yaml'
 * ```
 */
export function packFilePath(path: string): string {
  const abs = resolve(path);
  let isDir = false;
  try {
    isDir = statSync(abs).isDirectory();
  } catch {
    throw new WritError('NOT_FOUND', `CAVRA pack ${path}: no such file`, { reason: 'CAVRA_PACK_NOT_FOUND' });
  }
  return isDir ? join(abs, 'policy.yaml') : abs;
}

/**
 * Reads, parses and checks one pack file; throws `BAD_REQUEST` (reason
 * `CAVRA_PACK_INVALID`) listing every problem, or `NOT_FOUND` when there is no file.
 *
 * @example
 * ```ts
 * readCavraPackFile('policies/cavra-hipaa/policy.yaml').source.id; // 'cavra-hipaa'
 * ```
 */
export function readCavraPackFile(path: string): CavraPackFile {
  const file = packFilePath(path);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    throw new WritError('NOT_FOUND', `CAVRA pack ${file}: no such file`, { reason: 'CAVRA_PACK_NOT_FOUND' });
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw invalid(file, ['not valid UTF-8']);
  }
  const doc = parseDocument(text, { version: '1.1', uniqueKeys: true, strict: true, prettyErrors: true });
  const yamlProblems = [...doc.errors, ...doc.warnings].map((e) => {
    const at = e.linePos ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}: ` : '';
    return `YAML: ${at}${(e.message.split('\n')[0] ?? e.message).replace(/ at line \d+, column \d+:?$/, '')}`;
  });
  if (yamlProblems.length > 0) throw invalid(file, yamlProblems);
  const pack: unknown = doc.toJS({ maxAliasCount: 100 });
  const problems = checkCavraPack(pack);
  if (problems.length > 0) throw invalid(file, problems);
  const p = pack as Record<string, unknown> & { metadata: { id: string; inherits?: string | string[] | null } };
  const inh = p.metadata.inherits;
  return {
    source: { id: p.metadata.id, path: file, digest: `sha256:${sha256Hex(bytes)}` as Sha256Ref },
    pack: p,
    inherits: inh === undefined || inh === null ? [] : typeof inh === 'string' ? [inh] : [...inh],
  };
}
