/**
 * Tally's store from the terminal: the online store seed's client, a dialogue that ends in one order.
 *
 *   npx tsx cli/shop.ts [--url ws://127.0.0.1:9000/ws]
 *   printf 'Ada\n1 Loop Lane\ny\n1\n2\nn\ny\n' | npx tsx cli/shop.ts
 *
 * Answers come from the prompts on a terminal, or one per line from a pipe (each is echoed after its
 * prompt, so the output reads like the conversation). Exit code 0 order placed or declined, 1 not
 * placed, 2 usage error. The conversation is cli/shop-dialogue.ts; this file is only the process.
 */
import { createInterface } from 'node:readline';
import { parseShopCommandLine, shopHelpText } from './shop-arguments.ts';
import { runShopDialogue, type DialogueIo, type ShopOutcome } from './shop-dialogue.ts';
import { ShopConnection } from './shop-store.ts';
import { RequestError } from './tally-client.ts';
import { UsageError, exitCodes } from './usage-error.ts';

async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseShopCommandLine(argv, process.env);
  if (parsed.help) {
    process.stdout.write(shopHelpText);
    return exitCodes.ok;
  }
  const io = processDialogueIo(process.stdin, process.stdout);
  try {
    if (io.interactive) io.say(`Connecting to ${parsed.urls.join(', ')} ...`);
    const store = await openStore(parsed.urls, io);
    if (store === null) return exitCodes.failed;
    try {
      return exitCodeOf(await runShopDialogue(io, store));
    } finally {
      await store.close();
    }
  } finally {
    io.close();
  }
}

async function openStore(urls: readonly string[], io: DialogueIo): Promise<ShopConnection | null> {
  try {
    return await ShopConnection.open(urls);
  } catch (error) {
    if (!(error instanceof RequestError)) throw error;
    io.say(`Sorry — ${error.message} No order was placed.`);
    return null;
  }
}

function exitCodeOf(outcome: ShopOutcome): number {
  switch (outcome.kind) {
    case 'placed':
    case 'declined':
      return exitCodes.ok;
    case 'not_placed':
    case 'outcome_unknown':
    case 'input_ended':
      return exitCodes.failed;
    default: {
      const unknown: never = outcome;
      throw new Error(`unknown outcome ${JSON.stringify(unknown)}`);
    }
  }
}

interface ProcessDialogueIo extends DialogueIo {
  readonly interactive: boolean;
  close(): void;
}

/**
 * Prompts and answers on stdin/stdout. On a terminal, readline edits the line and Ctrl-C or Ctrl-D
 * ends the answers; from a pipe, lines are taken as they come and each is echoed after its prompt.
 * Once the input ends every question is answered null, so the dialogue stops instead of waiting.
 */
function processDialogueIo(input: NodeJS.ReadStream, output: NodeJS.WriteStream): ProcessDialogueIo {
  const interactive = input.isTTY === true && output.isTTY === true;
  const lines = createInterface({ input, ...(interactive ? { output, terminal: true } : { terminal: false }) });
  const queued: string[] = [];
  let waiting: ((line: string | null) => void) | null = null;
  let ended = false;
  lines.on('line', (line) => {
    if (waiting === null) queued.push(line);
    else waiting(line);
    waiting = null;
  });
  lines.on('close', () => {
    ended = true;
    waiting?.(null);
    waiting = null;
  });
  // Without a listener readline only pauses on Ctrl-C; here it ends the answers, so the dialogue says where it stopped.
  lines.on('SIGINT', () => lines.close());
  const next = (): Promise<string | null> => {
    const line = queued.shift();
    if (line !== undefined) return Promise.resolve(line);
    if (ended) return Promise.resolve(null);
    return new Promise((resolve) => (waiting = resolve));
  };
  return {
    interactive,
    async ask(prompt) {
      if (interactive) {
        lines.setPrompt(prompt);
        lines.prompt();
      } else output.write(prompt);
      const line = await next();
      if (!interactive || line === null) output.write(`${line ?? ''}\n`);
      return line;
    },
    say: (line) => void output.write(`${line}\n`),
    close: () => lines.close(),
  };
}

main(process.argv.slice(2)).then(
  (exitCode) => {
    process.exitCode = exitCode;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`shop: ${error.message}\nRun with --help for usage.\n`);
      process.exitCode = exitCodes.usage;
      return;
    }
    process.stderr.write(`shop: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = exitCodes.failed;
  },
);
