// What must NOT type-check with the React 18 wrapper: each line fails for the reason it names.
import { useRef, type ReactChild } from 'react';
import { ShareLinkEmbed } from 'share-link-embed/react';
import type { ShareLinkEmbed as ShareLinkEmbedElement } from 'share-link-embed/element';

// The types in use are React 18's: React 19's have no ReactChild.
export const child: ReactChild = 'text';

export function Mistakes() {
  const ref = useRef<ShareLinkEmbedElement>(null);
  return (
    <>
      <ShareLinkEmbed
        ref={ref}
        token="sh_2kL9pQxYzR4vN8mBwHfJc"
        className="persona"
        open
        onShareLinkReady={(event) => event.detail.persona.name}
        onShareLinkError={(event) => event.detail.reason}
        onShareLinkToggle={(event) => event.detail.open}
        onShareLinkEnd={(event) => event.detail.sessionToken}
      />
      {/* @ts-expect-error: a placement is one of the four corners */}
      <ShareLinkEmbed placement="42" />
      {/* @ts-expect-error: the detail has sessionToken, not sessionTokn */}
      <ShareLinkEmbed onShareLinkStart={(event) => event.detail.sessionTokn} />
    </>
  );
}
