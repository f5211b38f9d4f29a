/** A session token (the shopper's or the bank user's), kept per tab (sessionStorage), so every tab is its own shopper and user. */
export interface SessionTokenStorage {
  read: () => string | null;
  write: (token: string) => void;
  forget: () => void;
}

export const sessionTokenKey = 'tally.sessionToken';

/** The bank user's token: per tab too, and apart from the shopper's, so signing out of one never ends the other. */
export const userSessionTokenKey = 'tally.userSessionToken';

export function browserSessionTokenStorage(storage: Storage = window.sessionStorage, key: string = sessionTokenKey): SessionTokenStorage {
  return {
    read: () => storage.getItem(key),
    write: (token) => storage.setItem(key, token),
    forget: () => storage.removeItem(key),
  };
}

export function browserUserTokenStorage(storage: Storage = window.sessionStorage): SessionTokenStorage {
  return browserSessionTokenStorage(storage, userSessionTokenKey);
}

/** For tests and for browsers that refuse storage: the token lives as long as the page. */
export function memorySessionTokenStorage(): SessionTokenStorage {
  let token: string | null = null;
  return {
    read: () => token,
    write: (value) => {
      token = value;
    },
    forget: () => {
      token = null;
    },
  };
}
