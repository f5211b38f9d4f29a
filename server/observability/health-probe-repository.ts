/** The readiness probe's one row, written inside a unit of work like any request's effect. */
export interface HealthProbeRepository {
  /** Rewrites the row; the write is the point, what it holds only helps a person reading the database. */
  record(probedAt: string, commitSeq: number): Promise<void>;
}
