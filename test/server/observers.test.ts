/**
 * What the API tells its observers (server/observers.ts, docs/operators.md) as it answers lookups
 * and session starts over real HTTP: served, granted and refused, with the link, the page origin
 * and the reason; an observer that fails changes no answer.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it, mock } from 'node:test';
import type { LinkEvent, ObservedEvent } from '../../server/observers.ts';
import { startInProcessApi, type InProcessApi } from '../support/api-inprocess.ts';
import { ENGINES_DATA } from '../support/fixtures.ts';

const PAGE = 'https://page.example';
const NOW = Date.parse('2026-06-01T12:00:00.000Z');
const PLAYER = 'sh_2kL9pQxYzR4vN8mBwHfJc';
const DISABLED = 'sh_Disabled4vN8mBwHfJ';
const RESTRICTED = 'sh_OriginNo3xYzR4vN8m';
const UNKNOWN = 'sh_NoSuchLink0000000';

const events: LinkEvent[] = [];
/** Lookups and starts, the events this file is about. */
const linkEventsInto = (list: LinkEvent[]) => (event: ObservedEvent) => {
  if ('token' in event && event.token !== undefined) list.push(event);
};
let api: InProcessApi;
before(async () => {
  api = await startInProcessApi({ now: NOW, observers: [linkEventsInto(events)] });
});
after(() => api.close());
beforeEach(() => {
  events.length = 0;
});

const lookup = (token: string) => fetch(`${api.base}/v1/embed/${token}`, { headers: { Origin: PAGE } });
const start = (target: InProcessApi, token: string) =>
  fetch(`${target.base}/v1/embed/${token}/sessions`, { method: 'POST', headers: { Origin: PAGE } });
/** The event without the link, and the link's token: what the assertions compare. */
const shown = ({ link, ...event }: LinkEvent) => ({ ...event, linkToken: link?.token });

describe('lookups', () => {
  it('a lookup answered 200 is served, with the link and the page origin', async () => {
    assert.equal((await lookup(PLAYER)).status, 200);
    assert.deepEqual(events.map(shown), [
      { type: 'lookup-served', token: PLAYER, origin: PAGE, at: NOW, linkToken: PLAYER },
    ]);
  });

  it('a lookup refused says why, with the link when the token names one', async () => {
    assert.equal((await lookup(DISABLED)).status, 403);
    assert.equal((await lookup(RESTRICTED)).status, 403);
    assert.equal((await lookup(UNKNOWN)).status, 404);
    assert.deepEqual(events.map(shown), [
      { type: 'lookup-refused', token: DISABLED, origin: PAGE, at: NOW, reason: 'disabled', linkToken: DISABLED },
      {
        type: 'lookup-refused',
        token: RESTRICTED,
        origin: PAGE,
        at: NOW,
        reason: 'origin-not-allowed',
        linkToken: RESTRICTED,
      },
      { type: 'lookup-refused', token: UNKNOWN, origin: PAGE, at: NOW, reason: 'not-found', linkToken: undefined },
    ]);
  });
});

describe('session starts', () => {
  it('a granted start carries the count with its use and the engine kind', async () => {
    const response = await start(api, PLAYER);
    assert.equal(response.status, 201);
    const { usageCount, engine } = await response.json();
    assert.equal(engine.kind, 'scripted');
    assert.deepEqual(events.map(shown), [
      {
        type: 'session-granted',
        token: PLAYER,
        origin: PAGE,
        at: NOW,
        usageCount,
        engine: 'scripted',
        linkToken: PLAYER,
      },
    ]);
    assert.equal(events[0]!.link?.usageCount, usageCount);
  });

  it('a refused start says why; nothing was counted', async () => {
    assert.equal((await start(api, DISABLED)).status, 403);
    assert.deepEqual(events.map(shown), [
      { type: 'session-refused', token: DISABLED, origin: PAGE, at: NOW, reason: 'disabled', linkToken: DISABLED },
    ]);
  });

  it('a start whose engine cannot be minted is refused as engine-failed (the use given back)', async () => {
    const seen: LinkEvent[] = [];
    const keyless = await startInProcessApi({ data: ENGINES_DATA, now: NOW, observers: [linkEventsInto(seen)] });
    const quiet = mock.method(console, 'error', () => undefined);
    try {
      assert.equal((await start(keyless, 'sh_AnamEngine0000001')).status, 502);
      assert.equal((await start(keyless, 'sh_ScriptedEngine0001')).status, 201);
    } finally {
      quiet.mock.restore();
      await keyless.close();
    }
    assert.deepEqual(
      seen.map((event) => [
        event.type,
        'reason' in event ? event.reason : null,
        'engine' in event ? event.engine : null,
      ]),
      [
        ['session-refused', 'engine-failed', null],
        ['session-granted', null, 'scripted'],
      ],
    );
  });
});

it('an observer that throws is logged, and the answers and the other observers go on', async () => {
  const seen: string[] = [];
  const failing = await startInProcessApi({
    now: NOW,
    observers: [
      () => {
        throw new Error('analytics down');
      },
      (event) => seen.push(event.type),
    ],
  });
  const logged: unknown[][] = [];
  const spy = mock.method(console, 'error', (...args: unknown[]) => logged.push(args));
  try {
    assert.equal((await start(failing, PLAYER)).status, 201);
  } finally {
    spy.mock.restore();
    await failing.close();
  }
  assert.deepEqual(seen, ['session-granted']);
  assert.equal(logged.length, 1);
  assert.match(String(logged[0]![0]), /an observer of session-granted failed/);
});
