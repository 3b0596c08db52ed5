import { maxHeaderSize } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ErrorBody } from '#shared/platform/errors';

/**
 * Requests Node's HTTP parser rejects before any of our code runs (headers over Node's limit,
 * malformed requests, timeouts). Node's own answer is a bare status line with no body; this gives
 * the same status with the API's one error shape. Listen with `server.on('clientError', …)`.
 * (In AWS, API Gateway answers these itself, before the Lambda.)
 */
const ANSWERS: Record<string, { status: number; reason: string; code: string; message: string }> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    reason: 'Request Header Fields Too Large',
    code: 'headers_too_large',
    message: `Request headers are limited to ${maxHeaderSize} bytes in all; a bearer token is normally under 2 KB.`,
  },
  HPE_CHUNK_EXTENSIONS_OVERFLOW: {
    status: 413,
    reason: 'Payload Too Large',
    code: 'payload_too_large',
    message: 'The chunk extensions of this request are too large.',
  },
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408,
    reason: 'Request Timeout',
    code: 'request_timeout',
    message: 'The request took too long to arrive.',
  },
};
const MALFORMED = { status: 400, reason: 'Bad Request', code: 'invalid_request', message: 'The request is not valid HTTP.' };

export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex) {
  // As Node does: answer only where nothing of another response has been written on this
  // connection already, else the client would read a corrupted stream.
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (error.code !== 'ECONNRESET' && socket.writable && !inFlight?.headersSent) {
    const answer = ANSWERS[error.code ?? ''] ?? MALFORMED;
    const body: ErrorBody = { error: { code: answer.code, message: answer.message } };
    const json = JSON.stringify(body);
    socket.end(
      `HTTP/1.1 ${answer.status} ${answer.reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`,
    );
    // Closed once the client has read it and closed its side; a client that never does is cut off.
    setTimeout(() => socket.destroy(), 2000).unref();
    return;
  }
  socket.destroy();
}
