import { describe, expect, it } from 'vitest';
import type { AccountHolder } from './protocol.ts';
import { fetchAllHolders } from './account-holders.ts';

const holder = (username: string): AccountHolder => ({ username, accounts: [] });
const everyone = ['ada', 'ben', 'cyd', 'dee', 'eve'].map(holder);

/** A server that pages `everyone` two at a time, recording the cursors it was asked for. */
function pagedServer(pageSize = 2) {
  const cursors: Array<string | null> = [];
  const requestPage = async (afterUsername: string | null) => {
    cursors.push(afterUsername);
    const rest = everyone.filter((candidate) => afterUsername === null || candidate.username > afterUsername);
    const holders = rest.slice(0, pageSize);
    return { holders, nextAfterUsername: holders.length === pageSize ? holders.at(-1)!.username : null };
  };
  return { cursors, requestPage };
}

describe('fetchAllHolders', () => {
  it('follows nextAfterUsername until the last page and returns every holder once, in order', async () => {
    const server = pagedServer();
    expect(await fetchAllHolders(server.requestPage, () => true)).toEqual(everyone);
    expect(server.cursors).toEqual([null, 'ben', 'dee']);
  });

  it('stops asking, and answers null, once the answer is no longer wanted', async () => {
    const server = pagedServer();
    let wanted = true;
    const requestPage = async (afterUsername: string | null) => {
      const page = await server.requestPage(afterUsername);
      wanted = false;
      return page;
    };
    expect(await fetchAllHolders(requestPage, () => wanted)).toBeNull();
    expect(server.cursors).toEqual([null]);
  });
});
