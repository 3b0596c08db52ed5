import type { Bundle } from 'fhir/r4';
import type { GpMessageChannel } from './schema';

/**
 * How a prepared GP summary would travel to the practice without a person carrying it: NHS MESH
 * (a mailbox per organisation; the GP system's workflow picks the document up) or GP Connect Send
 * Document. Neither can be used here — both need an NHS mailbox or endpoint and NHS assurance —
 * so Waymark ships no transport: staff send the letter themselves and mark it sent
 * (`POST /v1/gp-messages/{id}/sent`). A transport plugs in here (see ARCHITECTURE.md, GP messages).
 */
export interface GpMessageTransport {
  readonly channel: GpMessageChannel;
  /**
   * Hands one message to the transport. Must be idempotent by `messageId` (MESH takes a local
   * id for exactly this): a retry after a lost answer must not deliver twice.
   */
  send(message: OutgoingGpMessage): Promise<{ reference: string }>;
}

export interface OutgoingGpMessage {
  messageId: string;
  /** The receiving practice's ODS code: MESH addresses a practice's mailbox by it. */
  practiceCode: string;
  bundle: Bundle;
  pdf: Uint8Array;
}
