import './zod-config.ts';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createShopActions } from './actions/shop-actions.ts';
import { App } from './components/App.tsx';
import { ShopActionsContext } from './components/shop-actions-context.ts';
import { browserSessionTokenStorage } from './net/session-token-storage.ts';
import { TallySocketClient, webSocketUrlFor } from './net/socket-client.ts';
import { tallyStore } from './state/store.ts';
import './styles.css';

const client = new TallySocketClient({
  url: webSocketUrlFor(window.location),
  store: tallyStore,
  tokenStorage: browserSessionTokenStorage(),
});
const actions = createShopActions(client, tallyStore);
client.start();

const rootElement = document.getElementById('root');
if (rootElement === null) throw new Error('index.html lacks the #root element');
createRoot(rootElement).render(
  <StrictMode>
    <ShopActionsContext value={actions}>
      <App />
    </ShopActionsContext>
  </StrictMode>,
);
