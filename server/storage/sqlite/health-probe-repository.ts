import type { HealthProbeRepository } from '../../observability/health-probe-repository.ts';
import type { SqliteDatabase } from './database.ts';

export class SqliteHealthProbeRepository implements HealthProbeRepository {
  readonly #update;

  constructor(database: SqliteDatabase) {
    this.#update = database.prepare<[string, number]>('UPDATE health_probe SET probed_at = ?, commit_seq = ? WHERE id = 1');
  }

  async record(probedAt: string, commitSeq: number): Promise<void> {
    const { changes } = this.#update.run(probedAt, commitSeq);
    if (changes !== 1) throw new Error(`the health_probe row is missing (updated ${changes} rows)`);
  }
}
