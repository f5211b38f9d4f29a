import { useCallback, useId } from 'react';
import type { HistoryFilter } from '../../state/history-page.ts';
import { useTally } from '../../state/use-tally.ts';
import { useBankActions } from '../bank/bank-actions-context.ts';
import { HistoryPager, LiveStatus } from '../bank/HistoryPager.tsx';
import { TransactionTable } from '../bank/TransactionTable.tsx';
import { AuditHistoryFilter } from './AuditHistoryFilter.tsx';

/** The whole ledger, newest first; on the newest page new rows arrive live when they match the filter, unless paused. */
export function AuditHistory() {
  const page = useTally((state) => state.auditHistory);
  const setPaused = useTally((state) => state.setAuditHistoryPaused);
  const actions = useBankActions();
  const id = useId();
  const applyFilter = useCallback((filter: HistoryFilter) => void actions.showAuditHistory('newest', filter), [actions]);
  return (
    <section className="panel" aria-labelledby={`${id}-title`} aria-busy={page.status === 'loading'}>
      <div className="panel__header">
        <h2 id={`${id}-title`}>All transactions</h2>
        <LiveStatus page={page} onPausedChange={setPaused} />
      </div>
      <AuditHistoryFilter onApply={applyFilter} />
      {page.error !== null && (
        <p role="alert" className="notice notice--error">
          {page.error}
        </p>
      )}
      {page.transactions.length === 0 ? (
        <p className="empty-state empty-state--boxed">{page.status === 'loaded' ? 'No transactions match.' : 'Loading the ledger…'}</p>
      ) : (
        <TransactionTable caption="All transactions" transactions={page.transactions} />
      )}
      <HistoryPager page={page} label="All transactions" onMove={(move) => void actions.showAuditHistory(move)} />
    </section>
  );
}
