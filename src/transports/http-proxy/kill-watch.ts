// The kill switch over one exchange that was let in while it was off. Checking the switch when a
// request arrives and before its upstream is dialled is not enough: an answer the upstream is
// still thinking about, a body being read or scanned, an exchange held for approval, or an
// oversized download passed on unscanned would all still reach the client after the operator's
// stop. So the exchange registers for as long as it runs (control.ts onKillSwitch): when the switch
// turns on, `killed` is set and whatever the exchange is waiting on is stopped at once (the
// upstream request or response destroyed, the hold withdrawn, a relay cut), and each step checks
// `stopped` before it goes on, so nothing more is relayed and the client gets 503 unless bytes were
// already on their way (then the transfer is cut, never ended cleanly).
import type { ProxyContext } from './context.ts';
import { killSwitchOn, onKillSwitch } from './control.ts';

export class KillWatch {
  #killed = false;
  #stop: (() => void) | undefined;
  readonly #ctx: ProxyContext;
  readonly #off: () => void;

  constructor(ctx: ProxyContext) {
    this.#ctx = ctx;
    this.#off = onKillSwitch(ctx, () => {
      this.#killed = true;
      const stop = this.#stop;
      this.#stop = undefined;
      stop?.();
    });
  }

  /** Whether the kill switch turned on since the exchange was let in (or is on now). */
  get stopped(): boolean {
    return this.#killed || killSwitchOn(this.#ctx);
  }

  /**
   * What to stop when the switch turns on, replacing what was set before (the upstream request,
   * then its response, then a relay); undefined when nothing is under way. Not called when the
   * switch is already on: the caller checks `stopped` first.
   */
  set(stop: (() => void) | undefined): void {
    this.#stop = stop;
  }

  /** The exchange is over: nothing to stop any more. */
  end(): void {
    this.#off();
    this.#stop = undefined;
  }
}
