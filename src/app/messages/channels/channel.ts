import type { MessageChannel } from "../../../store/outbox.ts";
import type { Rendered } from "../catalogue/types.ts";

export interface Attachment {
  readonly filename: string;
  readonly content: string;
  readonly contentType: string;
  /** "base64" when `content` is base64 (a PDF); text otherwise. */
  readonly encoding?: "base64";
}

export interface OutgoingMessage {
  /** The outbox row's id: the e-mail's Message-ID and the SMS gateway's idempotency key on every attempt. */
  readonly id: string;
  readonly recipient: string;
  readonly rendered: Rendered;
  readonly attachments: readonly Attachment[];
}

/** A refusal that will not change by retrying (a 5xx from SMTP, a 4xx from the gateway) is permanent. */
export type DeliveryOutcome =
  | { readonly ok: true }
  | { readonly ok: false; readonly permanent: boolean; readonly error: string };

/** A way out: e-mail over SMTP, SMS over an HTTP gateway. */
export interface Channel {
  readonly name: MessageChannel;
  send(message: OutgoingMessage): Promise<DeliveryOutcome>;
  close(): void;
}
