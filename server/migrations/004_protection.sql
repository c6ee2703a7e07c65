-- Links that hold against many addresses (docs/security.md): the velocity cap, proofs of work,
-- signed embeds. Applied once, in a transaction, by server/store/migrate.ts.

ALTER TABLE share_links
  -- Sessions granted per minute on the link, for every client together; NULL: no cap.
  ADD COLUMN starts_per_minute integer DEFAULT 60 CHECK (starts_per_minute BETWEEN 1 AND 10000),
  ADD COLUMN challenge text NOT NULL DEFAULT 'none' CHECK (challenge IN ('none', 'proof-of-work')),
  ADD COLUMN require_signed_embed boolean NOT NULL DEFAULT false,
  -- The link's signing key, sealed (server/signing-keys.ts): never the key itself.
  ADD COLUMN signing_key text,
  -- When the starts of the last minute were counted (granted, or being granted), for the velocity
  -- cap: in the row, so that the counted step's one UPDATE checks and adds under the row's lock,
  -- exact across processes. Never longer than starts_per_minute.
  ADD COLUMN recent_starts timestamptz[] NOT NULL DEFAULT '{}';

-- The starts of `starts` after `since`: the velocity cap's window.
CREATE FUNCTION share_link_recent(starts timestamptz[], since timestamptz) RETURNS timestamptz[]
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT coalesce(array_agg(t ORDER BY t), '{}') FROM unnest(starts) AS t WHERE t > since $$;

-- One-time proofs a session start spent: an embed token's jti, a solved challenge. Written in the
-- counted step, in the same statement as the use, so that each starts at most one session across
-- processes; kept until the proof expires (then it could not be used again anyway).
CREATE TABLE share_link_spent_proofs (
  link_id text NOT NULL REFERENCES share_links (id) ON DELETE CASCADE,
  proof text NOT NULL CHECK (length(proof) <= 200),
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (link_id, proof)
);
CREATE INDEX share_link_spent_proofs_expiry ON share_link_spent_proofs (expires_at);
