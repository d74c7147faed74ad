#!/usr/bin/env node
// Entry point of the `gentrack-sf` CLI. The project runs its TypeScript sources through tsx: no build step.
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
