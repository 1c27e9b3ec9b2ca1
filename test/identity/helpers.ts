import assert from 'node:assert/strict';
import { isWritError, type WritErrorCode } from '../../src/errors/writ-error.ts';

/** Asserts that `promise` rejects with a WritError of `code` and `reason`, and a fixed message. */
export async function assertRejects(promise: Promise<unknown>, code: WritErrorCode, reason: string): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(isWritError(err, code), `expected ${code}, got ${String(err)}`);
    assert.equal(err.reason, reason);
    assert.equal(err.message, code === 'IDENTITY_INVALID' ? 'identity token rejected' : 'identity provider unavailable');
    return true;
  });
}

/** A fetch that records every URL it is asked for and then delegates. */
export function countingFetch(inner: typeof fetch = (input, init) => globalThis.fetch(input, init)): { fetch: typeof fetch; urls: string[] } {
  const urls: string[] = [];
  const counted: typeof fetch = (input, init) => {
    urls.push(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    return inner(input, init);
  };
  return { fetch: counted, urls };
}

/** Base64url of a JSON value. */
export function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
