/**
 * Expressions whose value an outside contributor controls (issue and PR titles and bodies,
 * comments, branch names, commit messages …). Interpolated with `${{ }}` into a `run:`
 * script they become shell code: the classic GitHub Actions script injection.
 *
 * @module
 */

// The attacker-controlled fields of the event payload (GitHub Security Lab's list).
const UNTRUSTED = new RegExp(
  [
    String.raw`github\.event\.(?:issue|pull_request|discussion)\.(?:title|body)`,
    String.raw`github\.event\.(?:comment|review|review_comment|discussion_comment)\.body`,
    String.raw`github\.event\.pages(?:\[[^\]]*\]|\.\*)\.page_name`,
    String.raw`github\.event\.(?:head_commit|workflow_run\.head_commit)\.(?:message|author\.(?:email|name))`,
    String.raw`github\.event\.commits(?:\[[^\]]*\]|\.\*)?\.(?:message|author\.(?:email|name))`,
    String.raw`github\.event\.pull_request\.head\.(?:ref|label|repo\.default_branch)`,
    String.raw`github\.event\.workflow_run\.(?:head_branch|display_title|pull_requests[^\s}]*\.head\.ref)`,
    String.raw`github\.head_ref`,
  ].join('|'),
);
const EXPRESSION = /\$\{\{([\s\S]*?)\}\}/g;

/**
 * The `${{ … }}` expressions in `text` that read an untrusted context (each as written).
 *
 * @example
 * ```ts
 * untrustedExpressions('echo "${{ github.event.issue.title }}"'); // ['${{ github.event.issue.title }}']
 * untrustedExpressions('echo "${{ github.sha }}"'); // []
 * ```
 */
export function untrustedExpressions(text: string): string[] {
  if (!text.includes('${{')) return [];
  const out: string[] = [];
  for (const m of text.matchAll(EXPRESSION)) if (UNTRUSTED.test(m[1] ?? '')) out.push(m[0]);
  return out;
}

/**
 * True when a checkout `ref`/`repository` (or a shell command) points at the pull request's
 * own head, i.e. code an outside contributor wrote.
 *
 * @example
 * ```ts
 * checksOutPullRequestHead('${{ github.event.pull_request.head.sha }}'); // true
 * ```
 */
export function checksOutPullRequestHead(text: string): boolean {
  return /pull_request\.head\.(?:sha|ref|repo\.full_name)|github\.head_ref|workflow_run\.head_(?:sha|branch)|merge_commit_sha|refs\/pull\/|\bgh\s+pr\s+checkout\b|\bgit\s+fetch\b[^\n]*\bpull\//.test(text);
}
