// What must NOT type-check: each line below fails for the reason it names, and only for it.
/// <reference types="share-link-embed/types/react" />
import { useRef } from 'react';
import type { ShareLinkEmbed } from 'share-link-embed';
import 'share-link-embed';

export function Mistakes() {
  const ref = useRef<ShareLinkEmbed>(null);
  return (
    <>
      <share-link-embed
        ref={ref}
        token="sh_2kL9pQxYzR4vN8mBwHfJc"
        className="persona"
        style={{ maxWidth: 480 }}
        open
        onshare-link-ready={(event) => event.detail.persona.name.toUpperCase()}
        onshare-link-error={(event) => event.detail.reason === 'expired'}
        onshare-link-toggle={(event) => event.detail.open === true}
        onshare-link-end={(event) => event.detail.sessionToken.length}
      />
      <share-link-embed
        // @ts-expect-error: a placement is one of the four corners
        placement="42"
      />
      <share-link-embed
        // @ts-expect-error: the detail has sessionToken, not sessionTokn
        onshare-link-start={(event) => event.detail.sessionTokn}
      />
      <share-link-embed
        // @ts-expect-error: state is read-only: the element reflects it
        state="ready"
      />
      <share-link-embed
        // @ts-expect-error: error reasons are a closed list
        onshare-link-error={(event) => event.detail.reason === 'exploded'}
      />
    </>
  );
}

document.addEventListener('share-link-start', (event) => {
  event.detail.sessionToken.toUpperCase();
  // @ts-expect-error: the document's listener knows the detail too
  event.detail.sessionTokn;
});
window.addEventListener('share-link-ready', (event) => event.detail.persona.name);
document.querySelector('share-link-embed')?.addEventListener('share-link-toggle', (event) => {
  // @ts-expect-error: open is a boolean
  const open: string = event.detail.open;
  return open;
});
