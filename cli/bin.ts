#!/usr/bin/env node
import { main } from './main.js';

// A closed pipe (`pibinn-compile run ... | head`) ends the output quietly, as for any Unix tool.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

process.exitCode = await main(process.argv.slice(2));
