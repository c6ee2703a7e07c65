/** The element's view and `nextView`, the one function that changes it: pure, so no browser. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { LOADING, nextView, type View, type ViewChange } from '../../src/render/view.ts';
import type { PublicPersona, ShareLink } from '../../src/schema.ts';

const shareLink = { token: 'sh_ViewToken12345', usageCount: 0 } as ShareLink;
const persona = { name: 'Cara' } as PublicPersona;
const error = { reason: 'network', message: 'share link sh_ViewToken12345: offline' } as const;
const found: ViewChange = { type: 'found', shareLink, persona };
const used = { ...shareLink, usageCount: 1 };
const started: ViewChange = { type: 'started', shareLink: used, sessionToken: 'st_ViewSession' };

const ready = nextView(LOADING, found);
const starting = nextView(ready, { type: 'start' });
const live = nextView(starting, started);

describe('nextView', () => {
  it('walks a visit: loading, ready, starting, live, back to ready', () => {
    assert.deepEqual(ready, { state: 'ready', shareLink, persona, error: null });
    assert.deepEqual(starting, { state: 'starting', shareLink, persona, error: null });
    assert.deepEqual(live, { state: 'live', shareLink: used, persona, error: null, sessionToken: 'st_ViewSession' });
    assert.deepEqual(nextView(live, { type: 'stop' }), { state: 'ready', shareLink: used, persona, error: null });
    assert.deepEqual(nextView(starting, { type: 'stop' }), ready, 'a start called off');
  });

  it('starts only from ready, and grants a session only while starting', () => {
    for (const view of [LOADING, starting, live, nextView(ready, { type: 'fail', error })]) {
      assert.equal(nextView(view, { type: 'start' }), view, view.state);
    }
    for (const view of [LOADING, ready, live]) assert.equal(nextView(view, started), view, view.state);
    for (const view of [LOADING, ready]) assert.equal(nextView(view, { type: 'stop' }), view, view.state);
  });

  it('keeps the link through a failure, but not the session', () => {
    assert.deepEqual(nextView(LOADING, { type: 'fail', error }), {
      state: 'error',
      shareLink: null,
      persona: null,
      error,
    });
    assert.deepEqual(nextView(live, { type: 'fail', error }), { state: 'error', shareLink: used, persona, error });
    const again = { reason: 'expired', message: 'later' } as const;
    assert.deepEqual(nextView(nextView(ready, { type: 'fail', error }), { type: 'fail', error: again }), {
      state: 'error',
      shareLink,
      persona,
      error: again,
    });
  });

  it('loads afresh from anywhere', () => {
    for (const view of [ready, starting, live]) assert.equal(nextView(view, { type: 'load' }), LOADING);
  });

  it('never makes an impossible state, whatever happens in whatever order', () => {
    const change = fc.constantFrom<ViewChange>(
      { type: 'load' },
      found,
      { type: 'start' },
      started,
      { type: 'stop' },
      { type: 'fail', error },
    );
    fc.assert(
      fc.property(fc.array(change, { maxLength: 30 }), (changes) => {
        let view: View = LOADING;
        for (const next of changes) {
          view = nextView(view, next);
          assert.equal(view.shareLink === null, view.persona === null, 'a link comes with its persona');
          assert.equal(view.error !== null, view.state === 'error', 'an error only in the error state');
          assert.equal('sessionToken' in view, view.state === 'live', 'a session only while live');
          if (view.state !== 'loading' && view.state !== 'error') assert.notEqual(view.shareLink, null);
          if (view.state === 'loading') assert.equal(view.shareLink, null);
        }
      }),
    );
  });
});
