// Where a process's resident memory is, as the OS and V8 each see it: RSS split by mapping kind
// (/proc/self/smaps, Linux only), V8's heap spaces (committed, resident, live), and what V8 and
// Node count outside the heap. Benchmark 5 reports it so that RSS growth that is not live memory
// can be told apart: pages V8 keeps committed, malloc memory, code pages.
import { readFileSync } from 'node:fs';
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';

export interface MemoryDetail {
  /** RSS as the OS counts it (process.memoryUsage().rss). */
  rss: number;
  /** Resident anonymous memory: the V8 heap, malloc, stacks. */
  anon: number;
  /** Resident file-backed pages: the node binary, shared libraries, mapped files. */
  file: number;
  /** Resident anonymous memory not in V8's heap spaces: malloc (Buffers, zones, native objects), stacks. */
  anonOutsideHeap: number;
  /**
   * Resident anonymous memory by mapping: V8's 256 KiB pages (each its own mapping), the brk heap
   * (glibc's main malloc arena), executable mappings (V8's code range), everything else (other
   * malloc arenas and mmapped chunks, stacks, large objects).
   */
  mappings: { v8Pages: number; brk: number; executable: number; other: number };
  heap: { committed: number; resident: number; used: number; mallocedByV8: number };
  /** Per V8 heap space: committed / resident / live bytes. */
  spaces: Record<string, { committed: number; resident: number; used: number }>;
  /** Memory V8 is told about outside its heap (ArrayBuffers included) and the ArrayBuffers alone. */
  external: number;
  arrayBuffers: number;
}

const V8_PAGE = 256 * 1024;

/** Resident bytes of file-backed and anonymous mappings from /proc/self/smaps (zero elsewhere). */
function residentByKind(): { anon: number; file: number; mappings: MemoryDetail['mappings'] } {
  const mappings = { v8Pages: 0, brk: 0, executable: 0, other: 0 };
  let text: string;
  try {
    text = readFileSync('/proc/self/smaps', 'utf8');
  } catch {
    return { anon: 0, file: 0, mappings };
  }
  let file = 0;
  let kind: keyof typeof mappings | 'file' = 'other';
  let size = 0;
  for (const line of text.split('\n')) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \d+\s*(.*)$/.exec(line);
    if (head) {
      size = Number.parseInt(head[2]!, 16) - Number.parseInt(head[1]!, 16);
      const name = head[4]!;
      if (name === '[heap]') kind = 'brk';
      else if (name !== '' && !name.startsWith('[anon')) kind = 'file';
      else if (head[3]!.includes('x')) kind = 'executable';
      else if (size === V8_PAGE) kind = 'v8Pages';
      else kind = 'other';
    } else if (line.startsWith('Rss:')) {
      const bytes = Number(/(\d+)/.exec(line)![1]) * 1024;
      if (kind === 'file') file += bytes;
      else mappings[kind] += bytes;
    }
  }
  const anon = mappings.v8Pages + mappings.brk + mappings.executable + mappings.other;
  return { anon, file, mappings };
}

export function memoryDetail(): MemoryDetail {
  const m = process.memoryUsage();
  const h = getHeapStatistics();
  const spaces: MemoryDetail['spaces'] = {};
  for (const s of getHeapSpaceStatistics()) {
    spaces[s.space_name] = { committed: s.space_size, resident: s.physical_space_size, used: s.space_used_size };
  }
  const { anon, file, mappings } = residentByKind();
  return {
    rss: m.rss,
    anon,
    file,
    anonOutsideHeap: anon - h.total_physical_size,
    mappings,
    heap: { committed: h.total_heap_size, resident: h.total_physical_size, used: h.used_heap_size, mallocedByV8: h.malloced_memory },
    spaces,
    external: m.external,
    arrayBuffers: m.arrayBuffers,
  };
}
