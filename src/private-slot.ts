// A value kept on an object as a private class field: a request's audit facts (auth/context.ts),
// a stamped resource's response text (fhir/version.ts). Not a WeakMap: every entry of one is an
// ephemeron the collector must trace (a set cost several times the field's store over a search
// page); not Object.defineProperty with a non-enumerable key either, which runs V8's slow path and
// cost a cache-hit read more than the rest of its audit facts (bench/results.md). A private field
// is a plain property store, and it shows nowhere: not in keys, JSON, spread or deep equality, so
// no copy of the object carries it.

/** A base whose constructor hands back the object it is given: a subclass's private field lands on that object. */
class Existing {
  constructor(o: object) {
    return o;
  }
}

export interface PrivateSlot<T> {
  /** The value put on `o`, or undefined. */
  of(o: object): T | undefined;
  /** Puts `value` on `o` (replacing one put before) and returns it. Before `o` is frozen. */
  put(o: object, value: T): T;
}

/** A slot of its own: each call declares a class, and with it a private name no other slot shares. */
export function privateSlot<T>(): PrivateSlot<T> {
  class Slot extends Existing {
    #value: T;

    private constructor(o: object, value: T) {
      super(o);
      this.#value = value;
    }

    static of(o: object): T | undefined {
      return #value in o ? (o as Slot).#value : undefined;
    }

    static put(o: object, value: T): T {
      if (#value in o) (o as Slot).#value = value;
      else new Slot(o, value);
      return value;
    }
  }
  return Slot;
}
