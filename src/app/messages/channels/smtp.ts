import type { Transporter } from "nodemailer";
import type { Channel, DeliveryOutcome, OutgoingMessage } from "./channel.ts";

export interface SmtpConfig {
  /** smtp://user:pass@host:port or smtps://… (DATANG_SMTP_URL). */
  readonly url: string;
  /** The From address (DATANG_MAIL_FROM). */
  readonly from: string;
  /** Connection, greeting and socket timeouts in ms (default 15 s). */
  readonly timeoutMs?: number;
}

/** SMTP reply codes from 500 on are permanent refusals; 4xx and network failures are worth another try. */
function outcomeOf(error: unknown): DeliveryOutcome {
  const e = error as { responseCode?: unknown; code?: unknown; message?: unknown };
  const responseCode = typeof e.responseCode === "number" ? e.responseCode : undefined;
  const text = `${typeof e.code === "string" ? `${e.code}: ` : ""}${typeof e.message === "string" ? e.message : String(error)}`;
  return { ok: false, permanent: responseCode !== undefined && responseCode >= 500, error: text };
}

export function smtpChannel(config: SmtpConfig): Channel {
  const timeout = config.timeoutMs ?? 15_000;
  // nodemailer is loaded with the first message, not at start: most servers and tests never send e-mail.
  let transport: Promise<Transporter> | undefined;
  const connect = () => {
    transport ??= import("nodemailer").then(({ default: nodemailer }) =>
      nodemailer.createTransport({
        url: config.url,
        connectionTimeout: timeout,
        greetingTimeout: timeout,
        socketTimeout: timeout,
      }),
    );
    return transport;
  };
  const domain = /@([^>\s]+)>?\s*$/.exec(config.from)?.[1] ?? "datang.local";
  return {
    name: "email",
    async send(message: OutgoingMessage): Promise<DeliveryOutcome> {
      try {
        await (await connect()).sendMail({
          from: config.from,
          to: message.recipient,
          subject: message.rendered.subject,
          text: message.rendered.text,
          html: message.rendered.html,
          // The same on every attempt: a receiver that got it twice (a crash after acceptance) can tell.
          messageId: `<${message.id}@${domain}>`,
          attachments: message.attachments.map((a) => ({
            filename: a.filename,
            content: a.content,
            contentType: a.contentType,
            ...(a.encoding ? { encoding: a.encoding } : {}),
          })),
        });
        return { ok: true };
      } catch (error) {
        return outcomeOf(error);
      }
    },
    close: () => {
      void transport?.then((t) => t.close());
    },
  };
}
