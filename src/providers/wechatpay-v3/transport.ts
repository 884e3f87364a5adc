// APIv3 requests over the shared HTTPS client (TLS always verified; timeouts after sending = outcome unknown).
import type { HttpsClient } from '../https-client';
import type { V3Transport } from './provider';

export function httpsTransport(client: HttpsClient, baseUrl: string): V3Transport {
  const base = baseUrl.replace(/\/+$/, '');
  return async (request) => {
    const answer = await client.send({
      method: request.method,
      url: `${base}${request.path}`,
      headers: request.headers,
      ...(request.body ? { body: request.body } : {}),
      label: `v3 ${request.method} ${request.path.split('?')[0]}`,
    });
    return { status: answer.status, headers: answer.headers, body: answer.body };
  };
}
