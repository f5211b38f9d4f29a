import { describe, expect, it } from 'vitest';
import { accountOptionLabel, endpointLabel, transactionTitle } from './bank-labels.ts';

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
});
