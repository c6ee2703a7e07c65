/**
 * Prometheus metrics (docs/operators.md, "Metrics"), with `prom-client`, on a listener of their
 * own (`--metrics-port`), never on the public port: requests by route and status, their latency,
 * the store's latency, the abuse limiter's decisions, lookups and sessions by outcome, live
 * conversations, the webhook outbox's depth and its attempts, analytics batches, and Node's own
 * (event-loop delay, memory, CPU).
 *
 * Labels come from the code (route patterns, reasons, operation names), never from the request,
 * so a client cannot make new series.
 */
import { createServer, type Server } from 'node:http';
import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { LinkObserver } from './observers.ts';
import type { WebhookAttempt, WebhookOutbox } from './store/index.ts';

const METHODS = new Set(['GET', 'POST', 'PATCH', 'PUT', 'DELETE', 'OPTIONS', 'HEAD']);
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface Metrics {
  readonly registry: Registry;
  /** Lookups and session starts by outcome, conversations ended. */
  observe: LinkObserver;
  /** Requests by route, method and status, and their latency. First in the chain. */
  requests: MiddlewareHandler;
  /** The store, with the time of each of its operations measured. */
  measured<S extends object>(store: S): S;
  limiterDecision(limit: string, allowed: boolean): void;
  webhookAttempt(attempt: WebhookAttempt): void;
  analyticsBatch(outcome: 'written' | 'failed' | 'dropped', rows: number): void;
  /** Gauges read at each scrape: the outbox's depth, live conversations. */
  watch(sources: { outbox?: WebhookOutbox; liveConversations?: () => number }): void;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const requests = new Counter({
    name: 'share_link_http_requests_total',
    help: 'HTTP requests answered, by route pattern, method and status.',
    labelNames: ['route', 'method', 'status'] as const,
    registers,
  });
  const latency = new Histogram({
    name: 'share_link_http_request_duration_seconds',
    help: 'Time to answer HTTP requests, by route pattern and method.',
    labelNames: ['route', 'method'] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const storeLatency = new Histogram({
    name: 'share_link_store_operation_duration_seconds',
    help: 'Time the store took per operation (lookup, reserveUse, list, addAnalytics, ...), failures included.',
    labelNames: ['operation'] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const storeFailures = new Counter({
    name: 'share_link_store_failures_total',
    help: 'Store operations that failed (database away or too slow, data file not writable), by operation.',
    labelNames: ['operation'] as const,
    registers,
  });
  const limiter = new Counter({
    name: 'share_link_limiter_decisions_total',
    help: 'Abuse-limit decisions, by limit and decision (allowed or refused).',
    labelNames: ['limit', 'decision'] as const,
    registers,
  });
  const lookups = new Counter({
    name: 'share_link_lookups_total',
    help: 'Link lookups, by result: served, or the refusal reason.',
    labelNames: ['result'] as const,
    registers,
  });
  const sessions = new Counter({
    name: 'share_link_sessions_total',
    help: 'Session starts, by result: granted, or the refusal reason.',
    labelNames: ['result'] as const,
    registers,
  });
  const ended = new Counter({
    name: 'share_link_conversations_ended_total',
    help: 'Conversations ended, by reason.',
    labelNames: ['reason'] as const,
    registers,
  });
  const webhooks = new Counter({
    name: 'share_link_webhook_attempts_total',
    help: 'Webhook delivery attempts, by event type and outcome (delivered, retrying, failed).',
    labelNames: ['type', 'outcome'] as const,
    registers,
  });
  const analytics = new Counter({
    name: 'share_link_analytics_rows_total',
    help: 'Analytics rows: written to the store, failed (kept for the next batch) or dropped (memory full).',
    labelNames: ['outcome'] as const,
    registers,
  });
  return {
    registry,
    observe(event) {
      if (event.type === 'lookup-served') lookups.inc({ result: 'served' });
      else if (event.type === 'lookup-refused') lookups.inc({ result: event.reason });
      else if (event.type === 'session-granted') sessions.inc({ result: 'granted' });
      else if (event.type === 'session-refused') sessions.inc({ result: event.reason });
      else if (event.type === 'conversation-ended') ended.inc({ reason: event.conversation.endReason ?? 'unknown' });
    },
    requests: async (c, next) => {
      const started = performance.now();
      await next();
      const route = routePath(c, -1) || 'unmatched';
      const method = METHODS.has(c.req.method) ? c.req.method : 'OTHER';
      requests.inc({ route, method, status: c.res.status });
      latency.observe({ route, method }, (performance.now() - started) / 1000);
    },
    measured<S extends object>(store: S): S {
      const timed = new Map<PropertyKey, (...args: unknown[]) => unknown>();
      return new Proxy(store, {
        get(target, property, receiver) {
          const value = Reflect.get(target, property, receiver) as unknown;
          if (typeof value !== 'function') return value;
          let wrapper = timed.get(property);
          if (!wrapper) {
            const operation = String(property);
            wrapper = function (this: unknown, ...args: unknown[]) {
              const self = this === receiver ? target : this;
              const method = Reflect.get(target, property) as (...args: unknown[]) => unknown;
              const started = performance.now();
              const result = method.apply(self, args);
              if (!(result instanceof Promise)) return result;
              const done = () => storeLatency.observe({ operation }, (performance.now() - started) / 1000);
              return result.then(
                (answer) => (done(), answer),
                (error: unknown) => {
                  done();
                  storeFailures.inc({ operation });
                  throw error;
                },
              );
            };
            timed.set(property, wrapper);
          }
          return wrapper;
        },
      });
    },
    limiterDecision(limit, allowed) {
      limiter.inc({ limit, decision: allowed ? 'allowed' : 'refused' });
    },
    webhookAttempt(attempt) {
      webhooks.inc({ type: attempt.type, outcome: attempt.outcome });
    },
    analyticsBatch(outcome, rows) {
      analytics.inc({ outcome }, rows);
    },
    watch({ outbox, liveConversations }) {
      if (outbox)
        new Gauge({
          name: 'share_link_webhook_outbox_depth',
          help: 'Webhook events waiting in the outbox (due or held for a retry), across every process on the store.',
          registers,
          async collect() {
            this.set(await outbox.webhookBacklog());
          },
        });
      if (liveConversations)
        new Gauge({
          name: 'share_link_conversations_live',
          help: 'Conversations live on this process.',
          registers,
          collect() {
            this.set(liveConversations());
          },
        });
    },
  };
}

/** Serves `GET /metrics` on its own port; resolves once it listens. */
export async function serveMetrics(
  registry: Registry,
  { host, port }: { host: string; port: number },
): Promise<{ server: Server; port: number }> {
  const server = createServer((request, response) => {
    if (request.method !== 'GET' || new URL(request.url ?? '/', 'http://metrics').pathname !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found: the metrics are at /metrics\n');
      return;
    }
    registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (error: unknown) => {
        console.error('[share-link-api] metrics could not be collected:', error);
        response.writeHead(500, { 'content-type': 'text/plain' }).end('metrics could not be collected\n');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : port };
}
