import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** One request a receiver got. */
export interface Received {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly json: unknown;
}

/** A local HTTP receiver on port 0: it records each request and answers as `answer` says. */
export interface HttpReceiver {
  readonly url: string;
  readonly port: number;
  readonly received: Received[];
  /** Stops listening (a receiver that is down); `start` listens again on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
}

export type Answer = (request: Received, reply: ServerResponse) => void;

const ok: Answer = (_request, reply) => { reply.writeHead(200, { 'content-type': 'text/plain' }).end('ok'); };

export async function startHttpReceiver(answer: Answer = ok): Promise<HttpReceiver> {
  const received: Received[] = [];
  let server: Server;
  let port = 0;
  const listen = async () => {
    server = createServer((request, reply) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try { json = JSON.parse(body); } catch { json = undefined; }
        const entry = { method: request.method ?? '', path: request.url ?? '', headers: request.headers, body, json };
        received.push(entry);
        answer(entry, reply);
      });
    });
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  };
  await listen();
  return {
    get url() { return `http://127.0.0.1:${port}`; },
    get port() { return port; },
    received,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    start: listen,
  };
}

/** A mail the SMTP receiver accepted. */
export interface ReceivedMail {
  readonly from: string | undefined;
  readonly to: string[];
  readonly raw: string;
  readonly user: string | undefined;
}

/** A local SMTP server (smtp-server) on port 0, plain text, optional login (user `umbral`, password `secret-password`). */
export async function startSmtpReceiver(): Promise<{ port: number; mails: ReceivedMail[]; close(): Promise<void> }> {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS'], logger: false,
    onAuth(auth, _session, done) {
      if (auth.username === 'umbral' && auth.password === 'secret-password') done(null, { user: auth.username });
      else done(new Error('invalid login'));
    },
    onData(stream, session, done) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom === false ? undefined : session.envelope.mailFrom.address,
          to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8'),
          user: typeof session.user === 'string' ? session.user : undefined,
        });
        done();
      });
    },
  });
  server.listen(0, '127.0.0.1');
  await once(server.server, 'listening');
  const { port } = server.server.address() as AddressInfo;
  return { port, mails, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** Polls `check` until it holds (fails after `ms`). */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
