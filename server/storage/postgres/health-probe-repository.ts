import type { HealthProbeRepository } from '../../observability/health-probe-repository.ts';
import type { PostgresConnection } from './connection.ts';

/** The readiness probe's one row, in PostgreSQL. */
export class PostgresHealthProbeRepository implements HealthProbeRepository {
  readonly #query: () => PostgresConnection;

  /** `query`: the connection to use now (the batch's reserved one inside a transaction, else the pool). */
  constructor(query: () => PostgresConnection) {
    this.#query = query;
  }

  async record(probedAt: string, commitSeq: number): Promise<void> {
    const sql = this.#query();
    const { count } = await sql`UPDATE health_probe SET probed_at = ${probedAt}, commit_seq = ${commitSeq} WHERE id = 1`;
    if (count !== 1) throw new Error(`the health_probe row is missing (updated ${count} rows)`);
  }
}
