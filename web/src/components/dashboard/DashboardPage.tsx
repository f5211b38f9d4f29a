import { useEffect } from 'react';
import { tallyStore } from '../../state/store.ts';
import { BankTotalsPanel } from './BankTotalsPanel.tsx';
import { CommitsPanel } from './CommitsPanel.tsx';
import { ConservationPanel } from './ConservationPanel.tsx';
import './dashboard.css';
import { DashboardToolbar } from './DashboardToolbar.tsx';
import { PresencePanel } from './PresencePanel.tsx';
import { RacesLostPanel } from './RacesLostPanel.tsx';
import { StockPanel } from './StockPanel.tsx';
import { TapePanel } from './TapePanel.tsx';
import { ThroughputPanel } from './ThroughputPanel.tsx';

/** While mounted the tab watches the dashboard (session-sync sends `dashboard.watch`, again after each reconnect). */
function useDashboardWatch(): void {
  useEffect(() => {
    tallyStore.getState().dashboardPageOpened();
    return () => tallyStore.getState().dashboardPageClosed();
  }, []);
}

/** Open to everyone: committed facts, second by second; the auditor also sees the conservation check. */
export function DashboardPage() {
  useDashboardWatch();
  return (
    <main className="page dashboard" aria-labelledby="dashboard-page-title">
      <div className="page-heading dashboard__heading">
        <div>
          <h2 id="dashboard-page-title">Dashboard</h2>
          <p>The store and the bank, second by second, from committed facts only.</p>
        </div>
        <DashboardToolbar />
      </div>
      <div className="dashboard__grid">
        <PresencePanel />
        <BankTotalsPanel />
        <ConservationPanel />
        <StockPanel />
        <ThroughputPanel />
        <CommitsPanel />
        <RacesLostPanel />
        <TapePanel />
      </div>
    </main>
  );
}
