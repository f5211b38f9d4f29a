import type { PageMove } from '../../actions/history-pager.ts';
import type { HistoryPage } from '../../state/history-page.ts';

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
