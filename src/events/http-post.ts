/**
 * One JSON POST, classified for retry. Outcomes carry stable codes only: never the
 * URL (webhook URLs are credentials), never the response body.
 *
 * @module
 */
import type { AttemptResult } from './retry.ts';

/** Options of {@link postJson}. */
export interface PostJsonOptions {
  /** Abort after this many ms (default 10 000); counts as a retryable `TIMEOUT`. */
  timeoutMs?: number;
  headers?: Record<string, string>;
}

const RETRYABLE_STATUS = new Set([408, 425, 429]);

/** A stable code for a network error (its errno code when it has one), never its message. */
function errorCode(err: unknown): string {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) return 'TIMEOUT';
  let e: unknown = err;
  for (let i = 0; i < 4 && e; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,39}$/.test(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return 'NETWORK_ERROR';
}

/**
 * POSTs `body` as JSON. 2xx ⇒ ok; network errors, timeouts, 408/425/429 and 5xx are
 * retryable; other statuses (including redirects, which are not followed) are not.
 *
 * @example
 * ```ts
 * const r = await postJson('https://events.pagerduty.com/v2/enqueue', trigger);
 * if (!r.ok && r.retryable) scheduleRetry();
 * ```
 */
export async function postJson(url: string, body: unknown, options: PostJsonOptions = {}): Promise<AttemptResult> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'writ-events', ...options.headers },
      body: JSON.stringify(body),
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
  } catch (err) {
    return { ok: false, retryable: true, error: errorCode(err) };
  }
  // Free the connection; the body is never kept (it could echo what was sent).
  await res.body?.cancel().catch(() => undefined);
  if (res.status >= 200 && res.status < 300) return { ok: true, httpStatus: res.status };
  return { ok: false, retryable: res.status >= 500 || RETRYABLE_STATUS.has(res.status), httpStatus: res.status, error: `HTTP_${res.status}` };
}
