import { ConnectionIndicator } from './ConnectionIndicator.tsx';
import { Greeting } from './Greeting.tsx';

export function Header() {
  return (
    <header className="site-header">
      <div className="site-header__inner">
        <h1 className="brand">
          <span className="brand__mark" aria-hidden="true">
            🛍️
          </span>
          Tally
        </h1>
        <Greeting />
        <ConnectionIndicator />
      </div>
    </header>
  );
}
