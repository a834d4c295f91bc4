#!/usr/bin/env node
// Entry point of vigil-agent. The memory settings (V8 lite mode, a small young generation) must be in
// place before the rest of the agent is loaded: the agent is I/O bound, and on a clinical workstation a
// smaller footprint matters more than peak JavaScript speed (agent/memory.ts, npm run bench:agent).
// No top-level await: build:agent bundles this file to CommonJS for Node's single-executable applications.
import { configureLowMemory } from './memory.js';

configureLowMemory();
void import('./cli.js');
