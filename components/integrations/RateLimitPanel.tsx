'use client';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../trpc';

/** Live limiter numbers from the rate-limit workflow's query, refreshed every few seconds. */
export function RateLimitPanel({ integrationId, limit }: { integrationId: string; limit: number | null }) {
  const trpc = useTRPC();
  const status = useQuery({ ...trpc.integrations.rateLimitStatus.queryOptions({ id: integrationId }), refetchInterval: 3_000, enabled: limit !== null });
  return (
    <section className="card" aria-labelledby="rate-heading">
      <h2 id="rate-heading">Rate limit</h2>
      {limit === null ? (
        <p>No limit: requests go out as soon as flows send them.</p>
      ) : (
        <>
          <p>
            {limit} requests/second, shared by every webhook of this integration. Requests wait for a free slot; one that would wait past its retry window or the maximum queue wait fails
            as &ldquo;rate limit queue full&rdquo; and its flow takes the failure path.
          </p>
          {status.data ? (
            <dl className="stats" data-testid="rate-limit-status">
              <div>
                <dt>Current limit</dt>
                <dd>{limit}/s</dd>
              </div>
              <div>
                <dt>Sent in the last minute</dt>
                <dd>{status.data.grantsLastMinute}</dd>
              </div>
              <div>
                <dt>Waiting for a slot</dt>
                <dd>{status.data.waiting}</dd>
              </div>
              <div>
                <dt>Expected wait</dt>
                <dd>{(status.data.expectedWaitMs / 1000).toFixed(1)} s</dd>
              </div>
            </dl>
          ) : status.isError ? (
            <p className="error">Could not read the limiter: {status.error.message}</p>
          ) : (
            <p className="muted" role="status">
              Loading limiter status…
            </p>
          )}
          {status.data?.note ? <p className="hint">{status.data.note}</p> : null}
          {status.data ? (
            <a href={status.data.temporalUrl} target="_blank" rel="noreferrer">
              Open the limiter in the Temporal UI ↗
            </a>
          ) : null}
        </>
      )}
    </section>
  );
}
