/** Real receivers on 127.0.0.1 for message tests: an SMTP server and an HTTP listener (SMS gateway, webhooks). */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import { freePort } from "./free-port.ts";

export interface SmtpSink {
  readonly port: number;
  readonly url: string;
  readonly mails: ParsedMail[];
  /** Starts listening (again, after `down`). */
  up(): Promise<void>;
  /** Stops listening: connections are refused until `up`. */
  down(): Promise<void>;
  /** Refuse every recipient with this reply code (550: permanent) or accept again (undefined). */
  refuse(code: number | undefined): void;
}

export async function smtpSink(): Promise<SmtpSink> {
  const port = await freePort();
  const mails: ParsedMail[] = [];
  let refusal: number | undefined;
  let server: SMTPServer | undefined;
  const sink: SmtpSink = {
    port,
    url: `smtp://127.0.0.1:${port}`,
    mails,
    async up() {
      server = new SMTPServer({
        authOptional: true,
        disabledCommands: ["STARTTLS", "AUTH"],
        logger: false,
        onRcptTo(_address, _session, callback) {
          if (refusal === undefined) return callback();
          const error = Object.assign(new Error("mailbox unavailable"), { responseCode: refusal });
          callback(error);
        },
        onData(stream, _session, callback) {
          simpleParser(stream)
            .then((mail) => {
              mails.push(mail);
              callback();
            })
            .catch(callback);
        },
      });
      const s = server;
      await new Promise<void>((resolve) => s.listen(port, "127.0.0.1", () => resolve()));
    },
    async down() {
      const s = server;
      server = undefined;
      if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
    },
    refuse(code) {
      refusal = code;
    },
  };
  await sink.up();
  return sink;
}

export interface HttpHit {
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** What the sink answered (0: nothing, the request was held). */
  readonly status: number;
}

export interface HttpSink {
  readonly url: string;
  readonly hits: HttpHit[];
  /** The status answered from now on (default 200); 0 holds each request unanswered (a receiver that hangs). */
  answer(status: number): void;
  close(): Promise<void>;
}

export async function httpSink(): Promise<HttpSink> {
  const hits: HttpHit[] = [];
  let status = 200;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      hits.push({ url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), status });
      if (status === 0) return;
      res.writeHead(status, { "content-type": "application/json" }).end("{}");
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", () => resolve()));
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    answer(s) {
      status = s;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
