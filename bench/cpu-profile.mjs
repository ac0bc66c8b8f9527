/**
 * Preloaded (`--import`) into Hookflow's worker and web app when BENCH_PROFILE_DIR is set: a V8 CPU profile
 * of the process's main thread, written when it exits. (`--cpu-prof` itself is not allowed in NODE_OPTIONS.)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import path from 'node:path';
import { isMainThread } from 'node:worker_threads';

const dir = process.env.BENCH_PROFILE_DIR;
if (dir && isMainThread) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 500 });
  session.post('Profiler.start');
  process.on('exit', () => {
    // A session on its own thread answers synchronously, so the profile is written before the exit.
    session.post('Profiler.stop', (error, result) => {
      if (error) return;
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, `${path.basename(process.argv[1] ?? 'node')}-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
