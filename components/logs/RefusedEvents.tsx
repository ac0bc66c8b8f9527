'use client';
/**
 * Messages the Segment-compatible API refused while it took the rest of their batch (docs/sources.md): what
 * was wrong with each, and the message as sent. Shown on the Logs page only when there are any.
 */
import { useInfiniteQuery } from '@tanstack/react-query';
import { useTRPC } from '../trpc';

export function RefusedEvents() {
  const trpc = useTRPC();
  const pages = useInfiniteQuery(trpc.logs.refused.infiniteQueryOptions({ limit: 50 }, { getNextPageParam: (page) => page.nextCursor ?? undefined }));
  const items = pages.data?.pages.flatMap((page) => page.items) ?? [];
  if (items.length === 0) return null;
  return (
    <section className="card" aria-labelledby="refused-events">
      <h2 id="refused-events">Refused messages</h2>
      <p className="hint">Messages sent to the Segment-compatible API that were not stored, while the rest of their request was. Fix them at the source and send them again.</p>
      <div>
        <table>
          <thead>
            <tr>
              <th scope="col">Received</th>
              <th scope="col">Call</th>
              <th scope="col">Message</th>
              <th scope="col">Problem</th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr key={item.id} data-testid="refused-event">
                <td>{new Date(item.receivedAt).toLocaleString()}</td>
                <td>
                  {item.call} #{item.position}
                </td>
                <td>
                  <details>
                    <summary>{item.messageId ? <code>{item.messageId}</code> : 'no messageId'}</summary>
                    <pre className="http">{item.payload}</pre>
                  </details>
                </td>
                <td>
                  <code>{item.field}</code> {item.error}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {pages.hasNextPage ? (
        <button type="button" onClick={() => void pages.fetchNextPage()} disabled={pages.isFetchingNextPage}>
          {pages.isFetchingNextPage ? 'Loading…' : 'Show older'}
        </button>
      ) : null}
    </section>
  );
}
