/**
 * The real-world discovery run: `node --import tsx scripts/pecs-corpus.ts DIR`. Every
 * repository in DIR (a directory holding `.github/workflows/` or a `.gitlab-ci.yml`, at any
 * depth) is discovered on its own, its profile validated and assessed (the assessment
 * validated too), and the counts printed: files, parse errors, profiles, entry points,
 * findings by id, validation failures. It never stops on a bad file; it exits 1 when a
 * profile or assessment fails validation, so it can gate a corpus in CI.
 *
 * The corpus lives outside the repository (`/work/pecs-corpus/`, provenance in its
 * `SOURCES.tsv`; see docs/pecs-discovery.md).
 *
 * @module
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { assessPecsDocument } from '../src/pecs/assess/assess-document.ts';
import { discoverCicdProfile, hasEntryPoints, isGitlabCiPath, type DiscoveryInputFile } from '../src/pecs/discover/discover.ts';
import { validatePecsDocument } from '../src/pecs/validate/validate-document.ts';

/** Every file under `dir` (relative paths, sorted). */
function walk(dir: string, base = dir): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const full = join(dir, name);
      return statSync(full).isDirectory() ? walk(full, base) : [relative(base, full).split('\\').join('/')];
    });
}

/** Groups CI files by repository root: the part before `.github/`, or the GitLab file's directory. */
function repositories(dir: string): Map<string, DiscoveryInputFile[]> {
  const repos = new Map<string, DiscoveryInputFile[]>();
  for (const path of walk(dir)) {
    const gh = path.match(/^(.*?)\/?(\.github\/(?:workflows\/[^/]+\.ya?ml|actions\/.+\/action\.ya?ml))$/);
    const gl = isGitlabCiPath(path) ? path.match(/^(.*?)\/?([^/]*gitlab-ci\.ya?ml)$/) : null;
    const m = gh ?? gl;
    if (!m) continue;
    const root = m[1] ?? '';
    const list = repos.get(root) ?? [];
    list.push({ path: m[2] ?? path, bytes: readFileSync(join(dir, path)) });
    repos.set(root, list);
  }
  return repos;
}

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node --import tsx scripts/pecs-corpus.ts CORPUS_DIR');
  process.exit(2);
}
const now = new Date('2026-01-01T00:00:00Z');
const counts = { repositories: 0, files: 0, parseErrors: 0, jobs: 0, profiles: 0, entryPoints: 0, findings: 0, profileValidationFailures: 0, assessments: 0, assessmentValidationFailures: 0 };
const findingsById = new Map<string, number>();
const kindById = new Map<string, string>();
const entryPointsByKind = new Map<string, number>();
const failures: string[] = [];
const started = performance.now();
for (const [repo, files] of repositories(dir)) {
  counts.repositories += 1;
  counts.files += files.length;
  const r = discoverCicdProfile(files, { repo: repo || 'corpus', now });
  counts.parseErrors += r.parseErrors.length;
  counts.jobs += r.jobs.length;
  counts.findings += r.findings.length;
  for (const f of r.findings) {
    findingsById.set(f.id, (findingsById.get(f.id) ?? 0) + 1);
    kindById.set(f.id, f.kind);
  }
  if (!hasEntryPoints(r)) continue;
  counts.profiles += 1;
  counts.entryPoints += r.profile.privilegedExecutionSurface.length;
  for (const ep of r.profile.privilegedExecutionSurface) entryPointsByKind.set(String(ep.kind), (entryPointsByKind.get(String(ep.kind)) ?? 0) + 1);
  const v = validatePecsDocument(r.profile);
  if (!v.valid) {
    counts.profileValidationFailures += 1;
    failures.push(`${repo}: profile ${v.errors.map((e) => `${e.pointer} ${e.message}`).join('; ')}`);
    continue;
  }
  const assessment = assessPecsDocument(r.profile, { now });
  counts.assessments += 1;
  const av = validatePecsDocument(assessment);
  if (!av.valid) {
    counts.assessmentValidationFailures += 1;
    failures.push(`${repo}: assessment ${av.errors.map((e) => `${e.pointer} ${e.message}`).join('; ')}`);
  }
}
const seconds = (performance.now() - started) / 1000;
console.log(`corpus ${dir}`);
for (const [k, v] of Object.entries(counts)) console.log(`${k.padEnd(30)} ${v}`);
console.log('entry points by kind:');
for (const [k, v] of [...entryPointsByKind].sort()) console.log(`  ${k.padEnd(28)} ${v}`);
console.log('findings by id:');
for (const [id, n] of [...findingsById].sort()) console.log(`  ${id}  ${(kindById.get(id) ?? '').padEnd(40)} ${n}`);
console.log(`elapsed ${seconds.toFixed(2)} s (${(counts.files / seconds).toFixed(0)} files/s, discovery + validation + assessment)`);
for (const f of failures.slice(0, 20)) console.log(`FAIL ${f}`);
process.exitCode = failures.length > 0 ? 1 : 0;
