import { afterEach, describe, expect, it } from 'vitest';
import { edgeLimitDefaults } from '../../../shared/limits.ts';
import { openTestSchema, type TestSchema } from '../../../test/support/postgres-schema.ts';
import { EdgeRateLimits } from '../../gateway/rate-limits.ts';
import { postgresLimiters } from './rate-limit-store.ts';

const schemas: TestSchema[] = [];

afterEach(async () => {
  await Promise.all(schemas.splice(0).map((schema) => schema.drop()));
});

/** Two processes' edges on one database: each its own pool, as two server processes would have. */
async function twoProcesses() {
  const first = await openTestSchema(2);
  schemas.push(first);
  const { openPostgres } = await import('./database.ts');
  const { testDatabaseUrl } = await import('../../../test/support/postgres-schema.ts');
  const second = await openPostgres(testDatabaseUrl, { schema: first.schema, connectionsMax: 2 });
  schemas.push({ schema: first.schema, sql: second, drop: () => second.end({ timeout: 5 }) });
  return [new EdgeRateLimits(edgeLimitDefaults, () => {}, postgresLimiters(first.sql)), new EdgeRateLimits(edgeLimitDefaults, () => {}, postgresLimiters(second))];
}

describe('rate limits on PostgreSQL, shared by every process', () => {
  it('makes a guesser wait on one process for the failed sign-ins made on another', async () => {
    const [here, there] = await twoProcesses();
    for (let failure = 0; failure < edgeLimitDefaults.signInFailuresFreeMax; failure += 1) {
      expect(await here!.checkSignIn('victim', '10.0.0.9')).toBeNull();
      await here!.signInFailed('victim', '10.0.0.9');
    }
    expect(await there!.checkSignIn('victim', '10.0.0.9')).toBeNull();
    await there!.signInFailed('victim', '10.0.0.9');
    const refused = await here!.checkSignIn('victim', '10.0.0.9');
    expect(refused?.limit).toBe('signInDelay');
    expect(refused!.retryAfterMs).toBeGreaterThan(0);
    expect(refused!.retryAfterMs).toBeLessThanOrEqual(edgeLimitDefaults.signInDelayInitialMs);
    // Another address for the same username is not made to wait by this pair's failures.
    expect(await there!.checkSignIn('victim', '10.0.0.10')).toBeNull();
  });

  it('counts registrations per address across processes, and a success clears the pair everywhere', async () => {
    const [here, there] = await twoProcesses();
    for (let registration = 0; registration < edgeLimitDefaults.registrationsPerAddressMax; registration += 1) {
      expect(await (registration % 2 === 0 ? here! : there!).takeRegistration('10.0.0.7')).toBeNull();
    }
    expect((await here!.takeRegistration('10.0.0.7'))?.limit).toBe('registrationsPerAddress');
    for (let failure = 0; failure <= edgeLimitDefaults.signInFailuresFreeMax; failure += 1) await here!.signInFailed('owner', '10.0.0.8');
    expect(await there!.checkSignIn('owner', '10.0.0.8')).not.toBeNull();
    await there!.signInSucceeded('owner', '10.0.0.8');
    expect(await here!.checkSignIn('owner', '10.0.0.8')).toBeNull();
  });
});
