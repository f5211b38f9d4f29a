import type { BankRepository } from '../bank/bank-repository.ts';
import type { UserRepository } from '../users/user-repository.ts';
import type { StoreRepository } from '../store/store-repository.ts';
import type { HealthProbeRepository } from '../observability/health-probe-repository.ts';
import type { ChangeRecorder } from './changes.ts';

/**
 * What an operation may touch inside the unit of work. It must await nothing but these:
 * any other wait would hold the batch's transaction open across event-loop turns.
 */
export interface TallyContext {
  store: StoreRepository;
  bank: BankRepository;
  users: UserRepository;
  /** Only the readiness probe writes here. */
  healthProbe: HealthProbeRepository;
  changes: ChangeRecorder;
  now: () => Date;
  /** The sequence number this unit of work will commit with (for reads: the last committed one). */
  commitSeq: number;
}
