/**
 * The demo page: a gallery of every fixture link, a playground that edits one through the
 * management API, copyable snippets, and the origin check seen from a second origin.
 * API text is only ever put into the page as text (`textContent`), never as markup.
 */
import type { WatchedConversation } from '../src/conversation/watch-protocol.ts';
import '../src/index.ts';
import type { ShareLinkEmbed } from '../src/share-link-embed.ts';
import type { ShareLink } from '../src/schema.ts';
import { DEMO_API_KEY } from './config.ts';
import { embedSnippet, type BuildManifest } from '../src/snippets.ts';

/** The build's manifest (docs/delivery.md), for the pinned snippet with Subresource Integrity; `null` before a build. */
const manifest: BuildManifest | null = await fetch('/integrity.json')
  .then((response) => (response.ok ? (response.json() as Promise<BuildManifest>) : null))
  .catch(() => null);

type Child = Node | string | null | undefined | false;

/** A small element builder: properties set as properties, `data-*`/`aria-*` as attributes. */
function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Record<string, unknown> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function')
      element.addEventListener(key.slice(2), value as EventListener);
    else if (key.includes('-') || key === 'part') element.setAttribute(key, value === true ? '' : String(value));
    else (element as unknown as Record<string, unknown>)[key] = value;
  }
  element.append(
    ...children.filter((child): child is Node | string => child !== null && child !== undefined && child !== false),
  );
  return element;
}

const $ = <T extends Element = HTMLElement>(selector: string) => document.querySelector(selector) as T;

const api = async <T>(path: string, init: RequestInit = {}): Promise<T> => {
  const response = await fetch(path, {
    ...init,
    headers: { Authorization: `Bearer ${DEMO_API_KEY}`, 'Content-Type': 'application/json', ...init.headers },
  });
  const body = response.status === 204 ? null : await response.json();
  if (!response.ok) throw new Error((body as { message?: string } | null)?.message ?? `HTTP ${response.status}`);
  return body as T;
};

/** A link as the management API answers it: the public fields and what only management shows. */
type Managed = ShareLink & { recordTranscripts?: boolean; shareUrl?: string | null };

const listLinks = () => api<{ data: ShareLink[] }>('/v1/share-links?perPage=100').then((page) => page.data);

/** A persona's private engine (docs/api.md, "Personas"), which only the management API shows. */
type Engine = { kind: 'scripted' } | { kind: 'anam' } | { kind: 'elevenlabs'; agentId: string } | null;
const engines = new Map<string, Engine>();
const engineOf = async (personaId: string): Promise<Engine> => {
  if (!engines.has(personaId))
    engines.set(personaId, (await api<{ engine?: Engine }>(`/v1/personas/${personaId}`)).engine ?? null);
  return engines.get(personaId)!;
};
const ENGINE_LABELS = {
  scripted: 'scripted demo engine',
  anam: 'Anam',
  elevenlabs: 'ElevenLabs',
};
const describeEngine = (engine: Engine) =>
  engine ? `engine: ${ENGINE_LABELS[engine.kind]}` : 'no engine: the page runs the conversation';

/** A heading and notes for a link, read from its fields (nothing hard-coded per fixture). */
function describe(link: ShareLink, engine?: Engine, now = Date.now()): { title: string; notes: string[] } {
  const kind = { PLAYER_EMBED: 'Player', ORB_EMBED: 'Orb', LINK: 'Direct link' }[link.type];
  const notes: string[] = [];
  if (!link.enabled) notes.push('disabled');
  if (link.expiresAt)
    notes.push(
      Date.parse(link.expiresAt) <= now
        ? `expired ${link.expiresAt.slice(0, 10)}`
        : `expires ${link.expiresAt.slice(0, 16).replace('T', ' ')}`,
    );
  if (link.usageLimit !== null) notes.push(`${link.usageCount} of ${link.usageLimit} uses`);
  if (!link.allowAllOrigins) notes.push(`only ${link.allowedOrigins.join(', ') || 'no origin'}`);
  if (link.removeWatermark) notes.push('no watermark');
  if (/[<>]/.test(link.personaName)) notes.push('persona name is markup');
  if (link.type === 'LINK') notes.push('not embeddable');
  if (engine !== undefined) notes.push(describeEngine(engine));
  return { title: `${kind} · ${link.personaName}`, notes };
}

