import { ShareLinkEmbed } from 'share-link-embed/react'; // registers <share-link-embed> too

export function Persona({ token, connect }: { token: string; connect: (sessionToken: string) => void }) {
  return (
    <ShareLinkEmbed
      token={token}
      apiBase="https://embed.example.com"
      placement="bottom-left"
      onShareLinkStart={(event) => connect(event.detail.sessionToken)}
    />
  );
}
