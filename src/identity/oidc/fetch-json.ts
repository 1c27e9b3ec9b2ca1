/**
 * Largest discovery or JWKS document accepted, in bytes.
 *
 * @example
 * ```ts
 * MAX_DOCUMENT_BYTES; // 1048576
 * ```
 */
export const MAX_DOCUMENT_BYTES = 1024 * 1024;

/**
 * GETs `url` and parses a JSON object. Redirects are refused (keys come from exactly
 * the configured place), as are non-2xx statuses, bodies over
 * {@link MAX_DOCUMENT_BYTES} and anything that is not a JSON object. Errors are plain
 * `Error`s naming the URL; callers wrap them.
 *
 * @example
 * ```ts
 * const doc = await fetchJsonObject(fetch, 'https://idp.example.com/.well-known/openid-configuration', 5000);
 * ```
 */
export async function fetchJsonObject(fetchFn: typeof fetch, url: string, timeoutMs: number): Promise<Record<string, unknown>> {
  const res = await fetchFn(url, {
    headers: { accept: 'application/json' },
    redirect: 'error',
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!res.ok) {
    await res.body?.cancel();
    throw new Error(`GET ${url}: HTTP ${res.status}`);
  }
  const declared = Number(res.headers.get('content-length') ?? '0');
  if (declared > MAX_DOCUMENT_BYTES) {
    await res.body?.cancel();
    throw new Error(`GET ${url}: document too large`);
  }
  const text = await res.text();
  if (Buffer.byteLength(text, 'utf8') > MAX_DOCUMENT_BYTES) throw new Error(`GET ${url}: document too large`);
  const data: unknown = JSON.parse(text);
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new Error(`GET ${url}: not a JSON object`);
  return data as Record<string, unknown>;
}
