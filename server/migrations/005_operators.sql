-- Analytics and the webhook outbox (docs/operators.md). Applied once, in a transaction, by
-- server/store/migrate.ts.

-- Counts per link × page origin × UTC day. Each API process adds its batch (at most every 5 s) with
-- one INSERT … ON CONFLICT DO UPDATE, so processes add up without reading each other's counts.
-- `origin` is '' for requests that named none (a primary key column cannot be NULL).
CREATE TABLE share_link_analytics (
  share_link_id text NOT NULL,
  origin text NOT NULL,
  day date NOT NULL,
  views bigint NOT NULL DEFAULT 0,
  starts bigint NOT NULL DEFAULT 0,
  -- reason → count, e.g. {"origin-not-allowed": 3}
  refused jsonb NOT NULL DEFAULT '{}',
  conversations bigint NOT NULL DEFAULT 0,
  conversation_seconds bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (share_link_id, day, origin)
);

CREATE INDEX share_link_analytics_day ON share_link_analytics (day);

-- Webhook events waiting for delivery: one row per event, until its receiver answers 2xx or its
-- retries run out. `id` is the event's `webhook-id`, the same on every attempt.
CREATE TABLE share_link_webhook_outbox (
  id text PRIMARY KEY,
  type text NOT NULL,
  -- The signed body, exactly as sent on every attempt.
  body text NOT NULL,
  created_at timestamptz NOT NULL,
  -- When the next attempt may start. A session start's events are written with it in the future
  -- (held) and brought forward once the session is granted; a start that fails deletes them.
  next_attempt_at timestamptz NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  -- A process that took the row for an attempt holds it until then (FOR UPDATE SKIP LOCKED picks
  -- rows; the lease keeps others off while the request is under way, with no transaction open).
  leased_until timestamptz
);

CREATE INDEX share_link_webhook_outbox_due ON share_link_webhook_outbox (next_attempt_at);

-- Every attempt, for GET /v1/webhooks/deliveries; rows older than 7 days are deleted.
CREATE TABLE share_link_webhook_attempts (
  position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  webhook_id text NOT NULL,
  type text NOT NULL,
  attempt integer NOT NULL,
  at timestamptz NOT NULL,
  status integer,
  error text,
  duration_ms integer NOT NULL,
  outcome text NOT NULL CHECK (outcome IN ('delivered', 'retrying', 'failed')),
  next_attempt_at timestamptz
);

CREATE INDEX share_link_webhook_attempts_at ON share_link_webhook_attempts (at);
