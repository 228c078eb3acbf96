#!/usr/bin/env node
// Runs the TypeScript CLI through tsx's loader (a dependency), so `npx tollgate` and
// `npm start` work straight from a clone with no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
