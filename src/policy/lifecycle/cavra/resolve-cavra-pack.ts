/**
 * Resolving a pack's `metadata.inherits` as CAVRA's registry does: each parent id names
 * a directory under the packs root (`<root>/<id>/policy.yaml`), parents are resolved
 * recursively, then merged in the order listed and the pack itself last
 * (`merge-cavra-pack.ts`). The packs root defaults to the parent of the pack's own
 * directory (`…/policies/cavra-x/policy.yaml` → `…/policies/`).
 *
 * CAVRA recurses without a guard; here a cycle and a missing parent are clear errors
 * (`BAD_REQUEST`, reasons `CAVRA_INHERITS_CYCLE` and `CAVRA_INHERITS_MISSING`).
 *
 * @module
 */
import { existsSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { WritError } from '../../../errors/writ-error.ts';
import type { CavraImportWarning, CavraPackSource } from './cavra-pack.ts';
import { mergeCavraPacks } from './merge-cavra-pack.ts';
import { packFilePath, readCavraPackFile, type CavraPackFile } from './read-cavra-pack.ts';

/**
 * A pack with its inherits merged in.
 *
 * @example
 * ```ts
 * const r = resolveCavraPack('policies/cavra-agentic-delivery/policy.yaml');
 * r.ancestors.map((s) => s.id); // ['cavra-ai-agent-baseline', 'cavra-github-enterprise']
 * ```
 */
export interface ResolvedCavraPackFile {
  /** The merged pack (CAVRA's merge), still as parsed YAML. */
  merged: Record<string, unknown>;
  /** The pack file imported. */
  source: CavraPackSource;
  /** Every inherited pack file, each once, in merge order (a parent's parents before it). */
  ancestors: CavraPackSource[];
  /** The directory parent ids were looked up in. */
  packs_root: string;
  warnings: CavraImportWarning[];
}

interface Resolution {
  merged: Record<string, unknown>;
  ancestors: CavraPackSource[];
}

class Resolver {
  readonly warnings: CavraImportWarning[] = [];
  constructor(readonly root: string) {}

  resolve(file: CavraPackFile, stack: readonly CavraPackFile[]): Resolution {
    if (file.inherits.length === 0) return { merged: file.pack, ancestors: [] };
    const ancestors: CavraPackSource[] = [];
    let merged: Record<string, unknown> | null = null;
    for (const id of file.inherits) {
      const parent = this.readParent(file, id, stack);
      const r = this.resolve(parent, [...stack, file]);
      merged = merged === null ? r.merged : mergeCavraPacks(merged, r.merged);
      for (const s of [...r.ancestors, parent.source]) if (!ancestors.some((a) => a.path === s.path)) ancestors.push(s);
    }
    return { merged: mergeCavraPacks(merged!, file.pack), ancestors };
  }

  private readParent(child: CavraPackFile, id: string, stack: readonly CavraPackFile[]): CavraPackFile {
    const path = join(this.root, id, 'policy.yaml');
    if (!existsSync(path)) {
      throw new WritError(
        'BAD_REQUEST',
        `CAVRA pack ${child.source.id} (${child.source.path}) inherits ${JSON.stringify(id)}, but there is no ${path} (packs root ${this.root}; set it with --packs-root)`,
        { reason: 'CAVRA_INHERITS_MISSING' },
      );
    }
    // Compared as real paths: the same file reached through a symlink or another spelling is the same pack.
    const real = realpathSync(path);
    const chain = [...stack, child];
    const seen = chain.findIndex((f) => realpathSync(f.source.path) === real);
    if (seen !== -1) {
      const ids = [...chain.slice(seen).map((f) => f.source.id), chain[seen]!.source.id];
      throw new WritError('BAD_REQUEST', `CAVRA pack inherits in a cycle: ${ids.join(' → ')}`, { reason: 'CAVRA_INHERITS_CYCLE' });
    }
    const parent = readCavraPackFile(path);
    if (parent.source.id !== id) {
      this.warnings.push({
        code: 'CAVRA_INHERITS_ID_MISMATCH',
        field: 'metadata.inherits',
        message: `${child.source.id} inherits ${JSON.stringify(id)}; the pack in that directory says its id is ${JSON.stringify(parent.source.id)} (CAVRA looks parents up by directory, as here)`,
      });
    }
    return parent;
  }
}

/**
 * Reads a pack and resolves its inherits against `packsRoot` (default: the parent of
 * the pack's directory).
 *
 * @example
 * ```ts
 * resolveCavraPack('ref/policies/community/starter-policy-1.yaml').packs_root; // '/abs/ref/policies'
 * ```
 */
export function resolveCavraPack(path: string, options: { packsRoot?: string } = {}): ResolvedCavraPackFile {
  const file = readCavraPackFile(path);
  const root = resolve(options.packsRoot ?? dirname(dirname(packFilePath(path))));
  const resolver = new Resolver(root);
  const r = resolver.resolve(file, []);
  return { merged: r.merged, source: file.source, ancestors: r.ancestors, packs_root: root, warnings: resolver.warnings };
}
