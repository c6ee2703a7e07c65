// Rendered in Chromium by test/package: React 18 with the wrapper, against the test's API.
import { createRoot } from 'react-dom/client';
import { ShareLinkEmbed } from 'share-link-embed/react';

const params = new URLSearchParams(location.search);
const report = (name: string, value: string) => document.body.setAttribute(`data-${name}`, value);

createRoot(document.getElementById('root')!).render(
  <ShareLinkEmbed
    token={params.get('token')!}
    apiBase={params.get('api')!}
    onShareLinkReady={(event) => report('ready', event.detail.persona.name)}
    onShareLinkStart={(event) => report('started', event.detail.sessionToken)}
  />,
);
