import type { EdgeLimits } from '../../shared/limits.ts';

/** A session's holder (a user or a shopper) and the times that decide when it ends (ISO 8601, UTC). */
export interface SessionTimes<Holder> {
  holder: Holder;
  createdAt: string;
  lastUsedAt: string;
}

/** How long a session may go unused, and how long it may live at all. */
export interface SessionLifetime {
  idleMs: number;
  absoluteMs: number;
}

export const userSessionLifetime = (limits: EdgeLimits): SessionLifetime => ({ idleMs: limits.userSessionIdleMs, absoluteMs: limits.userSessionAbsoluteMs });
export const shopperSessionLifetime = (limits: EdgeLimits): SessionLifetime => ({
  idleMs: limits.shopperSessionIdleMs,
  absoluteMs: limits.shopperSessionAbsoluteMs,
});

/**
 * The cutoffs, as stored text: a session last used before `unusedSince`, or created at or before
 * `createdBy`, has ended. ISO 8601 UTC strings of one format sort as the times they name.
 */
export function expiryCutoffs(now: Date, lifetime: SessionLifetime): { unusedSince: string; createdBy: string } {
  return {
    unusedSince: new Date(now.getTime() - lifetime.idleMs).toISOString(),
    createdBy: new Date(now.getTime() - lifetime.absoluteMs).toISOString(),
  };
}

export function sessionEnded(times: Pick<SessionTimes<unknown>, 'createdAt' | 'lastUsedAt'>, now: Date, lifetime: SessionLifetime): boolean {
  const { unusedSince, createdBy } = expiryCutoffs(now, lifetime);
  return times.lastUsedAt < unusedSince || times.createdAt <= createdBy;
}
