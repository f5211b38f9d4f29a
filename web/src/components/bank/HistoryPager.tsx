import type { PageMove } from '../../actions/history-pager.ts';
import type { HistoryPage } from '../../state/history-page.ts';
import '../tables.css';

/** Newer / Older buttons and where the page is; the protocol pages by id, so there is no page count. */
export function HistoryPager({ page, label, onMove }: { page: HistoryPage; label: string; onMove: (move: PageMove) => void }) {
  const pageNumber = page.newerBeforeIds.length + 1;
  const loading = page.status === 'loading';
  return (
    <nav className="pager" aria-label={`${label} pages`}>
      <button type="button" className="button button--ghost button--small" disabled={pageNumber === 1 || loading} onClick={() => onMove('newer')}>
        ← Newer
      </button>
      <span className="pager__where">{pageNumber === 1 ? 'Newest first' : `Page ${pageNumber}`}</span>
      <button
        type="button"
        className="button button--ghost button--small"
        disabled={page.nextBeforeId === null || loading}
        onClick={() => onMove('older')}
      >
        Older →
      </button>
    </nav>
  );
}

/** "12 new", or "20+ new" when some new rows were never seen (the count is at least that). */
export function pendingLabel(page: Pick<HistoryPage, 'pendingCount' | 'pendingCountPartial'>): string {
  return `${page.pendingCount}${page.pendingCountPartial ? '+' : ''} new`;
}

/**
 * Where the page stands (live, paused, or an older page) and, on the newest page, Pause / Resume:
 * paused, new rows wait and are counted; Resume puts them on top.
 */
export function LiveStatus({ page, onPausedChange }: { page: HistoryPage; onPausedChange: (paused: boolean) => void }) {
  if (page.beforeId !== null) return <span className="pill pill--quiet">Older page: not live</span>;
  if (!page.paused) {
    return (
      <span className="live-status">
        <span className="pill pill--live">Live</span>
        <button type="button" className="button button--ghost button--small" onClick={() => onPausedChange(true)}>
          Pause
        </button>
      </span>
    );
  }
  return (
    <span className="live-status">
      <span className="pill pill--quiet">Paused</span>
      <button type="button" className="button button--primary button--small" onClick={() => onPausedChange(false)}>
        Resume ({pendingLabel(page)})
      </button>
    </span>
  );
}
