-- Personas and share links. Applied once, in a transaction, by server/store/migrate.ts.

CREATE TABLE personas (
  id text PRIMARY KEY,
  name text NOT NULL,
  -- The full persona as stored, private fields included (brain, voice, tools, knowledge, engine).
  -- The public API answers only the projection in server/app.ts (publicPersona).
  data jsonb NOT NULL
);

CREATE TABLE share_links (
  id text PRIMARY KEY,
  -- Lists show links in the order they were added, as the embedded store does.
  position bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  token text NOT NULL UNIQUE,
  type text NOT NULL CHECK (type IN ('LINK', 'PLAYER_EMBED', 'ORB_EMBED')),
  expires_at timestamptz,
  usage_limit bigint CHECK (usage_limit >= 0),
  usage_count bigint NOT NULL DEFAULT 0 CHECK (usage_count >= 0),
  allowed_origins text[] NOT NULL DEFAULT '{}',
  allow_all_origins boolean NOT NULL DEFAULT false,
  remove_watermark boolean NOT NULL DEFAULT false,
  enabled boolean NOT NULL DEFAULT true,
  is_primary boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL,
  persona_id text NOT NULL REFERENCES personas (id),
  persona_name text NOT NULL,
  organization_id text NOT NULL,
  -- Bumped by every management change. A session start judges the origin on the row it read and
  -- counts a use only if the row still has that revision (see startSession in postgres.ts).
  revision bigint NOT NULL DEFAULT 0,
  -- Fields a data file stores beside the known ones, kept as they are (never public).
  extra jsonb NOT NULL DEFAULT '{}'
);

CREATE INDEX share_links_persona ON share_links (persona_id, position);
