import { useEffect } from 'react';
import type { Route } from '../routing/routes.ts';
import { useRoute } from '../routing/use-route.ts';
import { AuditPage } from './audit/AuditPage.tsx';
import { BankPage } from './bank/BankPage.tsx';
import { DashboardPage } from './dashboard/DashboardPage.tsx';
import { Header } from './Header.tsx';
import { StorePage } from './StorePage.tsx';

const pageTitles: Readonly<Record<Route, string>> = {
  store: 'Tally — Store',
  bank: 'Tally — Bank',
  audit: 'Tally — Audit',
  dashboard: 'Tally — Dashboard',
};

const footers: Readonly<Record<Route, string>> = {
  store: 'Prices in US dollars. Every order is saved before it is confirmed.',
  bank: 'Amounts in US dollars. Every operation is saved before it is confirmed.',
  audit: 'Amounts in US dollars. The audit views only read; they never change the ledger.',
  dashboard: 'Amounts in US dollars. Every number is of committed facts, closed once a second.',
};

function Page({ route }: { route: Route }) {
  switch (route) {
    case 'store':
      return <StorePage />;
    case 'bank':
      return <BankPage />;
    case 'audit':
      return <AuditPage />;
    case 'dashboard':
      return <DashboardPage />;
    default: {
      const unexpected: never = route;
      throw new Error(`unknown route ${JSON.stringify(unexpected)}`);
    }
  }
}

export function App() {
  const route = useRoute();
  useEffect(() => {
    document.title = pageTitles[route];
  }, [route]);
  return (
    <div className="app">
      <Header route={route} />
      <Page route={route} />
      <footer className="site-footer">{footers[route]}</footer>
    </div>
  );
}
