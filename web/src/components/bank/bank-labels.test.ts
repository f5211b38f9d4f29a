import { describe, expect, it } from 'vitest';
import { accountOptionLabel, endpointLabel, transactionTitle } from './bank-labels.ts';

describe('bank labels', () => {
  it('names an account by number, kind and balance, a loan by what it owes', () => {
    expect(accountOptionLabel({ number: '204815739688', kind: 'checking', balanceCents: 256_500 })).toBe('204815739688 · Checking · $2,565.00');
    expect(accountOptionLabel({ number: '528306914784', kind: 'loan', balanceCents: 460_000 })).toBe('528306914784 · Loan · owes $4,600.00');
  });

  it('names transactions and their ends', () => {
    expect(transactionTitle({ id: 57, kind: 'transfer', amountCents: 1_234 })).toBe('Transfer #57 of $12.34');
    expect(endpointLabel(null)).toBe('Outside the bank');
    expect(endpointLabel('317592046862')).toBe('317592046862');
  });
});
