import type { Route } from '../routing/routes.ts';
import { Logo } from './art/Logo.tsx';
import { ConnectionIndicator } from './ConnectionIndicator.tsx';
import { Greeting } from './Greeting.tsx';
import { SiteNav } from './SiteNav.tsx';

export function Header({ route }: { route: Route }) {
  return (
    <header className="site-header">
      <div className="site-header__inner">
        <h1 className="brand">
          <span className="brand__mark" aria-hidden="true">
            <Logo />
          </span>
          Tally
        </h1>
        <SiteNav route={route} />
        {route === 'store' && <Greeting />}
        <ConnectionIndicator />
      </div>
    </header>
  );
}
