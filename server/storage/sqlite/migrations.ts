import type Database from 'better-sqlite3';
import { renumberAccounts } from './renumber-accounts.ts';

/**
 * SQL, or a function for what SQL alone cannot do (drawing random account numbers); each runs in
 * the transaction that also counts it applied.
 */
export type Migration = string | ((database: Database.Database) => void);

/**
 * Schema migrations, applied in order; the database's `user_version` counts those applied.
 * Never edit a migration that has shipped: add a new one.
 *
 * Constraints restate the invariants so the database itself refuses a bug:
 * stock and quantities are never negative, versions start at 1.
 */
export const migrations: readonly Migration[] = [
  `
  CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value INTEGER NOT NULL
  ) STRICT;
  INSERT INTO meta (key, value) VALUES ('commit_seq', 0);

  CREATE TABLE products (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL,
    description TEXT    NOT NULL,
    emoji       TEXT    NOT NULL,
    price_cents INTEGER NOT NULL CHECK (price_cents >= 0),
    stock       INTEGER NOT NULL CHECK (stock >= 0),
    version     INTEGER NOT NULL CHECK (version >= 1)
  ) STRICT;

  CREATE TABLE shoppers (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    address    TEXT NOT NULL,
    token_hash BLOB NOT NULL UNIQUE,
    created_at TEXT NOT NULL
  ) STRICT;

  CREATE TABLE cart_lines (
    shopper_id INTEGER NOT NULL REFERENCES shoppers (id),
    product_id INTEGER NOT NULL REFERENCES products (id),
    quantity   INTEGER NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (shopper_id, product_id)
  ) STRICT;

  CREATE TABLE orders (
    id           INTEGER PRIMARY KEY,
    shopper_id   INTEGER NOT NULL REFERENCES shoppers (id),
    ship_name    TEXT    NOT NULL,
    ship_address TEXT    NOT NULL,
    total_cents  INTEGER NOT NULL CHECK (total_cents >= 0),
    placed_at    TEXT    NOT NULL
  ) STRICT;
  CREATE INDEX orders_by_shopper ON orders (shopper_id, id);

  CREATE TABLE order_lines (
    order_id         INTEGER NOT NULL REFERENCES orders (id),
    product_id       INTEGER NOT NULL REFERENCES products (id),
    name             TEXT    NOT NULL,
    unit_price_cents INTEGER NOT NULL CHECK (unit_price_cents >= 0),
    quantity         INTEGER NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (order_id, product_id)
  ) STRICT;
  `,
  `
  CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    password_hash BLOB NOT NULL,
    password_salt BLOB NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('customer', 'auditor')),
    created_at    TEXT NOT NULL
  ) STRICT;

  CREATE TABLE user_sessions (
    token_hash BLOB PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL
  ) STRICT;

  -- Checking and savings are credit-normal (the bank owes the owner the balance); loans and the
  -- system cash account are debit-normal (owed to the bank / held by it). Entries are signed:
  -- debit > 0, credit < 0, and each account's balance = its normal sign x the sum of its entries.
  CREATE TABLE accounts (
    id            INTEGER PRIMARY KEY,
    number        TEXT    NOT NULL UNIQUE,
    kind          TEXT    NOT NULL CHECK (kind IN ('checking', 'savings', 'loan', 'system')),
    owner_user_id INTEGER REFERENCES users (id),
    balance_cents INTEGER NOT NULL,
    version       INTEGER NOT NULL CHECK (version >= 1),
    opened_at     TEXT    NOT NULL,
    CHECK (kind = 'system' OR (owner_user_id IS NOT NULL AND balance_cents >= 0))
  ) STRICT;
  CREATE INDEX accounts_by_owner ON accounts (owner_user_id);

  CREATE TABLE ledger_transactions (
    id              INTEGER PRIMARY KEY,
    kind            TEXT    NOT NULL,
    amount_cents    INTEGER NOT NULL CHECK (amount_cents >= 0),
    from_account_id INTEGER REFERENCES accounts (id),
    to_account_id   INTEGER REFERENCES accounts (id),
    user_id         INTEGER NOT NULL REFERENCES users (id),
    request_id      TEXT,
    created_at      TEXT    NOT NULL,
    commit_seq      INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX ledger_transactions_by_kind ON ledger_transactions (kind, id);

  CREATE TABLE ledger_entries (
    id             INTEGER PRIMARY KEY,
    transaction_id INTEGER NOT NULL REFERENCES ledger_transactions (id),
    account_id     INTEGER NOT NULL REFERENCES accounts (id),
    amount_cents   INTEGER NOT NULL CHECK (amount_cents <> 0)
  ) STRICT;
  CREATE INDEX ledger_entries_by_account ON ledger_entries (account_id, transaction_id);
  CREATE INDEX ledger_entries_by_transaction ON ledger_entries (transaction_id);

  -- Money entering or leaving the bank passes through this account.
  INSERT INTO accounts (id, number, kind, owner_user_id, balance_cents, version, opened_at)
  VALUES (1, '00000001', 'system', NULL, 0, 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
  `,
  `
  -- Sessions are capped per user (userSessionsMax): find a user's sessions without a scan.
  CREATE INDEX user_sessions_by_user ON user_sessions (user_id);
  `,
  `
  -- Exactly once: every keyed request's outcome, stored in the same commit as its effect (or, for a
  -- refusal, in the commit that answered it). A repeat of the key gets this outcome back; a repeat
  -- with another body (body_digest) is refused. Scope is the issuer ('u<user id>' or 's<shopper id>'),
  -- so nobody can read or collide with another's keys. Kept as long as the ledger and the orders.
  -- Rows are appended in commit order (a rowid table) and only the small key goes into the unique
  -- index, request_id first: clients make keys time first, so the index grows at one end. A batch
  -- of 64 transfers then writes 0.43 MiB; clustered by (scope, request_id) WITHOUT ROWID it wrote
  -- 1.1 MiB (rows of ~500 bytes split leaves all over the tree).
  CREATE TABLE request_outcomes (
    id          INTEGER PRIMARY KEY,
    scope       TEXT    NOT NULL,
    request_id  TEXT    NOT NULL,
    body_digest BLOB    NOT NULL,
    commit_seq  INTEGER NOT NULL,
    outcome     TEXT    NOT NULL
  ) STRICT;
  CREATE UNIQUE INDEX request_outcomes_by_key ON request_outcomes (request_id, scope);

  -- Orders carry the key of the checkout that placed them and their commit, like ledger rows.
  ALTER TABLE orders ADD COLUMN request_id TEXT;
  ALTER TABLE orders ADD COLUMN commit_seq INTEGER NOT NULL DEFAULT 0;

  -- Resume: the commit that last changed each product and account, and the ledger by commit.
  ALTER TABLE products ADD COLUMN changed_seq INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE accounts ADD COLUMN changed_seq INTEGER NOT NULL DEFAULT 0;
  CREATE INDEX products_by_changed_seq ON products (changed_seq);
  CREATE INDEX accounts_by_changed_seq ON accounts (changed_seq);
  CREATE INDEX ledger_transactions_by_seq ON ledger_transactions (commit_seq, id);

  -- Names this database, so a tab that resumes against another one (a new data folder) is told to
  -- take a fresh snapshot instead of applying positions that mean nothing here. 48 random bits.
  INSERT INTO meta (key, value) VALUES ('database_id', random() & 281474976710655);
  `,
  `
  -- Readiness (/readyz): one row, rewritten through the unit of work, proves that a commit and its
  -- sync still work. One row, so probing never grows the database.
  CREATE TABLE health_probe (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    probed_at  TEXT    NOT NULL,
    commit_seq INTEGER NOT NULL
  ) STRICT;
  INSERT INTO health_probe (id, probed_at, commit_seq) VALUES (1, '', 0);
  `,
  // Random account numbers with check digits (issue 16); see renumber-accounts.ts for what it keeps valid.
  renumberAccounts,
  `
  -- Sessions end when unused too long and at an absolute age (edgeLimitDefaults in shared/limits.ts).
  -- last_used_at: when a tab last held the session (marked once a sessionSweepIntervalMs).
  -- A shopper row stays once its session ends (its orders name it): ended_at marks the end.
  ALTER TABLE user_sessions ADD COLUMN last_used_at TEXT;
  UPDATE user_sessions SET last_used_at = created_at;
  ALTER TABLE shoppers ADD COLUMN last_used_at TEXT;
  ALTER TABLE shoppers ADD COLUMN ended_at TEXT;
  UPDATE shoppers SET last_used_at = created_at;
  CREATE INDEX shoppers_open_by_last_use ON shoppers (last_used_at) WHERE ended_at IS NULL;
  `,
];
