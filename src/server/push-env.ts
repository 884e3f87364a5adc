// The message-push secrets (小程序后台 → 开发 → 开发设置 → 消息推送): the Token, and for safe mode the
// EncodingAESKey. Like WeChat Pay's keys they live in the function's environment variables, never in the database.
export const PUSH_ENV = { token: 'WECHAT_PUSH_TOKEN', encodingAESKey: 'WECHAT_PUSH_AES_KEY' } as const;

export function readPushEnv(env: NodeJS.ProcessEnv = process.env): { token?: string; encodingAESKey?: string } {
  const token = env[PUSH_ENV.token]?.trim();
  const encodingAESKey = env[PUSH_ENV.encodingAESKey]?.trim();
  return { ...(token ? { token } : {}), ...(encodingAESKey ? { encodingAESKey } : {}) };
}
