// Loaded with `--import` in a child process: records every module URL under @opentelemetry/ that the process
// resolves, one per line, in the file named by TG_RECORD_IMPORTS — how a test proves the SDK was never loaded.
import { register } from 'node:module';

if (process.env.TG_RECORD_IMPORTS) register('./record-imports-hooks.mjs', import.meta.url, { data: { file: process.env.TG_RECORD_IMPORTS } });
