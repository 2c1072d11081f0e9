#!/usr/bin/env node
'use strict';
// The CLI is built with the rest of the app (npm install runs the build via "prepare").
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const cli = join(__dirname, '../dist/main/cli.js');
if (!existsSync(cli)) {
  console.error('descent: the app is not built yet; run `npm run build` in ' + join(__dirname, '..'));
  process.exit(2);
}
require(cli).main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
