/**
 * What Linux's /proc says of a process the bench started: its memory, its CPU time, and its main
 * thread's (the event loop's) own CPU time and wait for a CPU. Each reads 0 once the process is gone.
 */
import { readdirSync, readFileSync } from 'node:fs';

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
    return cpuMsOfStat(readFileSync(path, 'utf8'));
  } catch {
    return 0;
  }
}

/** user + system CPU time, ms, in the text of a /proc stat file (after the command in parentheses). */
function cpuMsOfStat(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
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
 * Bytes a process has handed to write calls (/proc/<pid>/io `wchar`), 0 if gone: for a SQLite
 * server, its WAL frames, its checkpoints' copies of them into the database, and its logs, whether
 * or not the kernel has put them on the disk yet.
 */
export function writtenBytes(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const match = /^wchar: (\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
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

/**
 * The machine's CPU time since boot (/proc/stat), ms: busy (user, nice, system, irq, softirq,
 * steal) and in all (busy plus idle and iowait), summed over every core.
 */
export function machineCpuMs(): { busy: number; all: number } {
  try {
    const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '')
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = fields;
    const busy = user + nice + system + irq + softirq + steal;
    return { busy: busy * 10, all: (busy + idle + iowait) * 10 };
  } catch {
    return { busy: 0, all: 0 };
  }
}

/**
 * CPU time (user + system) of every running process named `name` (/proc/<pid>/stat's command), ms:
 * for PostgreSQL, its backends and background processes together. Over a phase, a process started
 * during it counts whole (all its time is the phase's); one that ended during it is lost, its time
 * before the phase subtracted too, so the difference can read low (never for the bench's own
 * server and its pooled connections, which live through every phase).
 */
export function cpuMsOfProcesses(name: string): number {
  let total = 0;
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry));
  } catch {
    return 0;
  }
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) === name) total += cpuMsOfStat(stat);
    } catch {
      // gone
    }
  }
  return total;
}
