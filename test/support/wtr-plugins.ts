/**
 * @web/test-runner plugins: the reference API on its own port of 127.0.0.1 (so the widget makes
 * real cross-origin requests), server commands to arrange its data and clock, and the fake API.
 */
import * as v from 'valibot';
import type { ShareMode } from '../../server/conversation-schemas.ts';
import { engineConfigFromEnv } from '../../server/engines.ts';
import { CreateShareLinkSchema, UpdateShareLinkSchema } from '../../server/schemas.ts';
import { startInProcessApi, type InProcessApi } from './api-inprocess.ts';
import { API_KEY } from '../../scripts/api-process.ts';
import { fakeApiHits, fakeApiMiddleware } from './fake-api.ts';
import { startFakeAnam, startFakeElevenLabs, type FakeVendor } from './fake-vendors.ts';
import { ENGINES_DATA } from './fixtures.ts';

export const CARA_ID = '3f6c2a91-8d4e-4b7a-a1c5-2e9f0b8d7c61';

interface CommandArgs {
  command: string;
  payload: unknown;
}

export function referenceApiPlugin() {
  let api: InProcessApi | undefined;
  /** The same API on the engines' data, with Anam and ElevenLabs stood in by fakes on loopback. */
  let vendorsApi: InProcessApi | undefined;
  let vendors: FakeVendor[] = [];
  /** Lookups held back, by path, for `ms` (see `api-slow-lookups`). */
  const slowLookups = new Map<string, number>();
  let clockOffset = 0;
  const requests: {
    method: string;
    path: string;
    query: string;
    origin: string | null;
    credentials: boolean;
    challenge: boolean;
  }[] = [];
  const store = () => api!.store;

  return {
    name: 'reference-api',
    async serverStart() {
      api = await startInProcessApi({
        // Every browser test comes from one address: abuse limits off (see test/server/limits.test.ts).
        limits: false,
        // Proofs of work a tenth of the documented difficulty: the browser tests solve many.
        challengeMaxNumber: 50_000,
        serverTime: () => Date.now() + clockOffset,
        observe: (request) => {
          const url = new URL(request.url);
          if (!url.pathname.startsWith('/v1/')) return;
          requests.push({
            method: request.method,
            path: url.pathname,
            query: url.search,
            origin: request.headers.get('origin'),
            credentials: request.headers.has('cookie') || request.headers.has('authorization'),
            challenge: request.headers.has('x-share-link-challenge'),
          });
          // A lookup held back for a test that must tell "beside the link" from "after it".
          const held = slowLookups.get(url.pathname);
          if (held) return new Promise((resolve) => setTimeout(resolve, held));
        },
      });
      vendors = await Promise.all([startFakeAnam('anam-key'), startFakeElevenLabs('xi-key')]);
      const [anam, elevenLabs] = vendors as [FakeVendor, FakeVendor];
      vendorsApi = await startInProcessApi({
        data: ENGINES_DATA,
        limits: false,
        serverTime: () => Date.now() + clockOffset,
        engines: engineConfigFromEnv({
          ANAM_API_KEY: anam.key,
          ANAM_API_URL: anam.url,
          ELEVENLABS_API_KEY: elevenLabs.key,
          ELEVENLABS_API_URL: elevenLabs.url,
        }),
      });
    },
    async serverStop() {
      await api?.close();
      await vendorsApi?.close();
      await Promise.all(vendors.map((vendor) => vendor.close()));
    },
    async executeCommand({ command, payload }: CommandArgs) {
      const args = (payload ?? {}) as Record<string, unknown>;
      // Conversation commands act on the reference API, or with `vendors: true` on the vendors' one.
      const on = () => (args['vendors'] ? vendorsApi! : api!);
      switch (command) {
        case 'api-base':
          return api!.base;
        case 'vendors-api-base':
          return vendorsApi!.base;
        case 'vendors-api-update-link':
          return vendorsApi!.store.update(String(args['id']), v.parse(UpdateShareLinkSchema, args['changes']));
        case 'conversation-share': {
          const { id, mode } = args as { id: string; mode: ShareMode };
          const shared = await on().conversations.share(id, mode, Number(args['hours'] ?? 1), on().base);
          return shared && { ...shared, capability: new URL(shared.Url).pathname.slice('/c/'.length) };
        }
        case 'conversation-takeover':
        case 'conversation-handback':
        case 'conversation-say': {
          const { capability, page, text } = args as { capability: string; page: string; text?: string };
          const conversations = on().conversations;
          const outcome =
            command === 'conversation-takeover'
              ? await conversations.takeOver(capability, page)
              : command === 'conversation-handback'
                ? await conversations.handBack(capability, page)
                : await conversations.say(capability, page, text ?? '');
          return outcome.ok ? 'ok' : outcome.why;
        }
        case 'conversation-tick':
          await on().conversations.tick();
          return true;
        case 'conversation-record': {
          const id = String(args['id']);
          const record = await on().store.conversations.conversation(id);
          return record ? { ...record, transcript: await on().store.conversations.transcript(id) } : null;
        }
        case 'engine-connections':
          return api!.engine.connections;
        case 'api-slow-lookups': {
          // `GET /v1/embed/{token}` of this token answers `ms` later, from now on.
          slowLookups.set(`/v1/embed/${String(args['token'])}`, Number(args['ms']));
          return true;
        }
        case 'api-create-link': {
          const input = v.parse(CreateShareLinkSchema, { personaId: CARA_ID, allowAllOrigins: true, ...args });
          return store().create(input, Date.now() + clockOffset);
        }
        case 'api-update-link':
          return store().update(String(args['id']), v.parse(UpdateShareLinkSchema, args['changes']));
        case 'api-signing-key': {
          const answer = await fetch(`${api!.base}/v1/share-links/${String(args['id'])}/signing-key`, {
            method: 'POST',
            headers: { Authorization: `Bearer ${API_KEY}` },
          });
          return ((await answer.json()) as { signingKey: string }).signingKey;
        }
        case 'api-link':
          return store().linkByToken(String(args['token'])) ?? null;
        case 'api-clock-offset':
          clockOffset = Number(args['offsetMs'] ?? 0);
          return clockOffset;
        case 'api-requests': {
          const since = Number(args['since'] ?? 0);
          return { total: requests.length, requests: requests.slice(since) };
        }
        case 'fake-api-hits':
          return fakeApiHits(String(args['scenario']), String(args['run']));
        default:
          return undefined;
      }
    },
  };
}

