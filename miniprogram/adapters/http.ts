// wx.request as a promise, for the local cloud only (the real cloud is reached through wx.cloud).

export interface HttpAnswer {
  statusCode: number;
  data: unknown;
}

export function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    wx.request({
      url,
      method: 'POST',
      data: body as WechatMiniprogram.IAnyObject,
      header: { 'content-type': 'application/json', ...headers },
      dataType: 'json',
      success: (res) => resolve({ statusCode: res.statusCode, data: res.data }),
      fail: (err) => reject(new Error(err.errMsg)),
    });
  });
}
