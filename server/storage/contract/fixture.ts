import { afterEach, beforeEach } from 'vitest';

/** What a contract needs from an engine: its repository (and helpers), and a way to throw it all away. */
export interface ContractFixture {
  close(): Promise<void>;
}

/** A fresh fixture for each test of the calling `describe`, closed after it; answers a getter for the current one. */
export function freshFixtureEachTest<Fixture extends ContractFixture>(make: () => Promise<Fixture>): () => Fixture {
  let current: Fixture | undefined;
  beforeEach(async () => {
    current = await make();
  });
  afterEach(async () => {
    const fixture = current;
    current = undefined;
    await fixture?.close();
  });
  return () => {
    if (current === undefined) throw new Error('the fixture is only there inside a test');
    return current;
  };
}
