/**
 * The command line of cli/shop.ts: only where the server is. The order itself is a dialogue
 * (cli/shop-dialogue.ts), not arguments. A mistake here is a UsageError (exit code 2).
 */
import { parseArgs } from 'node:util';
import { lineQuantityMax } from '../shared/limits.ts';
import { defaultUrl, parseWebSocketUrls, urlListHelp } from './bank-arguments.ts';
import { UsageError } from './usage-error.ts';

export const shopHelpText = `Tally store from the terminal: the online store seed's client, as a dialogue.

Usage: npx tsx cli/shop.ts [--url <ws-url>[,<ws-url>...]]   (or: npm run shop -- --url <ws-url>)

Asks for your name and address, shows the products with their prices and live stock, lets you pick
products (by # or name) and quantities (1 to ${lineQuantityMax}), shows the order summary and total bill,
and places the order once you confirm. If another shopper bought the last units first, it says so
and offers to order what is left.

Answers are typed at the prompts, or piped one per line:
  printf 'Ada\\n1 Loop Lane\\ny\\n1\\n2\\nn\\ny\\n' | npx tsx cli/shop.ts

Options:
  --url <ws-url>    the server's WebSocket endpoint   TALLY_URL   default ${defaultUrl}
                    ${urlListHelp}
  -h, --help        show this help

Exit code: 0 order placed (or you chose not to order), 1 order not placed (another shopper was
first, the server refused or could not be reached, or the answers ended early), 2 usage error.
`;

export type ParsedShopCommandLine = { help: true } | { help: false; urls: string[] };

export function parseShopCommandLine(argv: readonly string[], env: NodeJS.ProcessEnv): ParsedShopCommandLine {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { url: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (parsed.values.help) return { help: true };
  return { help: false, urls: parseWebSocketUrls(parsed.values.url ?? env.TALLY_URL ?? defaultUrl) };
}
