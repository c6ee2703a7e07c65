/**
 * The entry of the two browser bundles. Besides registering the element, it honours the classic
 * one-liner: `<script src=".../share-link-embed.iife.js" data-token="sh_..." async></script>`
 * appends one `<share-link-embed>` for that token to `document.body`.
 */
import { TAG_NAME } from './define.js';
import './index.js';

const script = typeof document !== 'undefined' ? (document.currentScript as HTMLScriptElement | null) : null;
const token = script?.dataset['token'];
if (token) {
  const appendEmbed = () => {
    const embed = document.createElement(TAG_NAME);
    embed.setAttribute('token', token);
    const apiBase = script!.dataset['apiBase'];
    if (apiBase) embed.setAttribute('api-base', apiBase);
    document.body.append(embed);
  };
  // An async script may run before <body> exists.
  if (document.body) appendEmbed();
  else document.addEventListener('DOMContentLoaded', appendEmbed, { once: true });
}
