import type { AccountView } from '../../shared/protocol.ts';
import type { AccountState } from './rules.ts';

/** What clients see of an account. The bank's own system account is never shown. */
export function accountView(account: AccountState): AccountView {
  if (account.kind === 'system') throw new Error(`system account ${account.number} is not shown to clients`);
  return {
    number: account.number,
    kind: account.kind,
    ownerUsername: account.ownerUsername,
    balanceCents: account.balanceCents,
    version: account.version,
    openedAt: account.openedAt,
  };
}
