// Tollgate's version, read from package.json. Its own module so that `tollgate --version` and the
// CLI's start do not load the engine to print it.
import { createRequire } from 'node:module';

export const VERSION: string = (createRequire(import.meta.url)('../package.json') as { version: string }).version;
