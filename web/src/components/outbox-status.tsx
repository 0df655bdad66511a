// The visible "unsaved" state: notes still on their way to the server, retrying, or refused.
import { useEffect, useState, useSyncExternalStore } from 'react';
import { useSession } from '../session.tsx';

export function OutboxStatus() {
  const { outbox, openCapture } = useSession();
  const items = useSyncExternalStore(outbox.subscribe, outbox.getSnapshot);
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!items.length) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [items.length]);
  if (!items.length) return null;
  const failed = items.filter((i) => i.failed);
  const waiting = items.filter((i) => !i.failed);
  const next = waiting.length ? Math.max(0, Math.ceil((Math.min(...waiting.map((i) => i.nextAt)) - now) / 1000)) : 0;
  return (
    <div className="outbox" role="status" aria-live="polite" data-testid="outbox">
      {waiting.length > 0 && (
        <span className="outbox-line">
          <span className="dot dot-warn" aria-hidden="true" />
          {waiting.length} unsaved {waiting.length === 1 ? 'note' : 'notes'}
          {waiting.some((i) => i.attempts > 0) ? (next > 0 ? ` · retrying in ${next}s` : ' · retrying…') : ' · saving…'}
          {waiting.some((i) => i.attempts > 0) && (
            <button type="button" className="btn btn-small" onClick={outbox.retryNow}>
              Retry now
            </button>
          )}
        </span>
      )}
      {failed.map((i) => (
        <span key={i.key} className="outbox-line outbox-failed">
          <span className="dot dot-danger" aria-hidden="true" />
          Not saved: {i.failed}
          <button
            type="button"
            className="btn btn-small"
            onClick={() => {
              outbox.discard(i.key);
              openCapture({ content: i.content, tags: i.tags });
            }}
          >
            Edit
          </button>
          <button type="button" className="btn btn-small btn-ghost" onClick={() => outbox.discard(i.key)}>
            Discard
          </button>
        </span>
      ))}
    </div>
  );
}
