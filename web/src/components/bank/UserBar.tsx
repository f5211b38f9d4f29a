import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useTally } from '../../state/use-tally.ts';
import { useBankActions } from './bank-actions-context.ts';

/** Who this tab is signed in as, and the way out. */
export function UserBar() {
  const user = useTally(useShallow((state) => ({ username: state.user?.username, role: state.user?.role })));
  const actions = useBankActions();
  const [signingOut, setSigningOut] = useState(false);
  if (user.username === undefined) return null;

  async function signOut(everywhere: boolean) {
    setSigningOut(true);
    try {
      await actions.signOut(everywhere);
    } catch (error) {
      // The tab forgot the session whatever the server said; nothing more to tell the person.
      console.warn('Tally: the server could not be told about the sign-out', error);
    }
  }

  return (
    <div className="user-bar">
      <span className="user-bar__avatar" aria-hidden="true">
        {user.username.slice(0, 1).toUpperCase()}
      </span>
      <p className="user-bar__who">
        Signed in as <strong>{user.username}</strong>
        {user.role === 'auditor' && <span className="pill pill--auditor">Auditor</span>}
      </p>
      <button type="button" className="button button--ghost button--small" disabled={signingOut} onClick={() => void signOut(false)}>
        Sign out
      </button>
      <button
        type="button"
        className="button button--ghost button--small"
        disabled={signingOut}
        title="Ends every session of this user: other tabs, devices and scripts"
        onClick={() => void signOut(true)}
      >
        Sign out everywhere
      </button>
    </div>
  );
}
