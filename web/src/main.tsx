import './zod-config.ts';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBankActions } from './actions/bank-actions.ts';
import { startBankSync } from './actions/bank-sync.ts';
import { createShopActions } from './actions/shop-actions.ts';
import { App } from './components/App.tsx';
import { BankActionsContext } from './components/bank/bank-actions-context.ts';
import { ShopActionsContext } from './components/shop-actions-context.ts';
import { browserSessionTokenStorage, browserUserTokenStorage } from './net/session-token-storage.ts';
import { SessionSync, webSocketUrlFor } from './net/session-sync.ts';
import { BankSimulation } from './simulation/bank-simulation.ts';
import { tallyStore } from './state/store.ts';
import './styles.css';

const sync = new SessionSync({
  url: webSocketUrlFor(window.location),
  store: tallyStore,
  tokenStorage: browserSessionTokenStorage(),
  userTokenStorage: browserUserTokenStorage(),
});
const shopActions = createShopActions(sync, tallyStore);
const bankActions = createBankActions(sync, tallyStore, new BankSimulation(sync.client, tallyStore));
startBankSync(tallyStore, bankActions);
sync.start();

const rootElement = document.getElementById('root');
if (rootElement === null) throw new Error('index.html lacks the #root element');
createRoot(rootElement).render(
  <StrictMode>
    <ShopActionsContext value={shopActions}>
      <BankActionsContext value={bankActions}>
        <App />
      </BankActionsContext>
    </ShopActionsContext>
  </StrictMode>,
);
