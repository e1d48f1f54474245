/**
 * The event ids a consumer handled lately, oldest forgotten first. Kafka redelivers after a
 * rebalance or a producer retry; this catches the duplicates one process sees cheaply, and the
 * handlers' own apply-once records catch the rest.
 */
export class RecentEventIds {
  private readonly ids = new Set<string>();

  constructor(private readonly capacity = 10_000) {}

  has(id: string): boolean {
    return this.ids.has(id);
  }

  add(id: string): void {
    this.ids.add(id);
    if (this.ids.size > this.capacity) {
      const oldest = this.ids.values().next().value;
      if (oldest !== undefined) this.ids.delete(oldest);
    }
  }
}
