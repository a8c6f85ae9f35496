// Outgoing validation remembered by content (README.md, "Content already found clean"): what the
// outgoing check found clean, so the same content is not validated again. OSCAR records change
// rarely and the same records are mapped again on every cache miss (search pages, reads,
// $everything), and a clean check is most of what validation costs (the fast check).
//
// An entry is the SHA-256 of a resource's canonical text without meta (64 hex digits, the digest
// its version id is the prefix of: fhir/version.ts) and its stamped meta's JSON text as the
// response text holds it: together, every character of the response. Content is found when both
// are equal. No resource, value or id is held; the meta text beside a digest is safe to keep: only
// the meta of a resource found clean is added, and this facade's meta holds the record's
// last-update instant, its version id and the facade's own profile URLs and tags (docs/mapping.md
// §1.2–1.4, §1.12), no name, identifier or clinical value, and nothing ties the instant to a
// patient (a digest cannot be read back). A longer meta text than MAX_META_LENGTH is not kept.
//
// Bounded in entries and in bytes, without a Map: a table of 2-entry sets, the set chosen by the
// digest's first 32 bits (a SHA-256 spreads them evenly) and within it the clock algorithm's second
// chance: each set has a hand on the entry to be passed over next; an entry under the hand that was
// found again since it was last passed over stays (losing its bit) and the hand moves on, the first
// one not found again goes, and the hand stops on the other (so with nothing found again the older
// of the two goes: first in, first out). The next 32
// bits of each entry's digest sit in a typed array beside it, so a miss reads one cache line of
// them and no string; the whole digest and meta are compared only when they match. A miss is
// that and, when clean, one store. A Map of the digests cost more than the check
// it saves on a miss (hashing 64 characters, a delete and an insert in a table larger than the
// processor's cache), and a Set's oldest key is found by walking over the holes earlier deletions
// left (values().next(), 7–11 µs a key with 16,384 of them). Digests made to share a set only
// take each other's place: equality is of the whole digest and meta, never of the set.

/** Characters of a digest: SHA-256 in hex. */
export const MEMO_DIGEST_LENGTH = 64;
/** The longest meta text kept (this facade's is 60–200 characters). */
export const MAX_META_LENGTH = 512;
/**
 * An upper estimate of an entry's heap besides its meta text: the digest string (64 characters
 * and V8's header, 80 B), the meta string's header (16 B) and the entry's two table slots and bit
 * (17 B), and half of its set's hand (1 B a set).
 */
const ENTRY_OVERHEAD = 128;
/** An entry's bytes at most: its meta text counted two bytes a character (V8's two-byte strings). */
const entryBytes = (meta: string): number => ENTRY_OVERHEAD + 2 * meta.length;
/** Sets of two entries: 16,384 entries, a clinic's working set of records many times over (a search page is 50). */
const MEMO_SETS = 8192;
/** 4 MiB: about 9,000 entries of this facade's usual meta (about 150 characters with its version id). */
export const MEMO_MAX_BYTES = 4 * 1024 * 1024;

/** The 32 bits of 8 hex digits from `from` (lower case, as a digest's hex is written): no string made. */
function hex32(hex: string, from: number): number {
  let v = 0;
  for (let k = from; k < from + 8; k++) {
    const c = hex.charCodeAt(k);
    v = (v << 4) | (c <= 57 ? c - 48 : c - 87);
  }
  return v >>> 0;
}

export class CleanMemo {
  readonly #digests: (string | undefined)[];
  readonly #metas: (string | undefined)[];
  /** Bits 32–63 of each entry's digest. */
  readonly #tags: Uint32Array;
  /** 1 when the entry was found since it was last passed over. */
  readonly #found: Uint8Array;
  /** Per set: 0 or 1, the entry the clock's hand is on (the next to be passed over). */
  readonly #hands: Uint8Array;
  readonly #mask: number;
  #count = 0;
  #bytes = 0;

