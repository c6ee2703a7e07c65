/**
 * The socket gate (server/socket-gate.ts) over real sockets from many loopback addresses: the
 * holes an attacker found in the scripted engine's socket (17 addresses filled its 1,000-socket
 * cap in 1.3 s; one address had 45,000 upgrades refused 401 in 5 s, each one checked), and a
 * peer that never reads. Then the same rules through the API's own routes.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, afterEach, describe, it } from 'node:test';
import { attachSocketGate, type SocketGate, type SocketGateOptions } from '../../server/socket-gate.ts';
import { startInProcessApi } from '../support/api-inprocess.ts';
import { SocketClient, connected, refusedWith } from '../support/socket-client.ts';

interface Gated {
  base: string;
  gate: SocketGate;
  /** Upgrades the route was asked to admit. */
  admitted: { count: number };
  /** Bytes the route handed the gate to send. */
  sent: { bytes: number };
  close(): Promise<void>;
}

const opened: Gated[] = [];
afterEach(async () => {
  for (const gated of opened.splice(0)) await gated.close();
});

/** A gate on its own server, with one route: `?key=good` is admitted; `?flood=N` sends N frames of 64 KiB once open. */
async function gated(options: SocketGateOptions): Promise<Gated> {
  const server: Server = createServer((_req, res) => res.writeHead(404).end());
  const gate = attachSocketGate(server, { exclusive: true, ...options });
  const admitted = { count: 0 };
  const sent = { bytes: 0 };
  gate.route({
    path: '/socket',
    maxFrameBytes: 1024,
    expects: 'nothing',
    parse: () => null,
    async admit(url) {
      admitted.count++;
      return url.searchParams.get('key') === 'good'
        ? { ok: true, admitted: Number(url.searchParams.get('flood') ?? 0) }
        : { ok: false, status: 401 };
    },
    open(socket, flood) {
      const frame = JSON.stringify({ type: 'chunk', data: 'x'.repeat(64 * 1024) });
      let left = flood;
      const pump = () => {
        // As a fan-out does: send whenever there is something to send, never waiting for the peer.
        for (let i = 0; i < 16 && left > 0 && socket.open; i++, left--) {
          socket.send(frame);
          sent.bytes += frame.length;
        }
        if (left > 0 && socket.open) setImmediate(pump);
      };
      pump();
      return { frame: () => undefined, closed: () => undefined };
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const result: Gated = {
    base: `ws://127.0.0.1:${port}`,
    gate,
    admitted,
    sent,
    async close() {
      await gate.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  opened.push(result);
  return result;
}

const from = (address: string) => ({ localAddress: address });
const openSockets = (gate: SocketGate) => [...gate.open.values()].reduce((sum, n) => sum + n, 0);

describe('the socket gate', () => {
  it('gives each address a share of the cap: 17 addresses cannot fill it, and an 18th is still served', async () => {
    const { base, gate } = await gated({ maxSockets: 100, perAddressShare: 0.02 });
    const clients: SocketClient[] = [];
    const statuses: number[] = [];
    await Promise.all(
      Array.from({ length: 17 }, async (_, a) => {
        for (let i = 0; i < 10; i++) {
          const client = new SocketClient(`${base}/socket?key=good`, from(`127.0.0.${a + 2}`));
          try {
            await client.opened;
            clients.push(client);
          } catch (error) {
            statuses.push((error as { status: number }).status);
          }
        }
      }),
    );
    // 4 a piece (2% of 100, at least 4): 68 sockets, the rest refused 429, and room left for others.
    assert.equal(clients.length, 17 * 4);
    assert.ok(statuses.every((status) => status === 429));
    assert.equal(openSockets(gate), 68);
    const other = await connected(`${base}/socket?key=good`, from('127.0.0.200'));
    await Promise.all([...clients, other].map((client) => client.close()));
  });

  it('refuses the whole beyond its cap (503), whoever asks', async () => {
    const { base } = await gated({ maxSockets: 8, perAddressShare: 1 });
    const clients = await Promise.all(
      Array.from({ length: 8 }, (_, i) => connected(`${base}/socket?key=good`, from(`127.0.1.${i + 1}`))),
    );
    assert.equal(await refusedWith(`${base}/socket?key=good`, from('127.0.1.99')), 503);
    await Promise.all(clients.map((client) => client.close()));
  });

  it('rate-limits refused upgrades: after 20 in a minute, an address is refused 429 unheard, and others are served', async () => {
    const { base, admitted } = await gated({});
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++) statuses.push(await refusedWith(`${base}/socket?key=bad`, from('127.0.2.1')));
    assert.deepEqual(statuses.slice(0, 20), Array(20).fill(401));
    assert.deepEqual(statuses.slice(20), Array(40).fill(429));
    assert.equal(admitted.count, 20, 'the credentials of the refused address were checked 20 times, not 60');
    // Its good credentials wait too; another address is not affected.
    assert.equal(await refusedWith(`${base}/socket?key=good`, from('127.0.2.1')), 429);
    await (await connected(`${base}/socket?key=good`, from('127.0.2.2'))).close();
    // Paths no route serves count as refusals as well.
    for (let i = 0; i < 20; i++) assert.equal(await refusedWith(`${base}/elsewhere`, from('127.0.2.3')), 404);
    assert.equal(await refusedWith(`${base}/socket?key=good`, from('127.0.2.3')), 429);
  });

  it('drops a peer that never reads once 64 KiB wait for it, instead of buffering for it', async () => {
    const { base, gate, sent } = await gated({});
    const client = await connected(`${base}/socket?key=good&flood=1000`);
    // The client stops reading: the kernel's buffers fill, then the gate's.
    (client.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    for (let tries = 0; openSockets(gate) > 0; tries++) {
      if (tries > 200) assert.fail(`still open after ${sent.bytes} bytes`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    // 1,000 frames of 64 KiB were due; what was sent is what the kernel took, then one frame more.
    assert.ok(sent.bytes < (1000 * 64 * 1024) / 4, `sent ${sent.bytes} bytes`);
    client.ws.terminate();
  });
});

describe('through the API', () => {
  const apis: { close: () => Promise<void> }[] = [];
  after(async () => {
    for (const api of apis) await api.close();
  });

  it('the scripted engine, the channel and the pages share the gate: bad sessions are limited on every path', async () => {
    const api = await startInProcessApi({ serve: { gate: { refusals: { points: 5, durationSeconds: 60 } } } });
    apis.push(api);
    const ws = api.base.replace('http', 'ws');
    const paths = [
      '/v1/engines/scripted?session=st_nope_nope_nope_nope',
      '/v1/channel?session=st_nope_nope_nope_nope',
      `/v1/channel/watch?capability=cs_${'A'.repeat(43)}&page=x`,
    ];
    const statuses: number[] = [];
    for (let i = 0; i < 9; i++) statuses.push(await refusedWith(`${ws}${paths[i % 3]}`, from('127.0.3.1')));
    assert.deepEqual(statuses, [401, 401, 404, 401, 401, 429, 429, 429, 429]);
  });
});
