import { useId } from 'react';
import { useTally } from '../../state/use-tally.ts';
import { useBankActions } from './bank-actions-context.ts';
import { HistoryPager, LiveStatus } from './HistoryPager.tsx';
import { TransactionTable } from './TransactionTable.tsx';

/**
 * Every transaction touching my accounts, newest first. The newest page follows my accounts as they
 * change (new rows on top, the rest kept), unless paused.
 */
export function MyHistory() {
  const page = useTally((state) => state.myHistory);
  const setPaused = useTally((state) => state.setMyHistoryPaused);
  const actions = useBankActions();
  const id = useId();
  const empty = page.transactions.length === 0;
  return (
    <section className="panel" aria-labelledby={`${id}-title`} aria-busy={page.status === 'loading'}>
      <div className="panel__header">
        <h2 id={`${id}-title`}>My history</h2>
        {page.status === 'loading' ? <span className="pill pill--quiet">Updating…</span> : <LiveStatus page={page} onPausedChange={setPaused} />}
      </div>
      {page.error !== null && (
        <p role="alert" className="notice notice--error">
          {page.error}
        </p>
      )}
      {empty ? (
        <p className="empty-state empty-state--boxed">
          {page.status === 'loaded' ? 'Nothing yet: your deposits, withdrawals and transfers will appear here.' : 'Loading your history…'}
        </p>
      ) : (
        <TransactionTable caption="My history" transactions={page.transactions} />
      )}
      <HistoryPager page={page} label="My history" onMove={(move) => void actions.showMyHistory(move)} />
    </section>
  );
}
