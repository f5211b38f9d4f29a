import { describe, expect, it } from 'vitest';
import type { HealthProbeRepository } from '../../observability/health-probe-repository.ts';
import { type ContractFixture, freshFixtureEachTest } from './fixture.ts';

export interface HealthProbeFixture extends ContractFixture {
  repository: HealthProbeRepository;
  /** The probe row as a person reading the database sees it; `probedAt` as ISO 8601. */
  readRow(): Promise<{ probedAt: string; commitSeq: number } | undefined>;
  /** Deletes the probe row, as a damaged database would have lost it. */
  deleteRow(): Promise<void>;
}

/** What every engine's HealthProbeRepository must do. */
export function healthProbeRepositoryContract(makeRepository: () => Promise<HealthProbeFixture>): void {
  const fixture = freshFixtureEachTest(makeRepository);

  describe('HealthProbeRepository', () => {
    it('rewrites its one row with each probe', async () => {
      const { repository, readRow } = fixture();
      await repository.record('2026-11-25T12:00:00.000Z', 7);
      expect(await readRow()).toEqual({ probedAt: '2026-11-25T12:00:00.000Z', commitSeq: 7 });
      await repository.record('2026-11-25T12:00:05.123Z', 9);
      expect(await readRow()).toEqual({ probedAt: '2026-11-25T12:00:05.123Z', commitSeq: 9 });
    });

    it('throws when the row is missing, instead of reporting a probe it did not write', async () => {
      const { repository, deleteRow, readRow } = fixture();
      await deleteRow();
      await expect(repository.record('2026-11-25T12:00:00.000Z', 1)).rejects.toThrow('the health_probe row is missing (updated 0 rows)');
      expect(await readRow()).toBeUndefined();
    });
  });
}
