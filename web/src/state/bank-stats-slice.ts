import type { BankStats } from '../../../shared/protocol.ts';
import type { TallySliceCreator } from './store.ts';

export interface BankStatsSlice {
  /** Null until the first `welcome`. */
  bankStats: BankStats | null;
  /** The `seq` the held stats came with; an older `stats` frame cannot replace newer numbers. */
  bankStatsSeq: number;
  /** A `welcome` snapshot: always taken (a new connection starts afresh). */
  replaceBankStats: (stats: BankStats, seq: number) => void;
  /** A `stats` frame: taken unless the held numbers are from a newer commit. */
  applyBankStats: (stats: BankStats, seq: number) => void;
}

export const createBankStatsSlice: TallySliceCreator<BankStatsSlice> = (set, get) => ({
  bankStats: null,
  bankStatsSeq: 0,
  replaceBankStats: (bankStats, seq) => set({ bankStats, bankStatsSeq: seq }),
  applyBankStats: (bankStats, seq) => {
    if (seq < get().bankStatsSeq) return;
    set({ bankStats, bankStatsSeq: seq });
  },
});
