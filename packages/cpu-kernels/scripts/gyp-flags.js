#!/usr/bin/env node
// Prints what binding.gyp adds for the oneDNN kernels (one item per line, for gyp's <!@ expansion), or nothing:
// scripts/build.js sets POLYTASK_WITH_ONEDNN=1 when it found oneDNN's headers.
const kind = process.argv[2];
const on = process.env.POLYTASK_WITH_ONEDNN === '1';
const flags = { defines: ['POLYTASK_ONEDNN'], libraries: ['-ldnnl'] };
if (on && flags[kind]) console.log(flags[kind].join('\n'));
