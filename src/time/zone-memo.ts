// Conversions in a zone repeat: the same dates come back in answer after answer (a patient's dates
// in both SOAP answers of a read, the midnights of common days, the day's appointment times). A
// memo per zone remembers them, keyed by the value itself; bounded by starting afresh when full
// (cheaper than tracking recency, and a refill costs only the conversions).
export class ZoneMemo<K, V> {
  private readonly zones = new Map<string, Map<K, V>>();
  private size = 0;

  constructor(private readonly max: number) {}

  get(tz: string, key: K): V | undefined {
    return this.zones.get(tz)?.get(key);
  }

  /** Remembers `value` and returns it. */
  set(tz: string, key: K, value: V): V {
    if (this.size >= this.max) {
      this.zones.clear();
      this.size = 0;
    }
    let inZone = this.zones.get(tz);
    if (!inZone) this.zones.set(tz, (inZone = new Map()));
    inZone.set(key, value);
    this.size++;
    return value;
  }
}
