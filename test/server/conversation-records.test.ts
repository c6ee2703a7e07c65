/**
 * Conversation records (docs/conversations.md, "Conversation records"), one suite run against each
 * store: created in the counted step (a conversation exists exactly when a use was counted),
 * turns counted and kept up to the caps, ends recorded once, one holder at a time, what time does
 * (the sweep), retention and erasure.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it, mock } from 'node:test';
import type { ShareLinkStore } from '../../server/store/index.ts';
import { capabilityHash } from '../../server/conversations.ts';
import { jsonHeaders, startInProcessApi, type InProcessApi } from '../support/api-inprocess.ts';
import { ENGINES_DATA } from '../support/fixtures.ts';
import { BACKENDS } from '../support/stores.ts';

const NOW = Date.parse('2026-06-01T12:00:00.000Z');
const PAGE = 'https://page.example';
const LEO = '9b2e7d14-5a3c-4f86-b0d9-6c1a8e4f2b37';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

for (const backend of BACKENDS) {
  describe(`conversation records on the ${backend.name} store`, () => {
    let api: InProcessApi<ShareLinkStore>;
    before(async () => {
      api = await startInProcessApi({ store: await backend.open(), now: NOW });
    });
    after(async () => {
      await api.close();
      await api.store.close();
    });
    const records = () => api.store.conversations;

    const createLink = async (fields: Record<string, unknown> = {}) => {
      const response = await fetch(`${api.base}/v1/share-links`, {
        method: 'POST',
        headers: jsonHeaders,
        body: JSON.stringify({ personaId: LEO, allowAllOrigins: true, ...fields }),
      });
      assert.equal(response.status, 201);
      return (await response.json()) as { id: string; token: string };
    };
    const start = async (token: string) => {
      const response = await fetch(`${api.base}/v1/embed/${token}/sessions`, {
        method: 'POST',
        headers: { Origin: PAGE },
      });
      return { status: response.status, body: (await response.json()) as { sessionToken: string } };
    };
    const conversationOf = (sessionToken: string) => {
      const payload = JSON.parse(Buffer.from(sessionToken.slice(3).split('.')[1]!, 'base64url').toString());
      return payload.jti as string;
    };
    const listFor = async (shareLinkId: string) =>
      (await records().listConversations({ shareLinkId, page: 1, perPage: 100 })).data;

    describe('the counted step', () => {
      it('creates one conversation per granted start, named by the session token, with what the start knew', async () => {
        const link = await createLink({ usageLimit: 3, recordTranscripts: true });
        const { status, body } = await start(link.token);
        assert.equal(status, 201);
        const id = conversationOf(body.sessionToken);
        const record = await records().conversation(id);
        assert.deepEqual(record, {
          id,
          shareLinkId: link.id,
          personaId: LEO,
          origin: PAGE,
          engine: 'scripted',
          startedAt: new Date(NOW).toISOString(),
          endedAt: null,
          endReason: null,
          takenOver: false,
          turns: 0,
          recording: true,
          transcriptDeleted: false,
          liveUntil: new Date(NOW + 15 * 60_000).toISOString(),
          hold: null,
        });
      });

      it('under concurrency: exactly as many conversations as uses counted, none for the refused', async () => {
        const link = await createLink({ usageLimit: 7 });
        const results = await Promise.all(Array.from({ length: 40 }, () => start(link.token)));
        const granted = results.filter((result) => result.status === 201);
        assert.equal(granted.length, 7);
        const listed = await listFor(link.id);
        assert.equal(listed.length, 7);
        assert.deepEqual(
          new Set(listed.map((record) => record.id)),
          new Set(granted.map((result) => conversationOf(result.body.sessionToken))),
        );
      });

      it('a start whose engine cannot be minted leaves neither a use nor a conversation', async () => {
        const keyless = await startInProcessApi({ store: await backend.open(ENGINES_DATA), now: NOW });
        const quiet = mock.method(console, 'error', () => undefined);
        try {
          const answer = await fetch(`${keyless.base}/v1/embed/sh_AnamEngine0000001/sessions`, {
            method: 'POST',
            headers: { Origin: PAGE },
          });
          assert.equal(answer.status, 502);
          const link = (await keyless.store.resolve('sh_AnamEngine0000001'))!.link;
          assert.equal(link.usageCount, 0);
          const { data } = await keyless.store.conversations.listConversations({ page: 1, perPage: 100 });
          assert.deepEqual(data, []);
          // The scripted persona of the same file is granted, and its conversation names its engine.
          const granted = await fetch(`${keyless.base}/v1/embed/sh_ScriptedEngine0001/sessions`, {
            method: 'POST',
            headers: { Origin: PAGE },
          });
          assert.equal(granted.status, 201);
          const [only] = (await keyless.store.conversations.listConversations({ page: 1, perPage: 100 })).data;
          assert.equal(only?.engine, 'scripted');
        } finally {
          quiet.mock.restore();
          await keyless.close();
          await keyless.store.close();
        }
      });
    });

    describe('turns', () => {
      it('counts every turn and keeps the text of recorded ones, up to 500', async () => {
        const link = await createLink({ recordTranscripts: true });
        const id = conversationOf((await start(link.token)).body.sessionToken);
        const first = await records().appendTurn(id, { role: 'persona', text: 'Hello', at: NOW + 1000, liveUntil: 0 });
        assert.deepEqual(first, {
          turns: 1,
          kept: { role: 'persona', text: 'Hello', at: new Date(NOW + 1000).toISOString() },
        });
        assert.deepEqual(
          await records().appendTurn(id, { role: 'visitor', text: null, at: NOW + 2000, liveUntil: 0 }),
          {
            turns: 2,
            kept: null,
          },
        );
        for (let i = 3; i <= 501; i++)
          await records().appendTurn(id, { role: 'visitor', text: `turn ${i}`, at: NOW + i, liveUntil: 0 });
        const last = await records().appendTurn(id, {
          role: 'persona',
          text: 'over the cap',
          at: NOW + 600,
          liveUntil: 0,
        });
        assert.deepEqual(last, { turns: 502, kept: null });
        const transcript = await records().transcript(id);
        assert.equal(transcript.length, 500);
        assert.deepEqual(transcript[0], { role: 'persona', text: 'Hello', at: new Date(NOW + 1000).toISOString() });
        assert.equal(transcript.at(-1)!.text, 'turn 501');
        assert.equal((await records().conversation(id))!.turns, 502);
      });

      it('keeps no text for a link that does not record, and takes no turn once the conversation is over', async () => {
        const link = await createLink();
        const id = conversationOf((await start(link.token)).body.sessionToken);
        assert.deepEqual(await records().appendTurn(id, { role: 'visitor', text: 'private', at: NOW, liveUntil: 0 }), {
          turns: 1,
          kept: null,
        });
        assert.deepEqual(await records().transcript(id), []);
        await records().endConversation(id, 'visitor', NOW + 5000);
        assert.equal(await records().appendTurn(id, { role: 'visitor', text: 'late', at: NOW, liveUntil: 0 }), null);
        assert.equal(
          await records().appendTurn(randomUUID(), { role: 'visitor', text: 'x', at: NOW, liveUntil: 0 }),
          null,
        );
        assert.equal(
          await records().appendTurn('not-a-uuid', { role: 'visitor', text: 'x', at: NOW, liveUntil: 0 }),
          null,
        );
      });
    });

    describe('ends', () => {
      it('records the first end only, with its reason and time, whoever asks twice', async () => {
        const link = await createLink();
        const id = conversationOf((await start(link.token)).body.sessionToken);
        const [a, b] = await Promise.all([
          records().endConversation(id, 'completed', NOW + 61_000),
          records().endConversation(id, 'visitor', NOW + 62_000),
        ]);
        const ended = [a, b].filter((record) => record !== null);
        assert.equal(ended.length, 1);
        const record = (await records().conversation(id))!;
        assert.equal(record.endReason, ended[0]!.endReason);
        assert.equal(record.endedAt, ended[0]!.endedAt);
        assert.equal(await records().endConversation(id, 'failed', NOW + 70_000), null);
      });

      it('the sweep ends live conversations past their time, once across concurrent sweeps', async () => {
        const link = await createLink();
        const sweep = (at: number) => records().sweep(at, NOW - DAY);
        const endedBy = async (id: string, at: number) =>
          (await Promise.all([sweep(at), sweep(at)])).flatMap((swept) => swept.ended).filter((r) => r.id === id);
        // Nobody reported anything: it ends with its session, expired.
        const silent = conversationOf((await start(link.token)).body.sessionToken);
        assert.deepEqual(await endedBy(silent, NOW + 14 * 60_000), []);
        const [expired] = await endedBy(silent, NOW + 15 * 60_000);
        assert.deepEqual(
          [expired?.endReason, expired?.endedAt],
          ['expired', new Date(NOW + 15 * 60_000).toISOString()],
        );
        // A channel and turns keep it live; then nothing more happens: idle.
        const talked = conversationOf((await start(link.token)).body.sessionToken);
        await records().extendLife(talked, NOW + 20 * 60_000);
        await records().appendTurn(talked, { role: 'visitor', text: null, at: NOW, liveUntil: NOW + 40 * 60_000 });
        await records().extendLife(talked, NOW + 30 * 60_000);
        assert.deepEqual(await endedBy(talked, NOW + 39 * 60_000), []);
        const once = await endedBy(talked, NOW + 40 * 60_000);
        assert.deepEqual(
          once.map((r) => r.endReason),
          ['idle'],
        );
        // However lively, none outlives the longest a conversation lasts.
        const old = conversationOf((await start(link.token)).body.sessionToken);
        await records().extendLife(old, NOW + 2 * DAY);
        const swept = await records().sweep(NOW + DAY + 1, NOW + 1);
        assert.deepEqual(
          swept.ended.filter((r) => r.id === old).map((r) => r.endReason),
          ['expired'],
        );
      });
    });

    describe('takeover', () => {
      it('one holder at a time; the holder may take it again; hand-back only by the holder', async () => {
        const link = await createLink();
        const id = conversationOf((await start(link.token)).body.sessionToken);
        const until = new Date(NOW + HOUR).toISOString();
        const [first, second] = await Promise.all([
          records().takeOver(id, { holder: 'page-a', until, mode: 'takeover' }, NOW),
          records().takeOver(id, { holder: 'page-b', until, mode: 'takeover' }, NOW),
        ]);
        assert.deepEqual([first.taken, second.taken].sort(), [false, true]);
        const winner = first.taken ? 'page-a' : 'page-b';
        const loser = first.taken ? 'page-b' : 'page-a';
        assert.deepEqual((first.taken ? second : first) as unknown, { taken: false, why: 'held' });
        assert.equal((await records().takeOver(id, { holder: winner, until, mode: 'auto' }, NOW)).taken, true);
        assert.equal(await records().handBack(id, loser), null);
        const handed = await records().handBack(id, winner);
        assert.equal(handed?.hold, null);
        assert.equal(handed?.takenOver, true);
        assert.equal((await records().takeOver(id, { holder: loser, until, mode: 'takeover' }, NOW)).taken, true);
        assert.deepEqual(await records().takeOver(randomUUID(), { holder: 'x', until, mode: 'auto' }, NOW), {
          taken: false,
          why: 'unknown',
        });
        await records().endConversation(id, 'visitor', NOW);
        assert.deepEqual(await records().takeOver(id, { holder: loser, until, mode: 'auto' }, NOW), {
          taken: false,
          why: 'ended',
        });
      });

      it('a hold past its URL expiry: a takeover URL ends the conversation (operator), an auto URL hands it back', async () => {
        const link = await createLink();
        const [held, auto] = await Promise.all([start(link.token), start(link.token)]);
        const heldId = conversationOf(held.body.sessionToken);
        const autoId = conversationOf(auto.body.sessionToken);
        const until = new Date(NOW + 60_000).toISOString();
        await records().takeOver(heldId, { holder: 'p', until, mode: 'takeover' }, NOW);
        await records().takeOver(autoId, { holder: 'p', until, mode: 'auto' }, NOW);
        const before = await records().sweep(NOW + 59_999, NOW - DAY);
        assert.ok(![...before.ended, ...before.handedBack].some((r) => r.id === heldId || r.id === autoId));
        const swept = await records().sweep(NOW + 60_000, NOW - DAY);
        assert.deepEqual(
          swept.ended.filter((r) => r.id === heldId).map((r) => [r.endReason, r.hold]),
          [['operator', null]],
        );
        assert.deepEqual(
          swept.handedBack.filter((r) => r.id === autoId).map((r) => [r.endedAt, r.hold]),
          [[null, null]],
        );
        // Another page may take an expired hold at once, before any sweep.
        const link2 = await createLink();
        const id = conversationOf((await start(link2.token)).body.sessionToken);
        await records().takeOver(id, { holder: 'old', until, mode: 'auto' }, NOW);
        assert.equal((await records().takeOver(id, { holder: 'new', until, mode: 'auto' }, NOW + 60_000)).taken, true);
      });
    });

    describe('share URLs, retention and erasure', () => {
      it('a share is found by its hash; erasing the conversation deletes it, its transcript and its shares', async () => {
        const link = await createLink({ recordTranscripts: true });
        const id = conversationOf((await start(link.token)).body.sessionToken);
        await records().appendTurn(id, { role: 'visitor', text: 'please forget me', at: NOW, liveUntil: 0 });
        const hash = capabilityHash(`cs_${'a'.repeat(43)}`);
        const share = {
          hash,
          conversationId: id,
          mode: 'view' as const,
          expiresAt: new Date(NOW + HOUR).toISOString(),
          createdAt: new Date(NOW).toISOString(),
        };
        assert.equal(await records().addShare(share), true);
        assert.deepEqual(await records().share(hash), share);
        assert.equal(
          await records().addShare({ ...share, hash: capabilityHash('other'), conversationId: randomUUID() }),
          false,
        );
        assert.equal(await records().eraseConversation(id), true);
        assert.equal(await records().conversation(id), undefined);
        assert.deepEqual(await records().transcript(id), []);
        assert.equal(await records().share(hash), undefined);
        assert.equal(await records().eraseConversation(id), false);
        // The use it counted stays counted: erasing a record gives nothing back.
        assert.equal((await api.store.linkById(link.id))!.usageCount, 1);
      });

      it('retention deletes the transcripts of conversations started before the cutoff, and keeps the records', async () => {
        const link = await createLink({ recordTranscripts: true });
        const id = conversationOf((await start(link.token)).body.sessionToken);
        await records().appendTurn(id, { role: 'persona', text: 'kept for a while', at: NOW, liveUntil: 0 });
        assert.equal(await records().purgeTranscripts(NOW), 0);
        assert.equal((await records().transcript(id)).length, 1);
        const purged = await records().purgeTranscripts(NOW + 1);
        assert.ok(purged >= 1);
        assert.deepEqual(await records().transcript(id), []);
        const record = (await records().conversation(id))!;
        assert.equal(record.transcriptDeleted, true);
        assert.equal(record.turns, 1);
        assert.equal(await records().purgeTranscripts(NOW + 1), 0, 'twice is nothing more');
      });

      it('lists newest first, with filters by link, origin and start time, and the seeds’ pagination', async () => {
        const link = await createLink();
        const ids: string[] = [];
        for (let i = 0; i < 5; i++) {
          api.clock.now = NOW + i * 60_000;
          ids.push(conversationOf((await start(link.token)).body.sessionToken));
        }
        api.clock.now = NOW;
        const page = await records().listConversations({ shareLinkId: link.id, page: 2, perPage: 2 });
        assert.deepEqual(
          page.data.map((record) => record.id),
          [ids[2], ids[1]],
        );
        assert.deepEqual(page.meta, { total: 5, lastPage: 3, currentPage: 2, perPage: 2, prev: 1, next: 3 });
        const window = await records().listConversations({
          shareLinkId: link.id,
          from: NOW + 60_000,
          to: NOW + 3 * 60_000,
          page: 1,
          perPage: 10,
        });
        assert.deepEqual(
          window.data.map((record) => record.id),
          [ids[2], ids[1]],
        );
        const elsewhere = await records().listConversations({
          origin: 'https://elsewhere.example',
          page: 1,
          perPage: 10,
        });
        assert.equal(elsewhere.meta.total, 0);
      });
    });
  });
}
