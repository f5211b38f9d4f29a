import type { FuzzConnection, Reply } from './fuzz-connection.ts';

/** Who a fuzzing connection is at the start of every round. */
export interface Identity {
  readonly role: string;
  establish(connection: FuzzConnection): Promise<void>;
}

export const anonymous: Identity = { role: 'anonymous', establish: async () => {} };

/**
 * A signed-in user. Resumes its session; a fuzzed `auth.signOut` may have ended that session, and
 * then it signs in again (scrypt, about 50 ms) and keeps the new token.
 */
export function signedIn(role: string, credentials: { username: string; password: string; sessionToken: string }): Identity {
  return {
    role,
    async establish(connection) {
      const resumed = await connection.call('auth.resume', { sessionToken: credentials.sessionToken });
      if (resumed.type === 'result') return;
      if (resumed.code !== 'session_not_found') throw refused(connection, 'auth.resume', resumed);
      const again = await connection.call('auth.signIn', { username: credentials.username, password: credentials.password });
      if (again.type !== 'result') throw refused(connection, 'auth.signIn', again);
      credentials.sessionToken = (again.result as { sessionToken: string }).sessionToken;
    },
  };
}

/** A shopper session (shopper sessions are never ended). */
export function shopper(sessionToken: string): Identity {
  return {
    role: 'shopper',
    async establish(connection) {
      const resumed = await connection.call('session.resume', { sessionToken });
      if (resumed.type !== 'result') throw refused(connection, 'session.resume', resumed);
    },
  };
}

function refused(connection: FuzzConnection, type: string, reply: Reply): Error {
  return new Error(`${connection.label}: could not become ${connection.identity.role}: ${type} answered ${JSON.stringify(reply).slice(0, 300)}`);
}
