/// <reference types="share-link-embed/types/react" />
import 'share-link-embed'; // registers <share-link-embed>

export function Persona({ token, connect }: { token: string; connect: (sessionToken: string) => void }) {
  return (
    <share-link-embed
      token={token}
      api-base="https://embed.example.com"
      placement="bottom-left"
      onshare-link-start={(event) => connect(event.detail.sessionToken)}
    />
  );
}
