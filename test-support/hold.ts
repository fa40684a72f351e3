/** A promise a test opens when it is ready: holds a fake server's chunk back without any timing. */
export interface Hold {
  readonly wait: Promise<void>;
  open(): void;
  /** Whether a waiter reached it (the server got as far as the held chunk). */
  readonly reached: boolean;
}

export function hold(): Hold {
  let open!: () => void;
  const wait = new Promise<void>((r) => (open = r));
  const h = { wait, open, reached: false };
  return {
    get wait() {
      h.reached = true;
      return wait;
    },
    open: () => open(),
    get reached() {
      return h.reached;
    },
  };
}
