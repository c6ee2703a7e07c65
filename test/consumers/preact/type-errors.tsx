// What must NOT type-check in Preact: each line fails for the reason it names.
/// <reference types="share-link-embed/types/preact" />
import { useRef } from 'preact/hooks';
import type { ShareLinkEmbed } from 'share-link-embed';
import 'share-link-embed';

export function Mistakes() {
  const ref = useRef<ShareLinkEmbed>(null);
  return (
    <>
      <share-link-embed
        ref={ref}
        token="sh_2kL9pQxYzR4vN8mBwHfJc"
        class="persona"
        open
        onshare-link-ready={(event) => event.detail.persona.name}
        onshare-link-toggle={(event) => event.detail.open}
      />
      <share-link-embed
        // @ts-expect-error: a placement is one of the four corners
        placement="42"
      />
      <share-link-embed
        // @ts-expect-error: the detail has sessionToken, not sessionTokn
        onshare-link-start={(event) => event.detail.sessionTokn}
      />
    </>
  );
}
