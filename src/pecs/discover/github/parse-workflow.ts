/**
 * One GitHub Actions workflow file → its jobs as {@link DiscoveredJob}s, plus the dangerous
 * patterns found in it. Local composite actions the jobs use are expanded from `actions`.
 *
 * @module
 */
import { FINDING_RULES, finding } from '../finding-rules.ts';
import { operationOfAction, operationsInScript } from '../operations.ts';
import { privilegeReasons } from '../privilege.ts';
import { githubSecretNames } from '../secrets.ts';
import type { DiscoveredJob, DiscoveryFinding, UsesReference } from '../types.ts';
import { checksOutPullRequestHead, untrustedExpressions } from '../untrusted-input.ts';
import { classifyUses } from '../uses-reference.ts';
import { asRecord, asText, sortedUnique, stringsIn } from '../values.ts';
import type { YamlPath, YamlSource } from '../yaml-source.ts';
import { cloudTargetOf } from './cloud-targets.ts';
import { localActionKey, type CompositeAction } from './composite-actions.ts';
import { effectivePermissions } from './permissions.ts';
import { runnerOf } from './runner.ts';
import { isRiskyTrigger, parseTriggers } from './triggers.ts';

/**
 * The jobs and findings of one workflow.
 *
 * @example
 * ```ts
 * const { jobs, findings } = parseGithubWorkflow(src, digest, new Map());
 * ```
 */
export interface ParsedFile {
  jobs: DiscoveredJob[];
  findings: DiscoveryFinding[];
}

type Operation = DiscoveredJob['operations'][number];

/** Findings about `uses:` references (unpinned actions, reusable workflows, images). */
function usesFindings(ref: UsesReference, file: string, job: string | null): DiscoveryFinding[] {
  if (ref.pinnedToSha) return [];
  if (ref.kind === 'docker') return [finding(FINDING_RULES.unpinnedDockerImage, file, ref.line, job, ref.raw)];
  if (ref.kind === 'reusable-workflow') return [finding(FINDING_RULES.unpinnedReusableWorkflow, file, ref.line, job, ref.raw)];
  if (ref.kind === 'action' && !ref.firstParty) return [finding(FINDING_RULES.unpinnedAction, file, ref.line, job, ref.raw)];
  return [];
}

/**
 * Findings for a script (or `github-script` body): untrusted expressions, and checkout of
 * pull request code when the trigger is privileged.
 */
function scriptFindings(src: YamlSource, path: YamlPath, script: string, job: string, riskyCheckout: boolean): DiscoveryFinding[] {
  const out = untrustedExpressions(script).map((expr) => finding(FINDING_RULES.scriptInjection, src.file, src.lineAt(path, expr), job, expr));
  if (riskyCheckout && /\bgh\s+pr\s+checkout\b|\bgit\s+(?:fetch|checkout)\b[^\n]*(?:pull\/|head\.(?:sha|ref)|head_ref)/.test(script)) {
    out.push(finding(FINDING_RULES.untrustedCheckout, src.file, src.lineAt(path), job, 'pull request head fetched in a script'));
  }
  return out;
}

/**
 * Parses the workflow in `src` (file digest `digest`).
 *
 * @example
 * ```ts
 * parseGithubWorkflow(readYamlSource(path, text) as YamlSource, workflowDefinitionHash(bytes), actions);
 * ```
 */
