// The local cloud's own UI and the workflow routes beside it. See docs/local-cloud.md ("The UI").
export { RequestLog, type RequestEntry } from './request-log';
export { installUiRoutes, type UiOptions } from './routes';
