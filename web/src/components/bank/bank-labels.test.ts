import { describe, expect, it } from 'vitest';
import { accountOptionLabel, endpointLabel, rateLabel, transactionTitle } from './bank-labels.ts';

describe('bank labels', () => {
  it('names an account by number, kind and balance, a loan by what it owes', () => {
    expect(accountOptionLabel({ number: '10000002', kind: 'checking', balanceCents: 256_500 })).toBe('10000002 · Checking · $2,565.00');
    expect(accountOptionLabel({ number: '10000005', kind: 'loan', balanceCents: 460_000 })).toBe('10000005 · Loan · owes $4,600.00');
  });

  it('names transactions and their ends', () => {
    expect(transactionTitle({ id: 57, kind: 'transfer', amountCents: 1_234 })).toBe('Transfer #57 of $12.34');
    expect(endpointLabel(null)).toBe('Outside the bank');
    expect(endpointLabel('10000003')).toBe('10000003');
  });

  it('shows the operation rate with one decimal', () => {
    expect(rateLabel(0)).toBe('0.0');
    expect(rateLabel(12.25)).toBe('12.3');
  });
});
