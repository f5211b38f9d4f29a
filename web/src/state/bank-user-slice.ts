import type { UserView } from '../../../shared/protocol.ts';
import type { TallySliceCreator } from './store.ts';

/** `resuming`: a stored bank token is being presented, so the bank page shows neither the form nor accounts yet. */
export type UserStatus = 'signedOut' | 'resuming' | 'signedIn';

export interface BankUserSlice {
  userStatus: UserStatus;
  user: UserView | null;
  /** Grows with every sign-in and every resume (each reconnect), so the bank views know to load afresh. */
  userEpoch: number;
  userResuming: () => void;
  userSignedIn: (user: UserView) => void;
  userSignedOut: () => void;
}

export const createBankUserSlice: TallySliceCreator<BankUserSlice> = (set, get) => ({
  userStatus: 'signedOut',
  user: null,
  userEpoch: 0,
  userResuming: () => set({ userStatus: 'resuming' }),
  userSignedIn: (user) => set({ userStatus: 'signedIn', user, userEpoch: get().userEpoch + 1 }),
  userSignedOut: () => set({ userStatus: 'signedOut', user: null }),
});
