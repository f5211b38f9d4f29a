import type postgres from 'postgres';

/**
 * What a repository queries through: the pool (`PostgresDatabase`, for reads), the connection a
 * batch has reserved (inside its transaction), or a transaction. Every one of them runs
 * tagged-template queries the same way.
 */
export type PostgresConnection = postgres.ISql;
