-- Abuse-limit counters shared by every API process on this database (server/limits.ts,
-- postgresCounters: rate-limiter-flexible's RateLimiterPostgres layout). `expire` is in ms since the epoch.
CREATE TABLE share_link_rate_limits (
  key varchar(255) PRIMARY KEY,
  points integer NOT NULL DEFAULT 0,
  expire bigint
);