export function parseGithubWorkflow(src: YamlSource, digest: string, actions: ReadonlyMap<string, CompositeAction>): ParsedFile {
  const root = src.root;
  const file = src.file;
  const triggers = parseTriggers(root.on);
  const risky = triggers.events.some(isRiskyTrigger);
  const prTriggered = triggers.events.some((e) => e === 'pull_request' || e === 'pull_request_target');
  const riskyCheckout = triggers.events.includes('pull_request_target') || triggers.events.includes('workflow_run');
  const findings: DiscoveryFinding[] = [];
  if (asText(root.permissions) === 'write-all') findings.push(finding(FINDING_RULES.writeAll, file, src.lineAt(['permissions']), null, 'workflow-level permissions: write-all'));
  const workflowEnvStrings = stringsIn(root.env);
  const jobs: DiscoveredJob[] = [];
  for (const [jobKey, jobValue] of Object.entries(asRecord(root.jobs) ?? {})) {
    const job = asRecord(jobValue) ?? {};
    const base: YamlPath = ['jobs', jobKey];
    const line = src.lineAt(base);
    const permissions = effectivePermissions('permissions' in job ? job.permissions : undefined, 'permissions' in root ? root.permissions : undefined);
    if (asText(job.permissions) === 'write-all') findings.push(finding(FINDING_RULES.writeAll, file, src.lineAt([...base, 'permissions']), jobKey, 'job-level permissions: write-all'));
    if (permissions.mode === 'default' && risky) findings.push(finding(FINDING_RULES.defaultPermissionsRiskyTrigger, file, line, jobKey, `no permissions block, triggers ${triggers.events.filter(isRiskyTrigger).join(', ')}`));
    const envValue = job.environment;
    const envRecord = asRecord(envValue);
    const envName = envRecord ? asText(envRecord.name) : asText(envValue);
    const runner = runnerOf(job['runs-on']);
    if (runner.runnerClass === 'self-hosted-static' && prTriggered) findings.push(finding(FINDING_RULES.selfHostedUntrustedTrigger, file, src.lineAt([...base, 'runs-on']), jobKey, runner.labels.join(', ')));
    const secretsInherit = asText(job.secrets) === 'inherit';
    if (secretsInherit) findings.push(finding(FINDING_RULES.secretsInherit, file, src.lineAt([...base, 'secrets']), jobKey, asText(job.uses) ?? jobKey));
    const delegateText = asText(job.uses);
    const delegatesTo = delegateText === null ? null : classifyUses(delegateText, src.lineAt([...base, 'uses']));
    const uses: UsesReference[] = delegatesTo ? [delegatesTo] : [];
    const operations: Operation[] = [];
    const scripts: string[] = [];
    const targets: DiscoveredJob['targets'] = [];
    const steps = Array.isArray(job.steps) ? job.steps : [];
    steps.forEach((stepValue, i) => {
      const step = asRecord(stepValue) ?? {};
      const stepPath: YamlPath = [...base, 'steps', i];
      const usesText = asText(step.uses);
      const run = asText(step.run);
      if (usesText !== null) {
        const ref = classifyUses(usesText, src.lineAt([...stepPath, 'uses']));
        uses.push(ref);
        const op = operationOfAction(usesText);
        if (op && !(usesText.toLowerCase().startsWith('docker/build-push-action') && asText(asRecord(step.with)?.push) !== 'true')) operations.push(op);
        const target = cloudTargetOf(usesText, step.with);
        if (target) targets.push(target);
        const withInputs = asRecord(step.with) ?? {};
        if (riskyCheckout && /^actions\/checkout@/i.test(usesText) && checksOutPullRequestHead(`${asText(withInputs.ref) ?? ''} ${asText(withInputs.repository) ?? ''}`)) {
          findings.push(finding(FINDING_RULES.untrustedCheckout, file, src.lineAt([...stepPath, 'with', asText(withInputs.ref) !== null ? 'ref' : 'repository']), jobKey, `actions/checkout of ${asText(withInputs.ref) ?? asText(withInputs.repository) ?? 'the pull request head'}`));
        }
        const script = /^actions\/github-script@/i.test(usesText) ? asText(withInputs.script) : null;
        if (script !== null) findings.push(...scriptFindings(src, [...stepPath, 'with', 'script'], script, jobKey, false));
        if (ref.kind === 'local') {
          const composite = actions.get(localActionKey(usesText));
          if (composite) {
            scripts.push(...composite.scripts);
            for (const u of composite.uses) {
              const inner = classifyUses(u, ref.line);
              uses.push(inner);
              const innerOp = operationOfAction(u);
              if (innerOp) operations.push(innerOp);
            }
          }
        }
      }
      if (run !== null) {
        scripts.push(run);
        findings.push(...scriptFindings(src, [...stepPath, 'run'], run, jobKey, riskyCheckout));
      }
    });
    for (const ref of uses) findings.push(...usesFindings(ref, file, jobKey));
    for (const s of scripts) operations.push(...operationsInScript(s));
    const allText = [...stringsIn(job), ...workflowEnvStrings];
    const joined = scripts.join('\n');
    const usesRaw = uses.map((u) => u.raw.toLowerCase());
    const engines: DiscoveredJob['policyEngines'] = [];
    if (/\bopa\s+(?:eval|test|exec)\b/.test(joined)) engines.push('opa');
    if (/\bconftest\b/.test(joined)) engines.push('conftest');
    if (/\bslsa-verifier\b/.test(joined) || usesRaw.some((u) => u.startsWith('slsa-framework/slsa-verifier'))) engines.push('slsa-verifier');
    const uniqueOps = [...new Map(operations.map((o) => [o.label, o])).values()].sort((a, b) => a.label.localeCompare(b.label));
    const partial: Omit<DiscoveredJob, 'privilegeReasons'> = {
      platform: 'github-actions',
      file,
      fileDigest: digest,
      jobKey,
      jobName: asText(job.name) ?? jobKey,
      workflowName: asText(root.name),
      line,
      triggers: triggers.events,
      refConstraints: triggers.refConstraints,
      protectedRefsOnly: triggers.protectedRefsOnly,
      permissions,
      oidc: permissions.idTokenWrite,
      environment: envName ? { name: envName, url: envRecord ? asText(envRecord.url) : null } : null,
      manualApproval: false,
      runnerLabels: runner.labels,
      runnerClass: runner.runnerClass,
      secrets: githubSecretNames([...allText, ...scripts]),
      secretsInherit,
      delegatesTo,
      uses,
      operations: uniqueOps,
      manualInputs: triggers.manualInputs,
      hasConcurrencyLock: job.concurrency !== undefined || root.concurrency !== undefined,
      verifiesWorkflowHash: /\bwrit\s+pecs\s+gate\b/.test(joined),
      signsArtifacts: uniqueOps.some((o) => o.category === 'signing'),
      generatesProvenance: usesRaw.some((u) => u.startsWith('slsa-framework/slsa-github-generator') || u.startsWith('actions/attest-build-provenance')) || /--provenance\b/.test(joined),
      policyEngines: sortedUnique(engines) as DiscoveredJob['policyEngines'],
      targets,
    };
    jobs.push({ ...partial, privilegeReasons: privilegeReasons(partial) });
  }
  return { jobs, findings };
}