/**
 * Maps the vendor SDKs' specifiers to stand-ins that follow their published API (see
 * test/support/stand-ins/): the browser tests run the Anam and ElevenLabs adapters without the
 * vendors' clouds. The built chunks, with the real SDKs, are loaded in the end-to-end tests.
 */
/**
 * The fake API has no sockets: it refuses a WebSocket upgrade at once (404), as an API without the
 * endpoint would. The dev server leaves upgrades on paths not its own unanswered, and Firefox opens
 * one WebSocket to a host at a time: a conversation channel's handshake left hanging there kept
 * the test runner's own socket for the next file from connecting ("tests did not start"). A run
 * named `hold-upgrade-…` gets what such a proxy does: its handshakes are held, unanswered, for 30 s.
 */
export function fakeApiSocketsPlugin() {
  return {
    name: 'fake-api-sockets',
    serverStart({ server }: { server?: import('node:http').Server }) {
      server?.on('upgrade', (request: import('node:http').IncomingMessage, socket: import('node:stream').Duplex) => {
        if (!request.url?.startsWith('/fake-api/')) return;
        if (/^\/fake-api\/[\w-]+\/hold-upgrade-/.test(request.url))
          return void setTimeout(() => socket.destroy(), 30_000);
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      });
    },
  };
}

export function sdkStandInsPlugin() {
  const standIns: Record<string, string> = {
    '@anam-ai/js-sdk': '/test/support/stand-ins/anam-js-sdk.ts',
    '@elevenlabs/client': '/test/support/stand-ins/elevenlabs-client.ts',
  };
  return {
    name: 'sdk-stand-ins',
    resolveImport({ source }: { source: string }) {
      return standIns[source];
    },
  };
}

export { fakeApiMiddleware };
