import type { AccountHolder, ResultOf } from './protocol.ts';

export type HoldersPageRequest = (afterUsername: string | null) => Promise<ResultOf<'audit.holders'>>;

/**
 * Every account holder, page after page (`audit.holders` answers at most auditHoldersPageMax at a
 * time), or null once `stillWanted` says the answer no longer matters (the auditor signed out).
 */
export async function fetchAllHolders(requestPage: HoldersPageRequest, stillWanted: () => boolean): Promise<AccountHolder[] | null> {
  const holders: AccountHolder[] = [];
  let afterUsername: string | null = null;
  do {
    const page: ResultOf<'audit.holders'> = await requestPage(afterUsername);
    if (!stillWanted()) return null;
    holders.push(...page.holders);
    afterUsername = page.nextAfterUsername;
  } while (afterUsername !== null);
  return holders;
}
