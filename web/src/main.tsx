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
import { TallySocketClient, webSocketUrlFor } from './net/socket-client.ts';
import { BankSimulation } from './simulation/bank-simulation.ts';
import { tallyStore } from './state/store.ts';
import './styles.css';

const client = new TallySocketClient({
  url: webSocketUrlFor(window.location),
  store: tallyStore,
  tokenStorage: browserSessionTokenStorage(),
  userTokenStorage: browserUserTokenStorage(),
});
const shopActions = createShopActions(client, tallyStore);
const bankActions = createBankActions(client, tallyStore, new BankSimulation(client, tallyStore));
startBankSync(tallyStore, bankActions);
client.start();

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
