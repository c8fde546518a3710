#!/usr/bin/env node
// The `umbral` command: the compiled CLI lives in dist/ (built by `npm install` through `prepare`).
import '../dist/src/cli/main.js';
