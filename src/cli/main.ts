#!/usr/bin/env node
console.error("magtrack: CLI under construction");
process.exit(2);
