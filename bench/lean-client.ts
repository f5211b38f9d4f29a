/**
 * The one protocol client, configured for `npm run bench`: no compression, no ping, no reconnect,
 * broadcasts never validated, and, for load connections, not even parsed (`skipBroadcasts`). A
 * load process then spends its CPU on sending requests, not on reading what Tally fans out.
 */
import WebSocket from 'ws';
import { ProtocolClient, type SocketLike } from '../shared/client/protocol-client.ts';

/**
 * The client's limit on frames it receives. The server sends frames of any size (a commit of
 * commitBatchOperationsMax transfers is hundreds of KiB to the auditor), so this is only a bound.
 */
export const receivedFrameBytesMax = 256 * 1024 * 1024;

export interface LeanClientOptions {
  /** Parse every broadcast (an observer tab) rather than count and skip it (a load connection). */
  readBroadcasts: boolean;
  /** Told the size of every frame the socket receives, replies and broadcasts alike. */
  onFrameBytes?: (bytes: number) => void;
}

/** Connects and resolves once the welcome is in; rejects `connect_failed` if it never is. */
export async function openLeanClient(url: string, options: LeanClientOptions): Promise<ProtocolClient> {
  const { readBroadcasts, onFrameBytes } = options;
  const client = new ProtocolClient({
    url,
    createSocket: (socketUrl) => {
      const socket = new WebSocket(socketUrl, { perMessageDeflate: false, maxPayload: receivedFrameBytesMax });
      if (onFrameBytes !== undefined) socket.on('message', (data) => onFrameBytes(rawDataBytes(data)));
      return socket as unknown as SocketLike;
    },
    reconnect: false,
    pingIntervalMs: null,
    validateBroadcasts: false,
    skipBroadcasts: !readBroadcasts,
  });
  client.start();
  await client.online();
  return client;
}

function rawDataBytes(data: WebSocket.RawData): number {
  if (Array.isArray(data)) return data.reduce((sum, chunk) => sum + chunk.length, 0);
  return data.byteLength;
}
