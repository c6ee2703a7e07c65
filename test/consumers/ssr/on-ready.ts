import type { ShareLinkEmbed, ShareLinkReadyDetail } from 'share-link-embed';

/**
 * Calls `callback` once the element is ready, whether it got ready before this ran (server-side
 * rendering, then hydration: Next.js, Nuxt, SvelteKit) or later, and again for each link it loads.
 */
export function onReady(embed: ShareLinkEmbed, callback: (detail: ShareLinkReadyDetail) => void): void {
  embed.addEventListener('share-link-ready', (event) => callback(event.detail));
  if (embed.state === 'ready' && embed.shareLink && embed.persona)
    callback({ shareLink: embed.shareLink, persona: embed.persona });
}
