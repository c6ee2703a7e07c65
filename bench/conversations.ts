/**
 * `npx tsx bench/conversations.ts`: what conversations cost the API (docs/conversations.md, "What
 * it costs"). The API is the real CLI in its own process (its memory is read from /proc); the
 * clients run here, over loopback.
 *
 * - The channel's overhead for one conversation: bytes and frames both ways, the upgrade included,
 *   for a scripted conversation (which sends only its end) and for one that sends ten captions.
 * - The fan-out of one turn to 100 pages watching the conversation: the time from the visitor's
 *   frame until the last page has it (median and worst of 20 turns), and the API's memory for the
 *   100 pages.
 */
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import WebSocket from 'ws';
import { API_KEY, startApi, type RunningApi } from '../scripts/api-process.ts';

const CARA = '3f6c2a91-8d4e-4b7a-a1c5-2e9f0b8d7c61';
const auth = { Authorization: `Bearer ${API_KEY}`, 'Content-Type': 'application/json' };
const CAPTION = 'I ordered a blue jacket last week and it has not arrived yet. Can you check?'; // 77 characters

const rssKb = (api: RunningApi) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${api.process.pid}/status`, 'utf8'))![1]);

async function conversation(api: RunningApi) {
  const created = await fetch(`${api.base}/v1/share-links`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({ personaId: CARA, allowAllOrigins: true, recordTranscripts: true }),
  });
  const { token } = (await created.json()) as { token: string };
  const started = await fetch(`${api.base}/v1/embed/${token}/sessions`, {
    method: 'POST',
    headers: { Origin: 'https://shop.example' },
  });
  const { sessionToken } = (await started.json()) as { sessionToken: string };
  const id = JSON.parse(Buffer.from(sessionToken.slice(3).split('.')[1]!, 'base64url').toString()).jti as string;
  return { sessionToken, id };
}

const opened = (ws: WebSocket) =>
  new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });

/** One channel's traffic, counted on its TCP socket: the upgrade, `captions` turns, and the end. */
async function channelOverhead(api: RunningApi, captions: number) {
  const { sessionToken } = await conversation(api);
  // Headers as Chromium sends them on a cross-origin page, so the upgrade weighs what it does in a browser.
  const ws = new WebSocket(`${api.base.replace('http', 'ws')}/v1/channel?session=${sessionToken}`, {
    origin: 'https://shop.example',
    headers: {
      'User-Agent':
        'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/139.0.0.0 Safari/537.36',
      'Accept-Language': 'en-GB,en;q=0.9',
      'Accept-Encoding': 'gzip, deflate, br, zstd',
      'Cache-Control': 'no-cache',
      Pragma: 'no-cache',
    },
  });
  let framesDown = 0;
  ws.on('message', () => framesDown++);
  await opened(ws);
  const socket = (ws as unknown as { _socket: Socket })._socket;
  for (let i = 0; i < captions; i++)
    ws.send(JSON.stringify({ type: 'turn', role: i % 2 ? 'visitor' : 'persona', text: CAPTION }));
  ws.send(JSON.stringify({ type: 'end', reason: 'visitor' }));
  await new Promise((resolve) => ws.once('close', resolve));
  return { up: socket.bytesWritten, down: socket.bytesRead, framesUp: captions + 1, framesDown };
}

async function fanOut(api: RunningApi) {
  const { sessionToken, id } = await conversation(api);
  const visitor = new WebSocket(`${api.base.replace('http', 'ws')}/v1/channel?session=${sessionToken}`);
  await opened(visitor);
  const shared = await fetch(`${api.base}/v1/conversations/share/view/${id}/1`, { headers: auth });
  const capability = new URL(((await shared.json()) as { Url: string }).Url).pathname.slice(3);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const before = rssKb(api);
  const pages: WebSocket[] = [];
  for (let i = 0; i < 100; i++) {
    // Twenty addresses, five pages each: within each address's share of the sockets.
    const page = new WebSocket(
      `${api.base.replace('http', 'ws')}/v1/channel/watch?capability=${capability}&page=${randomUUID()}`,
      { localAddress: `127.0.1.${(i % 20) + 1}` },
    );
    // The snapshot may come in the same packet as the upgrade's answer: listen before it opens.
    const snapshot = new Promise<void>((resolve) => page.once('message', () => resolve()));
    await opened(page);
    await snapshot;
    pages.push(page);
  }
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const withPages = rssKb(api);
  const times: number[] = [];
  for (let turn = 0; turn < 20; turn++) {
    let left = pages.length;
    const done = new Promise<void>((resolve) => {
      for (const page of pages)
        page.once('message', () => {
          if (--left === 0) resolve();
        });
    });
    const sent = performance.now();
    visitor.send(JSON.stringify({ type: 'turn', role: 'visitor', text: `${CAPTION} (${turn})` }));
    await done;
    times.push(performance.now() - sent);
    // A conversation's pace, not a flood: the channel allows 60 frames in 10 s.
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  for (const page of pages) page.close();
  visitor.close();
  times.sort((a, b) => a - b);
  return {
    medianMs: times[Math.floor(times.length / 2)]!,
    worstMs: times.at(-1)!,
    rssBeforeKb: before,
    rssWithPagesKb: withPages,
  };
}

const api = await startApi({ extra: [] });
try {
  const scripted = await channelOverhead(api, 0);
  const captions = await channelOverhead(api, 10);
  const fan = await fanOut(api);
  console.log(
    JSON.stringify(
      {
        channel: { scriptedConversation: scripted, tenCaptions: captions, captionChars: CAPTION.length },
        fanOutTo100Pages: { ...fan, perPageKb: Math.round((fan.rssWithPagesKb - fan.rssBeforeKb) / 100) },
      },
      null,
      2,
    ),
  );
} finally {
  await api.stop();
}
