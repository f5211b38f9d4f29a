import { z } from 'zod';

/**
 * The server's Content-Security-Policy forbids eval. Zod probes `new Function` when a schema is built
 * (at import time of shared/protocol.ts), and the browser reports that probe as a CSP violation even
 * though zod catches it. Jitless parsing is plenty fast for a few frames a second. main.tsx imports
 * this module first, so it runs before any schema exists.
 */
z.config({ jitless: true });
