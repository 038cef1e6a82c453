// How late bytes written to the sandbox reach it. The sandbox stamps a carrier request when its bytes reach its
// event loop; on a machine whose two cores are saturated (three services, the broker, Postgres, the sandbox) the
// kernel may hand them over long after they were written, and then two requests written a second apart can be
// stamped closer. The sandbox's loop-delay monitor does not see that: its loop was idle, waiting for the bytes.
// So this writes probes, each with its send time read right before a synchronous write, alternately on a kept
// connection and on a fresh one (as a carrier request may be), and the sandbox notes how late each arrived
// (GET /__sandbox/probe). The probes go the way the services' requests go, from another process of this machine.
import { connect, type Socket } from 'node:net';

const EVERY_MS = 50;

export class DeliveryProbe {
  private kept: Socket | null = null;
  private fresh = false;
  private readonly timer: NodeJS.Timeout;

  private constructor(
    private readonly host: string,
    private readonly port: number,
  ) {
    this.timer = setInterval(() => this.send(), EVERY_MS);
  }

  /** Starts probing the sandbox at `url` until stopped. */
  static start(url: string): DeliveryProbe {
    const { hostname, port } = new URL(url);
    return new DeliveryProbe(hostname, Number(port));
  }

  stop(): void {
    clearInterval(this.timer);
    this.kept?.destroy();
    this.kept = null;
  }

  private send(): void {
    this.fresh = !this.fresh;
    if (this.fresh) {
      const socket = this.open();
      socket.once('connect', () => socket.end(request(false)));
      return;
    }
    if (this.kept === null) {
      const socket = this.open();
      socket.once('close', () => {
        if (this.kept === socket) this.kept = null;
      });
      this.kept = socket;
    }
    if (!this.kept.connecting) this.kept.write(request(true));
  }

  private open(): Socket {
    const socket = connect(this.port, this.host);
    // The answers say nothing the sandbox has not noted; a probe lost to a busy machine is just not counted.
    socket.resume();
    socket.on('error', () => socket.destroy());
    socket.setTimeout(10_000, () => socket.destroy());
    return socket;
  }
}

function request(keepAlive: boolean): string {
  return (
    `GET /__sandbox/probe?sentAt=${Date.now()} HTTP/1.1\r\nhost: sandbox\r\n` +
    `connection: ${keepAlive ? 'keep-alive' : 'close'}\r\n\r\n`
  );
}
