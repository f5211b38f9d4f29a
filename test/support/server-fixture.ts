import { afterEach } from 'vitest';
import type { NewProduct } from '../../server/store/store-repository.ts';
import { TestClient } from './test-client.ts';
import { startTestServer, type TestServer, type TestServerSettings } from './test-server.ts';

export interface ServerFixture {
  /** The server the running test started. */
  readonly server: TestServer;
  start(products?: readonly NewProduct[], settings?: TestServerSettings): Promise<TestServer>;
  /** Opens `count` clients to the server; they are closed after the test. */
  connect(count: number): Promise<TestClient[]>;
  /** Closes these clients after the test, too. */
  track(...clients: TestClient[]): void;
}

/** One real server per test, with every client and the server closed after it, pass or fail. */
export function useTestServer(): ServerFixture {
  let current: TestServer | undefined;
  const clients: TestClient[] = [];

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await current?.dispose();
    current = undefined;
  });

  const fixture: ServerFixture = {
    get server() {
      if (current === undefined) throw new Error('start the test server first');
      return current;
    },
    async start(products, settings) {
      current = await startTestServer(products, settings);
      return current;
    },
    async connect(count) {
      const connected = await Promise.all(Array.from({ length: count }, () => TestClient.connect(fixture.server.webSocketUrl)));
      clients.push(...connected);
      return connected;
    },
    track(...tracked) {
      clients.push(...tracked);
    },
  };
  return fixture;
}
