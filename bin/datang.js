#!/usr/bin/env node
// Loads the TypeScript CLI through tsx in this same process, so `npx datang …` works from a checkout
// without a build step and signals reach the server directly.
import { register } from "tsx/esm/api";

register();
await import("../src/cli.ts");
