/**
 * A log that writes at most linesPerMinuteMax lines a minute and then one line saying how many it
 * left out, so lines that any client can cause cannot fill the disk.
 */
export class ThrottledLog {
  readonly #log: (line: string) => void;
  readonly #linesPerMinuteMax: number;
  readonly #what: string;
  readonly #now: () => number;
  #minuteStartedAt = -Infinity;
  #linesThisMinute = 0;
  #leftOutThisMinute = 0;

  constructor(log: (line: string) => void, linesPerMinuteMax: number, what: string, now: () => number = Date.now) {
    this.#log = log;
    this.#linesPerMinuteMax = linesPerMinuteMax;
    this.#what = what;
    this.#now = now;
  }

  line(text: string): void {
    const now = this.#now();
    if (now - this.#minuteStartedAt >= 60_000) {
      if (this.#leftOutThisMinute > 0) this.#log(`${this.#leftOutThisMinute} more ${this.#what} in the last minute were not logged`);
      this.#minuteStartedAt = now;
      this.#linesThisMinute = 0;
      this.#leftOutThisMinute = 0;
    }
    if (this.#linesThisMinute < this.#linesPerMinuteMax) {
      this.#linesThisMinute += 1;
      this.#log(text);
    } else {
      this.#leftOutThisMinute += 1;
    }
  }
}
