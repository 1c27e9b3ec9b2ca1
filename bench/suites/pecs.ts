/**
 * PECS discovery + assessment throughput (files/s): 1,000 workflow files — the discovery
 * fixtures cycled, each copy varied (a comment with its index, so every file has its own
 * hash, and renamed jobs) and grouped ten files to a repository — run through
 * `discoverCicdProfile` and `assessPecsDocument` per repository. The floor, measured in the
 * same run over the same bytes, is the YAML parse alone (`yaml`'s `parseDocument`, the
 * first thing discovery does to every file): the figure says how much discovery and
 * assessment add on top of reading the files at all. Target: ≥ 500 files/s.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import { assessPecsDocument } from '../../src/pecs/assess/assess-document.ts';
import { discoverCicdProfile, hasEntryPoints, type DiscoveryInputFile } from '../../src/pecs/discover/discover.ts';
import { throughput, type BenchResult, type BenchSuite } from '../result.ts';

const FIXTURES = fileURLToPath(new URL('../../test/pecs/discover/fixtures/repo/', import.meta.url));
const FILES_PER_REPOSITORY = 10;

function walk(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((n) => (statSync(join(dir, n)).isDirectory() ? walk(join(dir, n)) : [join(dir, n)]));
}

/** `total` workflow files in repositories of ten, cycling the fixtures with per-copy variations. */
function workload(total: number): DiscoveryInputFile[][] {
  const base = walk(FIXTURES)
    .map((p) => ({ path: relative(FIXTURES, p).split('\\').join('/'), text: readFileSync(p, 'utf8') }))
    .filter((f) => !f.path.endsWith('action.yml'));
  const repos: DiscoveryInputFile[][] = [];
  for (let i = 0; i < total; i++) {
    const src = base[i % base.length];
    if (!src) break;
    const variant = `# bench copy ${i}\n${src.text.replace(/\b(deploy-production|publish|build-pr|respond)\b:/g, `$1-${i}:`)}`;
    const repo = Math.floor(i / FILES_PER_REPOSITORY);
    const path = src.path.replace(/(\.ya?ml)$/, `-${i}$1`);
    (repos[repo] ??= []).push({ path, bytes: new TextEncoder().encode(variant) });
  }
  return repos;
}

/** Files per second of `run` over the workload, best of `rounds` passes (after one warm-up pass). */
function filesPerSecond(repos: DiscoveryInputFile[][], rounds: number, run: (files: DiscoveryInputFile[]) => void): number {
  const files = repos.reduce((n, r) => n + r.length, 0);
  for (const r of repos) run(r);
  let best = 0;
  for (let k = 0; k < rounds; k++) {
    const t0 = performance.now();
    for (const r of repos) run(r);
    best = Math.max(best, files / ((performance.now() - t0) / 1000));
  }
  return best;
}

/**
 * The `pecs` bench suite.
 *
 * @example
 * ```ts
 * const results = await pecsSuite.run(ctx);
 * ```
 */
export const pecsSuite: BenchSuite = {
  name: 'pecs',
  async run(ctx): Promise<BenchResult[]> {
    const repos = workload(1_000);
    const rounds = ctx.quick ? 1 : 5;
    const now = new Date('2026-01-01T00:00:00Z');
    const decoder = new TextDecoder();
    const floor = filesPerSecond(repos, rounds, (files) => {
      for (const f of files) parseDocument(decoder.decode(f.bytes), { merge: true, uniqueKeys: false, logLevel: 'silent' });
    });
    let profiles = 0;
    const value = filesPerSecond(repos, rounds, (files) => {
      const result = discoverCicdProfile(files, { repo: 'bench/repo', now });
      if (hasEntryPoints(result)) {
        assessPecsDocument(result.profile, { now });
        profiles += 1;
      }
    });
    ctx.log(`pecs: ${repos.length} repositories, ${profiles} profiles discovered and assessed over the passes`);
    return [throughput('pecs discovery + assessment (1,000 workflow files)', 'none', value, 'files/s', 'YAML parse alone', floor)];
  },
};
