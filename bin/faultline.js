#!/usr/bin/env node
import('../dist/runner/cli/main.js').then((m) => m.main(process.argv));
