/**
 * A GitLab CI file (`.gitlab-ci.yml`) → its jobs as {@link DiscoveredJob}s and findings.
 * Top-level keywords are not jobs, hidden jobs (`.name`) are templates merged through
 * `extends`, `default:` supplies runner tags and scripts. `include:` is noted, not fetched.
 *
 * @module
 */
import { FINDING_RULES, finding } from '../finding-rules.ts';
import type { ParsedFile } from '../github/parse-workflow.ts';
import { operationsInScript } from '../operations.ts';
import { privilegeReasons } from '../privilege.ts';
import { gitlabCredentialVariables } from '../secrets.ts';
import type { DiscoveredJob } from '../types.ts';
import { asRecord, asText, asTextList, sortedUnique } from '../values.ts';
import type { YamlSource } from '../yaml-source.ts';

const KEYWORDS = new Set(['default', 'include', 'stages', 'variables', 'workflow', 'image', 'services', 'cache', 'before_script', 'after_script', 'types', 'spec']);
// Refs a project typically protects: the default branch, named main branches, release branches, tags.
const PROTECTED_IF = /\$CI_COMMIT_TAG|\$CI_DEFAULT_BRANCH|\$CI_COMMIT_REF_PROTECTED|\$CI_COMMIT_(?:BRANCH|REF_NAME)\s*==\s*["'](?:main|master|production|prod|release[^"']*)["']|\$CI_COMMIT_(?:BRANCH|REF_NAME)\s*=~\s*\/\^?(?:release|v\\d)/;
const PROTECTED_ONLY_REF = /^(?:main|master|production|prod|tags|\/\^?release.*\/|\/\^v.*\/|release.*)$/;

/** The job with its `extends` chain merged in (parents first, at most 10 levels). */
function resolveExtends(all: Record<string, unknown>, job: Record<string, unknown>, depth = 0): Record<string, unknown> {
  if (depth > 10) return job;
  const merged: Record<string, unknown> = {};
  for (const parentName of asTextList(job.extends)) {
    const parent = asRecord(all[parentName]);
    if (parent) Object.assign(merged, resolveExtends(all, parent, depth + 1));
  }
  return { ...merged, ...job };
}

