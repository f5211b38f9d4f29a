import { routeHashes, type Route } from '../routing/routes.ts';
import { followRouteLink } from '../routing/use-route.ts';
import { useTally } from '../state/use-tally.ts';

const pages: ReadonlyArray<{ route: Route; label: string }> = [
  { route: 'store', label: 'Store' },
  { route: 'bank', label: 'Bank' },
  { route: 'audit', label: 'Audit' },
  { route: 'dashboard', label: 'Dashboard' },
];

/** Store, Bank and Dashboard for everyone; Audit only for the signed-in auditor. */
export function SiteNav({ route }: { route: Route }) {
  const auditor = useTally((state) => state.user?.role === 'auditor');
  return (
    <nav aria-label="Main" className="site-nav">
      <ul className="site-nav__list">
        {pages
          .filter((page) => page.route !== 'audit' || auditor)
          .map((page) => (
            <li key={page.route}>
              <a
                className="site-nav__link"
                href={routeHashes[page.route]}
                aria-current={page.route === route ? 'page' : undefined}
                onClick={(event) => followRouteLink(event, routeHashes[page.route])}
              >
                {page.label}
              </a>
            </li>
          ))}
      </ul>
    </nav>
  );
}
