/** The shopper session token, kept per tab (sessionStorage), so every tab is its own shopper. */
export interface SessionTokenStorage {
  read: () => string | null;
  write: (token: string) => void;
  forget: () => void;
}

export const sessionTokenKey = 'tally.sessionToken';

export function browserSessionTokenStorage(storage: Storage = window.sessionStorage): SessionTokenStorage {
  return {
    read: () => storage.getItem(sessionTokenKey),
    write: (token) => storage.setItem(sessionTokenKey, token),
    forget: () => storage.removeItem(sessionTokenKey),
  };
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
