'use client';

/** The integration's rate limit; live limiter status arrives with the rate-limit workflow. */
export function RateLimitPanel({ limit }: { integrationId: string; limit: number | null }) {
  return (
    <section className="card" aria-labelledby="rate-heading">
      <h2 id="rate-heading">Rate limit</h2>
      <p>{limit ? `${limit} requests/second, shared by every webhook of this integration.` : 'No limit: requests go out as soon as flows send them.'}</p>
    </section>
  );
}
