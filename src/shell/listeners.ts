// A list of callbacks where one that throws is logged and never stops the others (or the caller).
import type { Logger } from '../ports/logger.js';

export class Listeners<A extends unknown[]> {
  private readonly list: ((...args: A) => void)[] = [];

  constructor(
    private readonly log: Logger,
    private readonly failure: string,
  ) {}

  add(listener: (...args: A) => void): () => void {
    this.list.push(listener);
    return () => {
      const at = this.list.indexOf(listener);
      if (at >= 0) this.list.splice(at, 1);
    };
  }

  emit(...args: A): void {
    for (const listener of [...this.list]) {
      try {
        listener(...args);
      } catch (err) {
        this.log.error({ err }, this.failure);
      }
    }
  }
}
