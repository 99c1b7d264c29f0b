#!/usr/bin/env node
import module from 'node:module';
// Node >= 22.1 keeps V8's compiled code of the modules between runs (in the OS temp folder); Node 20 has no such cache
module.enableCompileCache?.();
import('../dist/runner/cli/main.js').then((m) => m.main(process.argv));