/** Shows the element's reflected state next to it, as it changes. */
function stateBadge(embed: ShareLinkEmbed): HTMLElement {
  const badge = h('span', { className: 'badge' }, 'loading');
  const show = () => {
    const state = embed.getAttribute('state') ?? 'loading';
    badge.textContent = embed.error ? `error: ${embed.error.reason}` : state;
    badge.dataset['state'] = state;
  };
  new MutationObserver(show).observe(embed, { attributes: true, attributeFilter: ['state'] });
  return badge;
}

function createEmbed(token: string, attributes: Record<string, string> = {}): ShareLinkEmbed {
  const embed = h('share-link-embed', { token });
  for (const [name, value] of Object.entries(attributes)) embed.setAttribute(name, value);
  return embed;
}

/** Orbs are fixed to the viewport; a transformed stage gives each card its own small viewport. */
function stageFor(link: ShareLink, embed: ShareLinkEmbed): HTMLElement {
  return h('div', { className: link.type === 'ORB_EMBED' ? 'stage orb-stage' : 'stage' }, embed);
}

async function renderGallery(links: ShareLink[]) {
  const gallery = $('[data-gallery]');
  const linkEngines = await Promise.all(links.map((link) => engineOf(link.personaId)));
  gallery.replaceChildren(
    ...links.map((link, index) => {
      const embed = createEmbed(link.token);
      const { title, notes } = describe(link, linkEngines[index]);
      return h(
        'article',
        { className: 'card' },
        h('header', {}, h('h3', {}, title), stateBadge(embed)),
        h('p', { className: 'notes' }, h('code', {}, link.token), notes.length ? ` · ${notes.join(' · ')}` : ''),
        stageFor(link, embed),
      );
    }),
  );
}

// ---- Playground ------------------------------------------------------------------------------

const log = (text: string) => {
  const list = $('[data-log]');
  list.prepend(h('li', {}, h('time', {}, new Date().toLocaleTimeString()), ' ', text));
  while (list.children.length > 12) list.lastElementChild!.remove();
};

function watchEvents(embed: ShareLinkEmbed) {
  embed.addEventListener('share-link-ready', (event) =>
    log(`share-link-ready: ${event.detail.persona.name}, ${event.detail.shareLink.type}`),
  );
  embed.addEventListener('share-link-error', (event) => log(`share-link-error: ${event.detail.reason}`));
  embed.addEventListener('share-link-start', (event) =>
    log(
      `share-link-start: session ${event.detail.sessionToken.slice(0, 12)}…, expires ${event.detail.expiresAt.slice(11, 19)}`,
    ),
  );
  embed.addEventListener('share-link-end', (event) => log(`share-link-end: ${event.detail.reason}`));
  embed.addEventListener('share-link-message', (event) =>
    log(`share-link-message: ${event.detail.role}: ${event.detail.text.slice(0, 60)}`),
  );
  embed.addEventListener('share-link-toggle', (event) => log(`share-link-toggle: open ${event.detail.open}`));
}

const toLocalInput = (iso: string | null) => {
  if (!iso) return '';
  const date = new Date(iso);
  return new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 19);
};

