#!/usr/bin/env node
// Entry point of vigil-agent. V8's lite mode (no optimising compiler, smaller code caches) must be set
// before the rest of the agent is loaded: the agent is I/O bound, and on a clinical workstation a smaller
// footprint (~10 MB less RSS, measured by npm run bench:agent) matters more than peak JavaScript speed.
import v8 from 'node:v8';

v8.setFlagsFromString('--lite-mode');
await import('./cli.js');
