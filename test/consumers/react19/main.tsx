// Rendered in Chromium by test/package: React 19 with the raw tag, against the test's API.
/// <reference types="share-link-embed/types/react" />
import { createRoot } from 'react-dom/client';
import 'share-link-embed';

const params = new URLSearchParams(location.search);
const report = (name: string, value: string) => document.body.setAttribute(`data-${name}`, value);

createRoot(document.getElementById('root')!).render(
  <share-link-embed
    token={params.get('token')!}
    api-base={params.get('api')!}
    onshare-link-ready={(event) => report('ready', event.detail.persona.name)}
    onshare-link-start={(event) => report('started', event.detail.sessionToken)}
  />,
);