async function setUpPlayground(links: ShareLink[]) {
  const form = $<HTMLFormElement>('[data-playground]');
  const field = <T extends Element>(name: string) => form.elements.namedItem(name) as unknown as T;
  const select = field<HTMLSelectElement>('link');
  const problem = $('[data-problem]');
  const stage = $('[data-playground-stage]');
  let current = links.find((link) => link.token === 'sh_ThreeUses7kL9pQxYz') ?? links[0]!;
  select.replaceChildren(
    ...links.map((link) =>
      h('option', { value: link.id, selected: link.id === current.id }, `${describe(link).title} (${link.token})`),
    ),
  );

  const fill = (link: ShareLink) => {
    field<HTMLSelectElement>('type').value = link.type;
    field<HTMLInputElement>('enabled').checked = link.enabled;
    field<HTMLInputElement>('removeWatermark').checked = link.removeWatermark;
    field<HTMLInputElement>('expiresAt').value = toLocalInput(link.expiresAt);
    field<HTMLInputElement>('usageLimit').value = link.usageLimit === null ? '' : String(link.usageLimit);
    field<HTMLOutputElement>('usageCount').value = String(link.usageCount);
    field<HTMLInputElement>('allowAllOrigins').checked = link.allowAllOrigins;
    field<HTMLInputElement>('recordTranscripts').checked = (link as Managed).recordTranscripts === true;
    field<HTMLTextAreaElement>('allowedOrigins').value = link.allowedOrigins.join('\n');
    void engineOf(link.personaId).then((engine) => {
      field<HTMLSelectElement>('engine').value = engine?.kind ?? '';
      field<HTMLInputElement>('agentId').value = engine?.kind === 'elevenlabs' ? engine.agentId : '';
      field<HTMLElement>('agentId').closest('label')!.hidden = engine?.kind !== 'elevenlabs';
    });
  };

  /** The engine is the persona's (private), so every link of that persona follows it. */
  const saveEngine = async () => {
    const kind = field<HTMLSelectElement>('engine').value;
    const agentId = field<HTMLInputElement>('agentId').value.trim();
    field<HTMLElement>('agentId').closest('label')!.hidden = kind !== 'elevenlabs';
    if (kind === 'elevenlabs' && !agentId) return;
    const engine: Engine =
      kind === 'elevenlabs' ? { kind, agentId } : kind === 'scripted' || kind === 'anam' ? { kind } : null;
    problem.hidden = true;
    try {
      await api(`/v1/personas/${current.personaId}`, { method: 'PATCH', body: JSON.stringify({ engine }) });
      engines.set(current.personaId, engine);
      log(`PATCH /v1/personas: ${describeEngine(engine)}`);
      mountEmbed();
    } catch (error) {
      problem.textContent = (error as Error).message;
      problem.hidden = false;
    }
  };

  let embed: ShareLinkEmbed;
  const mountEmbed = () => {
    embed = createEmbed(current.token);
    watchEvents(embed);
    embed.addEventListener('share-link-start', async () => {
      current = await api<ShareLink>(`/v1/share-links/${current.id}`);
      fill(current);
    });
    stage.replaceChildren(h('div', { className: 'stage-head' }, stateBadge(embed)), stageFor(current, embed));
    renderSnippets(current);
    renderOrigins(current);
  };

  const save = async (changes: Partial<Managed>) => {
    problem.hidden = true;
    try {
      const typeChanged = changes.type !== undefined && changes.type !== current.type;
      current = await api<ShareLink>(`/v1/share-links/${current.id}`, {
        method: 'PATCH',
        body: JSON.stringify(changes),
      });
      fill(current);
      log(`PATCH ${Object.keys(changes).join(', ')}`);
      if (typeChanged) mountEmbed();
      else embed.reload();
    } catch (error) {
      problem.textContent = (error as Error).message;
      problem.hidden = false;
      fill(current);
    }
  };

  select.addEventListener('change', async () => {
    current = await api<ShareLink>(`/v1/share-links/${select.value}`);
    fill(current);
    mountEmbed();
  });
  form.addEventListener('change', (event) => {
    const target = event.target as HTMLInputElement;
    if (target.name === 'engine' || target.name === 'agentId') return void saveEngine();
    const value = {
      type: () => target.value,
      enabled: () => target.checked,
      removeWatermark: () => target.checked,
      allowAllOrigins: () => target.checked,
      recordTranscripts: () => target.checked,
      expiresAt: () => (target.value ? new Date(target.value).toISOString() : null),
      usageLimit: () => (target.value === '' ? null : Number(target.value)),
      allowedOrigins: () =>
        target.value
          .split('\n')
          .map((line) => line.trim())
          .filter(Boolean),
    }[target.name];
    if (value) void save({ [target.name]: value() });
  });
  form.addEventListener('click', (event) => {
    const button = (event.target as Element).closest('button');
    if (!button) return;
    if (button.hasAttribute('data-reset-usage')) void save({ usageCount: 0 });
    if (button.dataset['expireIn'] !== undefined) {
      const seconds = Number(button.dataset['expireIn']);
      void save({ expiresAt: button.dataset['expireIn'] ? new Date(Date.now() + seconds * 1000).toISOString() : null });
    }
  });

  fill(current);
  mountEmbed();
}

