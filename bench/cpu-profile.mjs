/**
 * Preloaded (`--import`) into Hookflow's worker and web app when BENCH_PROFILE_DIR is set: a V8 CPU profile
 * of each thread (the worker runs workflows in a thread of its own). The main thread's is written when the
 * process exits; other threads may be terminated without an exit event, so theirs is written every 10 s,
 * one file per span. (`--cpu-prof` itself is not allowed in NODE_OPTIONS.)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import path from 'node:path';
import { isMainThread, threadId } from 'node:worker_threads';

const dir = process.env.BENCH_PROFILE_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 500 });
  session.post('Profiler.start');
  let span = 0;
  // A session on its own thread answers synchronously, so the profile is written before an exit.
  const write = () =>
    session.post('Profiler.stop', (error, result) => {
      if (error) return;
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, `${path.basename(process.argv[1] ?? 'node')}-${process.pid}-${threadId}-${span++}.cpuprofile`), JSON.stringify(result.profile));
    });
  if (isMainThread) process.on('exit', write);
  else
    setInterval(() => {
      write();
      session.post('Profiler.start');
    }, 10_000).unref();
}
