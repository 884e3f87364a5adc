// A small multipart/form-data reader: the SDK sends wx.wxPayApi and wx.openApi this way, with binary fields.
// Only what the SDK produces is supported (no nested multiparts, no transfer encodings).

export interface MultipartField {
  name: string;
  contentType?: string;
  value: Buffer;
}

export function boundaryOf(contentType: string | undefined): string | undefined {
  const match = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType ?? '');
  return match ? (match[1] ?? match[2]).trim() : undefined;
}

export function parseMultipart(body: Buffer, boundary: string): MultipartField[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const fields: MultipartField[] = [];
  let cursor = body.indexOf(delimiter);
  if (cursor < 0) throw new Error('multipart body has no boundary');
  while (cursor >= 0) {
    cursor += delimiter.length;
    if (body.subarray(cursor, cursor + 2).toString() === '--') break; // closing delimiter
    cursor += 2; // CRLF after the delimiter
    const headerEnd = body.indexOf('\r\n\r\n', cursor);
    if (headerEnd < 0) throw new Error('multipart part has no header end');
    const headers = body.subarray(cursor, headerEnd).toString('utf8');
    const next = body.indexOf(delimiter, headerEnd + 4);
    if (next < 0) throw new Error('multipart body is not closed');
    const value = body.subarray(headerEnd + 4, next - 2); // drop the CRLF before the next delimiter
    const name = /name="([^"]*)"/i.exec(headers)?.[1];
    if (name !== undefined) {
      const contentType = /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1]?.trim();
      fields.push({ name, contentType, value });
    }
    cursor = next;
  }
  return fields;
}