// ---- Conversations ---------------------------------------------------------------------------

/** A conversation as `GET /v1/conversations` answers it (docs/conversations.md). */
type Conversation = WatchedConversation;

/**
 * Opens a share URL in a new tab. The tab is opened in the click itself (a popup blocker allows
 * that), then sent to the URL once the API has made it; if the browser blocks even that, the URL
 * is shown instead.
 */
async function openShare(conversation: Conversation, mode: 'view' | 'takeover', row: HTMLElement) {
  const tab = window.open('', '_blank');
  try {
    const { Url } = await api<{ Url: string }>(`/v1/conversations/share/${mode}/${conversation.id}/1`);
    if (tab) {
      tab.opener = null;
      tab.location.href = Url;
    } else row.append(h('a', { href: Url, target: '_blank', rel: 'noopener' }, `Open the ${mode} page`));
    log(`GET /v1/conversations/share/${mode}/…/1: ${Url.slice(0, 48)}…`);
  } catch (error) {
    tab?.close();
    row.append(h('span', { className: 'problem' }, (error as Error).message));
  }
}

function conversationRow(conversation: Conversation, links: Map<string, ShareLink>): HTMLElement {
  const link = links.get(conversation.shareLinkId);
  const live = conversation.endedAt === null;
  const state = live ? 'live' : `ended: ${conversation.endReason}`;
  const row = h(
    'li',
    { className: 'conversation', 'data-conversation-id': conversation.id },
    h('span', { className: 'badge', 'data-state': live ? 'live' : 'ready' }, state),
    h(
      'span',
      {},
      h('strong', {}, link ? describe(link).title : conversation.shareLinkId),
      ` · ${new Date(conversation.startedAt).toLocaleTimeString()} · ${conversation.turns} turns`,
      conversation.takenOver ? ' · taken over' : '',
      conversation.transcriptStatus === 'recorded' ? ' · transcript kept' : '',
    ),
  );
  const watch = h('button', { type: 'button' }, 'Watch');
  watch.addEventListener('click', () => void openShare(conversation, 'view', row));
  row.append(watch);
  if (live) {
    const takeOver = h('button', { type: 'button', className: 'primary' }, 'Take over');
    takeOver.addEventListener('click', () => void openShare(conversation, 'takeover', row));
    row.append(takeOver);
  }
  return row;
}

/** The ten newest conversations, kept fresh while the page is shown. */
function watchConversations(links: ShareLink[]) {
  const list = $('[data-conversations]');
  const byId = new Map(links.map((link) => [link.id, link]));
  let shown = '';
  const refresh = async () => {
    if (document.visibilityState !== 'visible') return;
    const { data } = await api<{ data: Conversation[] }>('/v1/conversations?perPage=10');
    // Redrawn only when something changed, so a button under the pointer stays where it is.
    const seen = JSON.stringify(data);
    if (seen === shown) return;
    shown = seen;
    list.replaceChildren(
      data.length
        ? h(
            'ol',
            { className: 'conversation-list' },
            ...data.map((conversation) => conversationRow(conversation, byId)),
          )
        : h('p', { className: 'notes' }, 'No conversation yet: press start on a card above.'),
    );
  };
  const soon = () => setTimeout(() => void refresh().catch(() => undefined), 300);
  document.addEventListener('share-link-start', soon);
  document.addEventListener('share-link-end', soon);
  document.addEventListener('visibilitychange', soon);
  setInterval(() => void refresh().catch(() => undefined), 3000);
  void refresh().catch(() => undefined);
}

// ---- Snippets --------------------------------------------------------------------------------

