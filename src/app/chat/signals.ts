import { EventEmitter } from "node:events";

/**
 * This process's wake-up calls for open chat streams: a conversation changed, or the agents' board did.
 * Streams also read the database on a short timer, so a change written by another instance reaches them too
 * (within the poll interval); these signals only make this instance's own changes immediate. Nothing is
 * carried here that a stream could not read again from the database.
 */
class ChatSignals extends EventEmitter {
  constructor() {
    super();
    this.setMaxListeners(0);
  }
  conversation(id: string): void {
    this.emit(`c:${id}`);
    this.emit("board");
  }
  board(): void {
    this.emit("board");
  }
}

export const chatSignals = new ChatSignals();
