/** Importing the package where there is no DOM (server-side rendering) must not throw. */
import assert from 'node:assert/strict';
import { it } from 'node:test';

it('imports in Node without a DOM, and registers nothing', async () => {
  assert.equal(typeof (globalThis as { document?: unknown }).document, 'undefined');
  const module = await import('../../src/index.ts');
  assert.equal(typeof module.ShareLinkEmbed, 'function');
  assert.equal(typeof module.defineShareLinkEmbed, 'function');
  assert.doesNotThrow(() => module.defineShareLinkEmbed());
  assert.equal(
    module.checkShareLink(
      {
        type: 'PLAYER_EMBED',
        enabled: true,
        expiresAt: null,
        usageLimit: null,
        usageCount: 0,
        allowedOrigins: [],
        allowAllOrigins: true,
      },
      { origin: null, now: 0 },
    ),
    null,
  );
});

it('loads the bundle entry in Node without a DOM', async () => {
  await assert.doesNotReject(import('../../src/bundle.ts'));
});
