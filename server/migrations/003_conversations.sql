-- Conversations, their transcripts and share URLs (docs/conversations.md). Applied once, in a
-- transaction, by server/store/migrate.ts.

-- Keep the transcripts of a link's conversations (a writable link field, default off).
ALTER TABLE share_links ADD COLUMN record_transcripts boolean NOT NULL DEFAULT false;

-- One row per granted session, inserted by the statement that counts its use (reserveUse in
-- server/store/postgres.ts), deleted by the one that gives the use back. No foreign key to the
-- link: a deleted link's conversations stay, as its history.
CREATE TABLE conversations (
  id uuid PRIMARY KEY,
  -- Newest first among conversations started in the same millisecond.
  position bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  share_link_id text NOT NULL,
  persona_id text NOT NULL,
  origin text,
  engine text,
  started_at timestamptz NOT NULL,
  ended_at timestamptz,
  end_reason text CHECK (end_reason IN ('visitor', 'idle', 'expired', 'failed', 'operator', 'completed')),
  taken_over boolean NOT NULL DEFAULT false,
  turns integer NOT NULL DEFAULT 0,
  -- Turns kept in conversation_turns (at most 500).
  kept_turns integer NOT NULL DEFAULT 0 CHECK (kept_turns BETWEEN 0 AND 500),
  -- The link's record_transcripts when the conversation started.
  recording boolean NOT NULL,
  transcript_deleted boolean NOT NULL DEFAULT false,
  -- The sweep ends a live conversation once this passes: each turn, and each channel that
  -- connects, keeps it live a while longer (server/conversations.ts).
  live_until timestamptz NOT NULL,
  -- Who holds it (a takeover page's id), until when, and what happens then (takeover: it ends; auto: handed back).
  holder text,
  held_until timestamptz,
  hold_mode text CHECK (hold_mode IN ('takeover', 'auto')),
  CHECK ((ended_at IS NULL) = (end_reason IS NULL)),
  CHECK ((holder IS NULL) = (held_until IS NULL) AND (holder IS NULL) = (hold_mode IS NULL))
);

CREATE INDEX conversations_newest ON conversations (started_at DESC, position DESC);
CREATE INDEX conversations_by_link ON conversations (share_link_id, started_at DESC);
-- What the sweep reads: only live conversations, and only held ones.
CREATE INDEX conversations_live ON conversations (live_until) WHERE ended_at IS NULL;
CREATE INDEX conversations_live_since ON conversations (started_at) WHERE ended_at IS NULL;
CREATE INDEX conversations_held ON conversations (held_until) WHERE holder IS NOT NULL;
-- What retention reads: recorded transcripts not yet deleted.
CREATE INDEX conversations_transcripts ON conversations (started_at) WHERE recording AND NOT transcript_deleted;

CREATE TABLE conversation_turns (
  conversation_id uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  -- The conversation's turn count when it was said: turns not kept leave gaps.
  seq integer NOT NULL CHECK (seq >= 1),
  role text NOT NULL CHECK (role IN ('visitor', 'persona', 'operator')),
  text text NOT NULL CHECK (char_length(text) BETWEEN 1 AND 2000),
  at timestamptz NOT NULL,
  PRIMARY KEY (conversation_id, seq)
);

-- Share URLs: the SHA-256 of each capability, never the capability. Erasing a conversation revokes them.
CREATE TABLE conversation_shares (
  hash text PRIMARY KEY CHECK (hash ~ '^[0-9a-f]{64}$'),
  conversation_id uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  mode text NOT NULL CHECK (mode IN ('view', 'takeover', 'auto')),
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL
);

CREATE INDEX conversation_shares_by_conversation ON conversation_shares (conversation_id);
CREATE INDEX conversation_shares_expiry ON conversation_shares (expires_at);
