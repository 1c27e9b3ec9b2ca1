/**
 * Which named secrets a job reads. GitHub: `secrets.NAME` / `secrets['NAME']` in
 * expressions, except the default `GITHUB_TOKEN` (scoped by `permissions`, short-lived).
 * GitLab: `secrets:` entries and CI/CD variables whose names say they are credentials,
 * except the predefined `CI_*` job token and registry password.
 *
 * @module
 */
import { sortedUnique } from './values.ts';

/**
 * The secret names referenced in GitHub expressions inside `texts`, sorted.
 *
 * @example
 * ```ts
 * githubSecretNames(['${{ secrets.NPM_TOKEN }}', '${{ secrets.GITHUB_TOKEN }}']); // ['NPM_TOKEN']
 * ```
 */
export function githubSecretNames(texts: string[]): string[] {
  const names: string[] = [];
  for (const t of texts) {
    if (!t.includes('secrets')) continue;
    for (const m of t.matchAll(/\bsecrets\s*(?:\.\s*([A-Za-z_][A-Za-z0-9_-]*)|\[\s*['"]([^'"]+)['"]\s*\])/g)) {
      const name = m[1] ?? m[2];
      if (name && name.toUpperCase() !== 'GITHUB_TOKEN') names.push(name);
    }
  }
  return sortedUnique(names);
}

const CREDENTIAL_NAME = /\$\{?([A-Z][A-Z0-9_]*(?:TOKEN|SECRET|PASSWORD|PASSWD|PASS|API_KEY|ACCESS_KEY|PRIVATE_KEY|CREDENTIALS?|AUTH)[A-Z0-9_]*)\}?/g;

/**
 * The credential-like variables (`$DEPLOY_TOKEN`, `${AWS_SECRET_ACCESS_KEY}` …) used in
 * GitLab scripts, sorted; predefined `CI_*` variables are the platform's own job token.
 *
 * @example
 * ```ts
 * gitlabCredentialVariables(['curl -H "X: $DEPLOY_TOKEN"', 'echo $CI_JOB_TOKEN']); // ['DEPLOY_TOKEN']
 * ```
 */
export function gitlabCredentialVariables(texts: string[]): string[] {
  const names: string[] = [];
  for (const t of texts) for (const m of t.matchAll(CREDENTIAL_NAME)) if (m[1] && !m[1].startsWith('CI_')) names.push(m[1]);
  return sortedUnique(names);
}