  /** `sets` a power of two. */
  constructor(sets: number = MEMO_SETS, readonly maxBytes: number = MEMO_MAX_BYTES) {
    if (!Number.isInteger(sets) || sets < 1 || (sets & (sets - 1)) !== 0) throw new RangeError(`a clean-content memo has a power of two sets, not ${sets}`);
    this.#digests = new Array<string | undefined>(2 * sets).fill(undefined);
    this.#metas = new Array<string | undefined>(2 * sets).fill(undefined);
    this.#found = new Uint8Array(2 * sets);
    this.#tags = new Uint32Array(2 * sets);
    this.#hands = new Uint8Array(sets);
    this.#mask = sets - 1;
  }

  /** Entries at most. */
  get maxEntries(): number {
    return this.#digests.length;
  }

  /** Whether content of this digest and meta text was found clean. */
  has(digest: string, meta: string): boolean {
    const i = (hex32(digest, 0) & this.#mask) * 2;
    const tag = hex32(digest, 8);
    const tags = this.#tags;
    if (tags[i] === tag && this.#digests[i] === digest && this.#metas[i] === meta) {
      this.#found[i] = 1;
      return true;
    }
    if (tags[i + 1] === tag && this.#digests[i + 1] === digest && this.#metas[i + 1] === meta) {
      this.#found[i + 1] = 1;
      return true;
    }
    return false;
  }

  /**
   * Remembers content found clean (after has said no): it takes an empty entry of its set, else
   * the clock's choice: from the set's hand on, the first entry not found since it was last passed
   * over, clearing the bit of each one passed over (both found: both lose it, the one the hand was
   * on goes); the hand then stops on the other entry. Not kept when the memo's bytes would go over
   * maxBytes, or its meta text is longer than MAX_META_LENGTH.
   */
  add(digest: string, meta: string): void {
    // The byte bound counts digests of one length: another is a caller's bug.
    if (digest.length !== MEMO_DIGEST_LENGTH) throw new Error(`a clean-content digest has ${MEMO_DIGEST_LENGTH} characters, not ${digest.length}`);
    if (meta.length > MAX_META_LENGTH) return;
    const set = hex32(digest, 0) & this.#mask;
    const i = set * 2;
    const found = this.#found;
    let at: number;
    if (this.#digests[i] === undefined) at = i;
    else if (this.#digests[i + 1] === undefined) at = i + 1;
    else {
      const hand = i + this.#hands[set]!;
      const other = hand ^ 1; // i is even: the set's other entry
      if (found[hand] === 0) at = hand;
      else {
        // Found again: it stays this time, without its bit (its second chance).
        found[hand] = 0;
        if (found[other] === 0) at = other;
        else {
          found[other] = 0;
          at = hand;
        }
      }
    }
    this.#hands[set] = (at - i) ^ 1;
    this.#forget(at);
    const size = entryBytes(meta);
    if (this.#bytes + size > this.maxBytes) return;
    this.#digests[at] = digest;
    this.#metas[at] = meta;
    this.#tags[at] = hex32(digest, 8);
    this.#found[at] = 0;
    this.#count++;
    this.#bytes += size;
  }

  /**
   * add, but only into an empty entry of its set: nothing held is passed over or goes. What a Bulk
   * Data export found clean (README.md, "Bulk Data export"): a whole clinic streamed through add
   * would push out what interactive reads found, so an export only fills room that is free.
   */
  addIfRoom(digest: string, meta: string): void {
    const i = (hex32(digest, 0) & this.#mask) * 2;
    if (this.#digests[i] !== undefined && this.#digests[i + 1] !== undefined) return;
    this.add(digest, meta);
  }

  #forget(at: number): void {
    const meta = this.#metas[at];
    if (meta === undefined) return;
    this.#count--;
    this.#bytes -= entryBytes(meta);
    this.#digests[at] = undefined;
    this.#metas[at] = undefined;
  }

  /** Entries held. */
  get size(): number {
    return this.#count;
  }

  /** The bytes of the entries held, as counted against maxBytes. */
  get bytes(): number {
    return this.#bytes;
  }

  clear(): void {
    this.#digests.fill(undefined);
    this.#metas.fill(undefined);
    this.#found.fill(0);
    this.#count = 0;
    this.#bytes = 0;
  }
}

/** The process's memo, shared by every facade in it (content is content, whichever clinic sent it). */
export const OUTGOING_MEMO = new CleanMemo();
