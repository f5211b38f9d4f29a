import type { AccountView, ProductView, TransactionView } from '../../shared/protocol.ts';

/** An account's new state and who may see it. */
export interface AccountChange {
  view: AccountView;
  /** Null for the bank's own (system) accounts, which only the auditor sees. */
  ownerUserId: number | null;
}

/** Latest state of every entity a commit changed, each once, and the ledger rows it added. */
export interface ChangedEntities {
  products: ProductView[];
  accounts: AccountChange[];
  transactions: TransactionView[];
}

/** Collects the entities one operation changed; kept only if the operation succeeds. */
export class ChangeRecorder {
  readonly products = new Map<number, ProductView>();
  readonly accounts = new Map<string, AccountChange>();
  readonly transactions: TransactionView[] = [];

  product(view: ProductView): void {
    this.products.set(view.id, view);
  }

  account(change: AccountChange): void {
    this.accounts.set(change.view.number, change);
  }

  transaction(view: TransactionView): void {
    this.transactions.push(view);
  }

  mergeFrom(other: ChangeRecorder): void {
    for (const view of other.products.values()) this.product(view);
    for (const change of other.accounts.values()) this.account(change);
    for (const view of other.transactions) this.transaction(view);
  }

  toChangedEntities(): ChangedEntities {
    return { products: [...this.products.values()], accounts: [...this.accounts.values()], transactions: [...this.transactions] };
  }
}
