import type { WebContents, WebFrameMain } from 'electron';

/** Enough for a slow first load; beyond it the oldest messages go (a reload mid-run streams frames nobody reads). */
const MAX_QUEUED = 5000;

/**
 * The one way main talks to the page. Messages wait in a queue until the page has finished
 * loading (and again while it reloads), so an engine 'ready' or a file sent during start-up is
 * not lost to a page with no listener yet (electron/fiddle holds messages the same way).
 */
export class RendererPort {
  private ready = false;
  private readonly queue: { channel: string; payload: unknown }[] = [];

  constructor(private readonly contents: WebContents) {
    contents.on('did-start-loading', () => {
      this.ready = false;
    });
    contents.on('did-finish-load', () => {
      this.ready = true;
      this.flush();
    });
  }

  /** True when `event` came from this page's top frame, and not from an iframe or other window. */
  isOurs(sender: WebContents, senderFrame: WebFrameMain | null): boolean {
    return sender === this.contents && senderFrame !== null && senderFrame === this.contents.mainFrame;
  }

  send(channel: string, payload: unknown): void {
    if (this.contents.isDestroyed()) return;
    if (!this.ready) {
      this.queue.push({ channel, payload });
      if (this.queue.length > MAX_QUEUED) this.queue.shift();
      return;
    }
    this.contents.send(channel, payload);
  }

  private flush(): void {
    for (const { channel, payload } of this.queue.splice(0)) {
      if (this.contents.isDestroyed()) return;
      this.contents.send(channel, payload);
    }
  }
}
