import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WritError, isWritError, HTTP_STATUS_BY_CODE } from '../../src/errors/writ-error.ts';

test('WritError carries a stable code, cause and HTTP status', () => {
  const cause = new Error('db down');
  const err = new WritError('STORE_UNAVAILABLE', 'store unavailable', { cause });
  assert.equal(err.code, 'STORE_UNAVAILABLE');
  assert.equal(err.status, 503);
  assert.equal(err.cause, cause);
  assert.ok(isWritError(err, 'STORE_UNAVAILABLE'));
  assert.ok(!isWritError(err, 'NOT_FOUND'));
  assert.ok(!isWritError(new Error('x')));
});

test('every code maps to a 4xx or 5xx status', () => {
  for (const [code, status] of Object.entries(HTTP_STATUS_BY_CODE)) {
    assert.ok(status >= 400 && status < 600, `${code} -> ${status}`);
  }
});
