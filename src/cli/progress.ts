/**
 * Progress for long CLI tasks: a cli-progress bar on a terminal; plain, complete lines otherwise (logs, CI, pipes),
 * where a redrawn bar would print control codes or half-filled templates. Plain lines go out when a step starts,
 * at most every tenth of its work, and when it ends.
 */
import { MultiBar, Presets, type SingleBar } from 'cli-progress';

/** One task's progress, made of steps (e.g. a migration's "reading the graph", then each step). */
export interface Progress {
  /** Starts a step of `total` units, `done` of them already done (resumed work). */
  step(name: string, total: number, done?: number): void;
  update(done: number): void;
  /** Marks the current step complete. */
  finish(): void;
  /** Ends the display (idempotent). */
  stop(): void;
}

/** A Progress writing to `stream` (stderr by default), as a bar when it is a terminal. */
export function createProgress(task: string, stream: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr): Progress {
  return stream.isTTY ? barProgress(stream) : lineProgress(task, stream);
}

function barProgress(stream: NodeJS.WritableStream): Progress {
  const bars = new MultiBar({ clearOnComplete: false, hideCursor: true, stream: stream as NodeJS.WriteStream, format: ' {bar} {percentage}% | {value}/{total} | {step}' }, Presets.shades_classic);
  let bar: SingleBar | undefined;
  let stopped = false;
  return {
    step(name, total, done = 0) {
      bar = bars.create(Math.max(total, 1), Math.min(done, Math.max(total, 1)), { step: name });
    },
    update(done) {
      if (bar) bar.update(Math.min(done, bar.getTotal()));
    },
    finish() {
      if (bar) bar.update(bar.getTotal());
    },
    stop() {
      if (stopped) return;
      stopped = true;
      bars.stop();
    },
  };
}

function lineProgress(task: string, stream: NodeJS.WritableStream): Progress {
  let name = '';
  let total = 0;
  let done = 0;
  let lastShown = -1;
  let open = false;
  const show = (): void => {
    const pct = total > 0 ? Math.floor((100 * done) / total) : 100;
    stream.write(`${task}: ${name} ${done}/${total} (${pct}%)\n`);
    lastShown = done;
  };
  const finish = (): void => {
    if (!open) return;
    done = total;
    if (lastShown !== done) show();
    open = false;
  };
  return {
    step(n, t, d = 0) {
      finish();
      name = n;
      total = Math.max(0, t);
      done = Math.min(d, total);
      open = true;
      show();
    },
    update(d) {
      done = Math.min(d, total);
      if (done - lastShown >= Math.max(1, Math.ceil(total / 10))) show();
    },
    finish,
    stop() {
      // Lines are complete as written; nothing to tear down.
    },
  };
}
