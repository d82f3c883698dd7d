import { z } from 'zod';

/**
 * The desktop runs under a strict Content-Security-Policy (no `'unsafe-eval'`, issue 17). Zod
 * compiles object parsers with `new Function` unless told not to, and its probe for that alone is
 * reported as a violation. Imported first by `main.tsx`: the setting is read as schemas are built.
 */
z.config({ jitless: true });
