import { startTallyServer } from './app.ts';
import { helpText, parseCommandLine } from './config.ts';
import { createLogger } from './observability/logger.ts';

const logger = createLogger();

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
  const server = await startTallyServer({ ...options, logger });
  // The harnesses that start a server process (tests, torture, bench) wait for this message.
  logger.info(
    { url: server.url, webSocketUrl: server.webSocketUrl, databasePath: options.databasePath },
    `Tally is listening on ${server.url} (WebSocket ${server.webSocketUrl}), database ${options.databasePath}`,
  );

  const shutDown = (signal: string) => {
    logger.info({ signal }, 'stopping: finishing in-flight commits first');
    server.close().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.fatal({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutDown('SIGINT'));
  process.once('SIGTERM', () => shutDown('SIGTERM'));
}

main().catch((error: unknown) => {
  logger.fatal({ err: error }, 'Tally could not start');
  process.exit(1);
});
