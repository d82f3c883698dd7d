/**
 * What Linux's /proc says of a process the bench started: its memory, its CPU time, and its main
 * thread's (the event loop's) own CPU time and wait for a CPU. Each reads 0 once the process is gone.
 */
import { readFileSync } from 'node:fs';

/** Resident memory of a process in KB (/proc/<pid>/status VmRSS), 0 if gone. */
export function rssKb(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** user + system CPU time in a /proc stat file (a process's or one thread's), ms; 0 if gone. */
function statCpuMs(path: string): number {
  try {
    const fields = readFileSync(path, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return 0;
  }
}

/** CPU time (user + system) of a process, every thread of it, in ms; 0 if gone. */
export function cpuMs(pid: number | undefined): number {
  return pid ? statCpuMs(`/proc/${pid}/stat`) : 0;
}

/**
 * CPU time of the process's main thread alone (Node's event loop), ms; 0 if gone. `cpuMs` less this
 * is its other threads: V8's (garbage collection, compilation), libuv's pool (fsyncs), workers.
 */
export function mainThreadCpuMs(pid: number | undefined): number {
  return pid ? statCpuMs(`/proc/${pid}/task/${pid}/stat`) : 0;
}

/**
 * Time the main thread spent runnable but waiting for a CPU (/proc/<pid>/schedstat), ms; 0 if
 * gone. On a core of its own, what it waits for is the process's other threads.
 */
export function runQueueMs(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1]) / 1e6;
  } catch {
    return 0;
  }
}
