import { describe, expect, it } from 'vitest';
import { planCluster } from './cluster.ts';
import { UsageError } from './usage-error.ts';

const database = 'postgres://postgres@127.0.0.1:5432/test';

describe('npm run cluster: the plan', () => {
  it('gives each node a consecutive port, the shared database, every endpoint and every origin, and passes the rest through', () => {
    const plan = planCluster(['--nodes', '3', '--database', database, '--port', '9100', '--', '--limit', 'connectionsPerAddressMax=500'], {});
    if (plan === 'help') throw new Error('expected a plan');
    expect(plan.urls).toEqual(['ws://127.0.0.1:9100/ws', 'ws://127.0.0.1:9101/ws', 'ws://127.0.0.1:9102/ws']);
    expect(plan.nodes.map((node) => node.port)).toEqual([9100, 9101, 9102]);
    const second = plan.nodes[1]!.args;
    expect(second.slice(0, 6)).toEqual(['--host', '127.0.0.1', '--port', '9101', '--database', database]);
    expect(second.filter((arg, index) => second[index - 1] === '--endpoint')).toEqual(plan.urls);
    expect(second.filter((arg, index) => second[index - 1] === '--allowed-origin')).toEqual(['http://127.0.0.1:9100', 'http://127.0.0.1:9101', 'http://127.0.0.1:9102']);
    expect(second.slice(-2)).toEqual(['--limit', 'connectionsPerAddressMax=500']);
  });

  it('takes the database from DATABASE_PATH when no --database is given', () => {
    const plan = planCluster(['--nodes', '2'], { DATABASE_PATH: database });
    expect(plan !== 'help' && plan.nodes[0]!.args.includes(database)).toBe(true);
  });

  it('refuses a SQLite file, a missing database, and node counts or ports out of range, naming the problem', () => {
    expect(() => planCluster(['--database', 'data/tally.sqlite'], {})).toThrow(/must be a postgres:\/\/ URL.*one process/);
    expect(() => planCluster([], {})).toThrow(/--database is required/);
    expect(() => planCluster(['--nodes', '0', '--database', database], {})).toThrow(/--nodes must be a whole number from 1 to 16/);
    expect(() => planCluster(['--nodes', '2', '--port', '65535', '--database', database], {})).toThrow(/no room for 2 consecutive ports/);
    expect(() => planCluster(['--nodes', '2', '--bogus', '--database', database], {})).toThrow(UsageError);
  });
});