/** Management answers add `shareUrl`: the page a LINK link opens (`/s/{token}`), `null` for embed links. */
function renderSnippets(link: ShareLink & { shareUrl?: string | null }) {
  const base = location.origin;
  const pinned: [string, string][] = manifest
    ? [
        [
          `Pinned to ${manifest.version}, with Subresource Integrity (recommended: cached for a year, verified)`,
          embedSnippet({
            base,
            manifest,
            token: link.token,
            kind: link.type === 'ORB_EMBED' ? 'one-liner' : 'module',
            variant: link.type === 'ORB_EMBED' ? 'orb' : 'player',
          }),
        ],
      ]
    : [];
  const embedSnippets: [string, string][] = [
    ...pinned,
    [
      'ES module',
      `<script type="module" src="${base}/dist/share-link-embed.js"></script>\n<share-link-embed token="${link.token}"></share-link-embed>`,
    ],
    [
      'Classic script',
      `<script src="${base}/dist/share-link-embed.iife.js" defer></script>\n<share-link-embed token="${link.token}"></share-link-embed>`,
    ],
    [
      'One-liner (adds the element to <body>; best for orbs)',
      `<script src="${base}/dist/share-link-embed.iife.js" data-token="${link.token}" async></script>`,
    ],
    [
      'npm (React, Vue, Svelte, plain HTML)',
      `npm install share-link-embed\n\n// once, anywhere in your app:\nimport 'share-link-embed';\n\n// then in any template:\n<share-link-embed token="${link.token}" api-base="${base}"></share-link-embed>`,
    ],
  ];
  // A LINK link is opened, not embedded: its snippet is the URL of its share page.
  const snippets: [string, string][] =
    link.type === 'LINK' && link.shareUrl
      ? [['Share page (a LINK link opens directly; it cannot be embedded)', link.shareUrl]]
      : embedSnippets;
  $('[data-snippets]').replaceChildren(
    ...snippets.map(([title, code]) => {
      const button = h('button', { type: 'button', className: 'copy' }, 'Copy');
      button.addEventListener('click', async () => {
        try {
          await navigator.clipboard.writeText(code);
          button.textContent = 'Copied';
        } catch {
          button.textContent = 'Select and copy';
        }
        setTimeout(() => (button.textContent = 'Copy'), 1500);
      });
      return h(
        'figure',
        { className: 'snippet' },
        h('figcaption', {}, title, button),
        h('pre', {}, h('code', {}, code)),
      );
    }),
  );
}

// ---- Origins ---------------------------------------------------------------------------------

function renderOrigins(link: ShareLink) {
  const here = location.origin;
  const otherHost = location.hostname === '127.0.0.1' ? 'localhost' : '127.0.0.1';
  const elsewhere = `${location.protocol}//${otherHost}${location.port ? `:${location.port}` : ''}`;
  const restricted = link.allowAllOrigins ? 'sh_OriginOk8mBwHfJc4k' : link.token;
  $('[data-origin-lead]').textContent =
    `The same link on two origins: this page (${here}) and a frame served from ${elsewhere}. ` +
    `Link ${restricted} allows only the origins in its list, so the server refuses the second one, and the widget says why.`;
  const frame = h('iframe', {
    src: `${elsewhere}/demo/frame.html?token=${encodeURIComponent(restricted)}`,
    title: `The embed on ${elsewhere}`,
  });
  const local = createEmbed(restricted);
  $('[data-origins]').replaceChildren(
    h(
      'figure',
      {},
      h('figcaption', {}, 'On ', h('code', {}, here), ' ', stateBadge(local)),
      h('div', { className: 'stage' }, local),
    ),
    h('figure', {}, h('figcaption', {}, 'On ', h('code', {}, elsewhere)), frame),
  );
}

async function main() {
  try {
    const links = await listLinks();
    await renderGallery(links);
    await setUpPlayground(links);
    watchConversations(links);
  } catch (error) {
    $('[data-gallery]').replaceChildren(
      h('p', { className: 'problem' }, `The reference API did not answer: ${(error as Error).message}`),
    );
  }
}

void main();
