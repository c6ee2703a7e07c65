/** The table of error reasons (src/errors.ts): how the fetch layer reads an API refusal, and what a visitor may retry. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ERROR_REASONS, isRetryable, reasonOf } from '../../src/errors.ts';

describe('error reasons', () => {
  it('reads a refusal by its status, and by the API own reason where the table gives it that status', () => {
    assert.equal(reasonOf(400, undefined), 'invalid-token');
    assert.equal(reasonOf(404, 'not-found'), 'not-found');
    assert.equal(reasonOf(410, 'disabled'), 'expired', 'a reason of another status does not override 410');
    for (const reason of [
      'origin-not-allowed',
      'disabled',
      'usage-limit-reached',
      'signature-required',
      'signature-invalid',
      'challenge-failed',
    ])
      assert.equal(reasonOf(403, reason), reason);
    assert.equal(reasonOf(403, undefined), 'bad-response', '403 has several reasons: the API must name one');
    for (const claimed of ['rate-limited', 'not-embeddable', 'network', '__proto__', 'constructor', 403, ['disabled']])
      assert.equal(reasonOf(403, claimed), 'bad-response', String(claimed));
    assert.equal(reasonOf(418, 'expired'), 'bad-response');
  });

  it('offers a retry where trying again can help, and only there', () => {
    assert.deepEqual(ERROR_REASONS.filter(isRetryable), [
      'rate-limited',
      'network',
      'bad-response',
      'server',
      'microphone-denied',
      'conversation-failed',
      'challenge-failed',
    ]);
  });
});
