import type { EdgeLimits } from '../../shared/limits.ts';
import type { OperationRunner } from '../operations/operation-runner.ts';
import { succeed } from '../operations/outcome.ts';
import { expiryCutoffs, shopperSessionLifetime, userSessionLifetime } from './session-expiry.ts';

/** The sessions open tabs hold: user sessions by token hash, shopper sessions by shopper id. */
export interface HeldSessions {
  userTokenHashes: Buffer[];
  shopperIds: number[];
}

/** Of the held sessions, those that have ended (past their absolute age, or deleted). */
export interface EndedSessions {
  userTokenHashes: Set<string>;
  shopperIds: Set<number>;
}

/**
 * Once a sessionSweepIntervalMs, in one commit: marks the sessions open tabs hold as used (so a
 * session ends only once no tab has used it for its idle time), then ends every expired session
 * and empties the carts of expired shoppers. Answers which held sessions ended, so their tabs can
 * be told at once.
 */
export async function sweepSessions(runner: OperationRunner, limits: EdgeLimits, held: HeldSessions): Promise<EndedSessions & { deleted: number }> {
  const { outcome } = await runner.run([], async ({ users: userRepository, store, now }) => {
    const at = now();
    const usedAt = at.toISOString();
    const users = expiryCutoffs(at, userSessionLifetime(limits));
    const shoppers = expiryCutoffs(at, shopperSessionLifetime(limits));
    const markedUsers = new Set((await userRepository.markSessionsUsed(held.userTokenHashes, usedAt, users.createdBy)).map((hash) => hash.toString('hex')));
    const markedShoppers = new Set(await store.markShoppersUsed(held.shopperIds, usedAt, shoppers.createdBy));
    const deleted =
      (await userRepository.deleteExpiredSessions(users.unusedSince, users.createdBy)) +
      (await store.endExpiredShoppers(shoppers.unusedSince, shoppers.createdBy, usedAt));
    return succeed({
      userTokenHashes: new Set(held.userTokenHashes.map((hash) => hash.toString('hex')).filter((hash) => !markedUsers.has(hash))),
      shopperIds: new Set(held.shopperIds.filter((id) => !markedShoppers.has(id))),
      deleted,
    });
  });
  if (!outcome.ok) throw new Error(`the session sweep failed: ${outcome.failure.message}`);
  return outcome.value;
}
