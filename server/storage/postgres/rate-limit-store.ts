import { RateLimiterPostgres } from 'rate-limiter-flexible';
import type { LimiterFactory } from '../../gateway/rate-limits.ts';
import type { PostgresDatabase } from './database.ts';

/**
 * Rate limiters every process on this database shares, in the `rate_limits` table (migration 3),
 * through rate-limiter-flexible's own PostgreSQL limiter. It speaks node-postgres's pool interface;
 * this answers it from the `postgres` client Tally already uses.
 */
export function postgresLimiters(pool: PostgresDatabase): LimiterFactory {
  const storeClient = {
    async query({ text, values }: { text: string; values?: unknown[] }) {
      const rows = await pool.unsafe(text, (values ?? []) as never[]);
      return { rows: [...rows], rowCount: rows.count };
    },
  };
  return (options) =>
    new RateLimiterPostgres({ ...options, storeClient, storeType: 'pool', tableName: 'rate_limits', tableCreated: true, clearExpiredByTimeout: true });
}
