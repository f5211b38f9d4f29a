import { startTallyServer } from './app.ts';
import { helpText, parseCommandLine } from './config.ts';

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseCommandLine(process.argv.slice(2), process.env);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${helpText}`);
    process.exit(2);
  }
  if (parsed.help) {
    process.stdout.write(helpText);
    return;
  }
  const { options } = parsed;
  const server = await startTallyServer(options);
  console.log(`Tally is listening on ${server.url} (WebSocket ${server.webSocketUrl}), database ${options.databasePath}`);

  const shutDown = (signal: string) => {
    console.log(`${signal} received: finishing in-flight commits, then stopping`);
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('shutdown failed', error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutDown('SIGINT'));
  process.once('SIGTERM', () => shutDown('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(`Tally could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
