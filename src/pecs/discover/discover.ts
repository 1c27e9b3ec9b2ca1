/**
 * `discoverCicdProfile`: GitHub Actions workflows (with local composite actions) and GitLab
 * CI files → a PECS CI/CD profile (`documentType: pecs-profile`) whose entry points are the
 * privileged jobs, the dangerous patterns found, and the files that could not be read. A
 * malformed file becomes a parse error and the others are still analysed. Files are taken
 * in path order and everything is sorted, so the same files give the same output.
 *
 * @module
 */
import type { PecsDocument } from '../document.ts';
import { workflowDefinitionHash } from '../workflow-hash.ts';
import { entryPointOf } from './entry-point.ts';
import { isActionMetadataPath, localActionKey, readCompositeAction, type CompositeAction } from './github/composite-actions.ts';
import { parseGithubWorkflow, type ParsedFile } from './github/parse-workflow.ts';
import { parseGitlabCi } from './gitlab/parse-gitlab-ci.ts';
import { fileIdPart, stableId, uniqueIds } from './ids.ts';
import { systemOf } from './system-profile.ts';
import type { DiscoveredJob, DiscoveryFinding, DiscoveryParseError } from './types.ts';
import { readYamlSource, type YamlSource } from './yaml-source.ts';

/**
 * One input file: its repository-relative path and exact bytes (the bytes are hashed).
 *
 * @example
 * ```ts
 * const f: DiscoveryInputFile = { path: '.github/workflows/deploy.yml', bytes: readFileSync(p) };
 * ```
 */
export interface DiscoveryInputFile {
  path: string;
  bytes: Uint8Array;
}

/**
 * Options of {@link discoverCicdProfile}.
 *
 * @example
 * ```ts
 * const o: DiscoveryOptions = { repo: 'acme/app', gitRevision: 'f4f4d2b1…', now: new Date('2026-01-01T00:00:00Z') };
 * ```
 */
export interface DiscoveryOptions {
  repo?: string;
  gitRevision?: string | null;
  /** Clock for `createdAt` / `collectedAt` (default: the current time). */
  now?: Date;
}

/**
 * The outcome of discovery. When no job is privileged, `profile.privilegedExecutionSurface`
 * is empty: the honest answer, which the CI/CD profile deliberately rejects (`minItems: 1`),
 * so callers write or assess a profile only when it has entry points (see
 * {@link hasEntryPoints}); inventing an entry point would misstate the pipeline.
 *
 * @example
 * ```ts
 * const r: DiscoveryResult = discoverCicdProfile(files, {});
 * ```
 */
export interface DiscoveryResult {
  profile: PecsDocument;
  findings: DiscoveryFinding[];
  parseErrors: DiscoveryParseError[];
  /** Every job seen (privileged or not), for counts and tooling. */
  jobs: DiscoveredJob[];
}

/**
 * True for a GitLab CI file path (`.gitlab-ci.yml`, `*.gitlab-ci.yml`, files under `.gitlab/ci/`).
 *
 * @example
 * ```ts
 * isGitlabCiPath('.gitlab-ci.yml'); // true
 * isGitlabCiPath('.github/workflows/ci.yml'); // false
 * ```
 */
export function isGitlabCiPath(path: string): boolean {
  return /(?:^|[/.])gitlab-ci\.ya?ml$/i.test(path) || /(?:^|\/)\.gitlab\/ci\//.test(path);
}

const DECODER = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

function decode(file: DiscoveryInputFile): string | DiscoveryParseError {
  try {
    return DECODER.decode(file.bytes);
  } catch {
    return { file: file.path, line: null, message: 'not valid UTF-8' };
  }
}

/**
 * True when discovery found at least one privileged job, i.e. the profile is one the CI/CD
 * profile schema can accept.
 *
 * @example
 * ```ts
 * const r = discoverCicdProfile(files, {});
 * if (hasEntryPoints(r)) writeFileSync('pecs-profile.json', JSON.stringify(r.profile));
 * ```
 */
export function hasEntryPoints(result: DiscoveryResult): boolean {
  return result.profile.privilegedExecutionSurface.length > 0;
}

const SEVERITY_ORDER = ['critical', 'high', 'moderate', 'low', 'info'];