/** Pipeline sources (`merge_request_event`, `schedule` …) a set of rules/only names. */
function pipelineSources(conditions: string[], onlyRefs: string[]): string[] {
  const sources: string[] = [];
  for (const c of conditions) for (const m of c.matchAll(/\$CI_PIPELINE_SOURCE\s*==\s*["']([a-z_]+)["']/g)) if (m[1]) sources.push(m[1]);
  for (const r of onlyRefs) if (['merge_requests', 'schedules', 'web', 'api', 'triggers', 'pipelines', 'external_pull_requests'].includes(r)) sources.push(r === 'merge_requests' ? 'merge_request_event' : r.replace(/s$/, ''));
  return sortedUnique(sources.length > 0 ? sources : ['push']);
}

/**
 * Parses the GitLab CI file in `src` (file digest `digest`).
 *
 * @example
 * ```ts
 * const { jobs, findings } = parseGitlabCi(src, digest);
 * ```
 */
export function parseGitlabCi(src: YamlSource, digest: string): ParsedFile {
  const root = src.root;
  const file = src.file;
  const findings =
    root.include !== undefined
      ? [finding(FINDING_RULES.includeNotAnalysed, file, src.lineAt(['include']), null, 'jobs from include: are not part of this profile')]
      : [];
  const defaults = asRecord(root.default) ?? {};
  const jobs: DiscoveredJob[] = [];
  for (const [jobKey, value] of Object.entries(root)) {
    if (KEYWORDS.has(jobKey) || jobKey.startsWith('.')) continue;
    const own = asRecord(value);
    if (!own) continue;
    const job = resolveExtends(root, own);
    if (job.script === undefined && job.trigger === undefined && job.run === undefined) continue;
    const line = src.lineAt([jobKey]);
    const scripts = [
      ...asTextList(job.before_script ?? defaults.before_script ?? root.before_script),
      ...asTextList(job.script),
      ...asTextList(job.after_script ?? defaults.after_script ?? root.after_script),
    ];
    const rules = Array.isArray(job.rules) ? job.rules.map((r) => asRecord(r) ?? {}) : [];
    const ruleIfs = rules.map((r) => asText(r.if)).filter((t): t is string => t !== null);
    const onlyValue = job.only;
    const onlyRefs = asRecord(onlyValue) ? asTextList(asRecord(onlyValue)?.refs) : asTextList(onlyValue);
    const activeRules = rules.filter((r) => asText(r.when) !== 'never');
    const protectedRefsOnly =
      (activeRules.length > 0 && activeRules.every((r) => PROTECTED_IF.test(asText(r.if) ?? ''))) || (onlyRefs.length > 0 && onlyRefs.every((r) => PROTECTED_ONLY_REF.test(r)));
    const envRecord = asRecord(job.environment);
    const envName = envRecord ? asText(envRecord.name) : asText(job.environment);
    const tags = sortedUnique(asTextList(job.tags ?? defaults.tags));
    const runnerClass: DiscoveredJob['runnerClass'] = tags.length === 0 ? 'shared' : tags.every((t) => t.startsWith('saas-')) ? 'ephemeral' : 'dedicated';
    const trigger = job.trigger;
    const triggerTarget = asText(trigger) ?? asText(asRecord(trigger)?.project) ?? asText(asRecord(trigger)?.include) ?? (trigger !== undefined ? 'child pipeline' : null);
    const operations = [...new Map(scripts.flatMap((s) => operationsInScript(s)).map((o) => [o.label, o])).values()].sort((a, b) => a.label.localeCompare(b.label));
    const joined = scripts.join('\n');
    const engines: DiscoveredJob['policyEngines'] = [];
    if (/\bopa\s+(?:eval|test|exec)\b/.test(joined)) engines.push('opa');
    if (/\bconftest\b/.test(joined)) engines.push('conftest');
    if (/\bslsa-verifier\b/.test(joined)) engines.push('slsa-verifier');
    const idTokens = asRecord(job.id_tokens);
    const partial: Omit<DiscoveredJob, 'privilegeReasons'> = {
      platform: 'gitlab-ci',
      file,
      fileDigest: digest,
      jobKey,
      jobName: jobKey,
      workflowName: null,
      line,
      triggers: pipelineSources([...ruleIfs, ...(asRecord(root.workflow)?.rules ? (asRecord(root.workflow)?.rules as unknown[]).map((r) => asText(asRecord(r)?.if) ?? '') : [])], onlyRefs),
      refConstraints: sortedUnique([...ruleIfs.map((i) => `rules.if: ${i}`), ...onlyRefs.map((r) => `only: ${r}`)]),
      protectedRefsOnly,
      permissions: { mode: 'not-applicable', writeScopes: [], idTokenWrite: false },
      oidc: idTokens !== null && Object.keys(idTokens).length > 0,
      environment: envName ? { name: envName, url: envRecord ? asText(envRecord.url) : null } : null,
      manualApproval: asText(job.when) === 'manual' || activeRules.some((r) => asText(r.when) === 'manual'),
      runnerLabels: tags,
      runnerClass,
      secrets: sortedUnique([...Object.keys(asRecord(job.secrets) ?? {}), ...gitlabCredentialVariables(scripts)]),
      secretsInherit: false,
      delegatesTo: triggerTarget === null ? null : { raw: `trigger: ${triggerTarget}`, kind: 'reusable-workflow', owner: null, firstParty: true, pinnedToSha: false, line: src.lineAt([jobKey, 'trigger']) },
      uses: [],
      operations,
      manualInputs: [],
      hasConcurrencyLock: job.resource_group !== undefined,
      verifiesWorkflowHash: /\bwrit\s+pecs\s+gate\b/.test(joined),
      signsArtifacts: operations.some((o) => o.category === 'signing'),
      generatesProvenance: /--provenance\b|\bslsa\b/i.test(joined),
      policyEngines: engines,
      targets: [],
    };
    const reasons = privilegeReasons(partial);
    if ((partial.environment || partial.operations.length > 0) && !protectedRefsOnly) {
      findings.push(finding(FINDING_RULES.unprotectedDeployRef, file, line, jobKey, partial.environment ? `environment ${partial.environment.name}` : partial.operations.map((o) => o.label).join(', ')));
    }
    jobs.push({ ...partial, privilegeReasons: reasons });
  }
  return { jobs, findings };
}