function compareFindings(a: DiscoveryFinding, b: DiscoveryFinding): number {
  return a.file.localeCompare(b.file) || (a.line ?? 0) - (b.line ?? 0) || a.id.localeCompare(b.id) || (a.job ?? '').localeCompare(b.job ?? '') || a.message.localeCompare(b.message) || SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity);
}

/**
 * Discovers the privileged CI/CD entry points of `files`.
 *
 * @example
 * ```ts
 * const { profile, findings, parseErrors } = discoverCicdProfile(
 *   [{ path: '.github/workflows/deploy.yml', bytes: readFileSync('.github/workflows/deploy.yml') }],
 *   { repo: 'acme/app', gitRevision: null },
 * );
 * ```
 */
export function discoverCicdProfile(files: DiscoveryInputFile[], opts: DiscoveryOptions = {}): DiscoveryResult {
  const ordered = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const parseErrors: DiscoveryParseError[] = [];
  const sources: Array<{ src: YamlSource; digest: string; gitlab: boolean }> = [];
  const actions = new Map<string, CompositeAction>();
  for (const file of ordered) {
    const text = decode(file);
    if (typeof text !== 'string') {
      parseErrors.push(text);
      continue;
    }
    const src = readYamlSource(file.path, text);
    if (!('root' in src)) {
      parseErrors.push(src);
      continue;
    }
    if (isActionMetadataPath(file.path)) {
      const composite = readCompositeAction(src);
      if (composite) actions.set(localActionKey(file.path), composite);
      continue;
    }
    sources.push({ src, digest: workflowDefinitionHash(file.bytes), gitlab: isGitlabCiPath(file.path) });
  }
  const parsed: ParsedFile[] = sources.map(({ src, digest, gitlab }) => (gitlab ? parseGitlabCi(src, digest) : parseGithubWorkflow(src, digest, actions)));
  const jobs = parsed.flatMap((p) => p.jobs);
  const findings = parsed.flatMap((p) => p.findings);
  const privileged = jobs.filter((j) => j.privilegeReasons.length > 0);
  const unique = uniqueIds();
  const repo = opts.repo ?? null;
  const gitRevision = opts.gitRevision ?? null;
  const entryIds = new Map<DiscoveredJob, string>();
  for (const job of privileged) entryIds.set(job, unique(stableId([...(repo ? [repo] : []), fileIdPart(job.file), job.jobKey])));
  for (const f of findings) {
    const job = f.job === null ? undefined : privileged.find((j) => j.file === f.file && j.jobKey === f.job);
    f.entryPointId = job ? (entryIds.get(job) ?? null) : null;
  }
  findings.sort(compareFindings);
  const now = (opts.now ?? new Date()).toISOString();
  const evidenceFiles = [...new Map(privileged.map((j) => [j.file, j.fileDigest])).entries()];
  // Distinct files can sanitise to the same id ('a b.yml', 'a-b.yml'): ids are made unique.
  const uniqueEvidence = uniqueIds();
  const evidenceIds = new Map(evidenceFiles.map(([file]) => [file, uniqueEvidence(stableId(['workflow-definition', fileIdPart(file)]))]));
  const evidenceIdOf = (file: string) => evidenceIds.get(file) ?? 'workflow-definition';
  const profile: PecsDocument = {
    schemaVersion: '1.0.0',
    documentType: 'pecs-profile',
    metadata: {
      id: stableId([repo ?? 'discovered', 'cicd-profile']),
      title: `CI/CD privileged execution profile${repo ? ` of ${repo}` : ''} (discovered)`,
      version: '0.1.0',
      status: 'draft',
      createdAt: now,
      generatedBy: { tool: 'writ pecs discover' },
    },
    system: systemOf(repo, sources.map((s) => (s.gitlab ? 'gitlab-ci' : 'github-actions')), privileged),
    privilegedExecutionSurface: privileged.map((job) => entryPointOf(job, entryIds.get(job) ?? job.jobKey, evidenceIdOf(job.file), gitRevision)),
    evidence: evidenceFiles.map(([file, digest]) => ({
      id: evidenceIdOf(file),
      type: 'workflow-definition',
      description: `CI/CD definition ${file} as analysed by discovery`,
      path: file,
      collectedAt: now,
      collectedBy: 'writ pecs discover',
      hash: { type: 'workflow-definition-hash', algorithm: 'sha256', digest, ...(gitRevision ? { gitRevision } : {}) },
    })),
  };
  return { profile, findings, parseErrors, jobs };
}
