// `npm start`: builds nothing itself (the npm script builds first), starts the local cloud and says what it serves.
import { findProjectRoot, startLocalCloud, type LocalCloudOptions } from './local-cloud';
import { execCommand, prepareImport, stopper, terminalPrompt, type WorkflowOptions } from './ui/workflow';
import { applyDemoTimeScale, startScaledTimers } from './ui/time-scale';
import { join } from 'node:path';

/** The providers the local cloud plays; APIv3 adds itself here. */
const PAY_MODES = ['cloudpay', 'v2', 'v3'] as const;
const isPay = (v: string): v is (typeof PAY_MODES)[number] => (PAY_MODES as readonly string[]).includes(v);

function usage(message?: string): never {
  if (message) console.error(`error: ${message}\n`);
  console.error(`usage: local-cloud [--port N] [--data DIR | --memory] [--demo] [--pay cloudpay|v2|v3[,…]] [--v3-verify publicKey|certificate] [--pay-port N] [--time-scale F] [--manual-refunds] [--no-timers] [--instances N] [--quiet] [--test-barriers] [--bare]
                   [--import DIR [--yes]] [--export-on-exit DIR] [exec "<command>"]

  --port N          port on 127.0.0.1 (default: $PORT or 3000; 0 picks a free one)
  --pay P           how the demo shop takes WeChat Pay: cloudpay (default), v2 (APIv2, signed XML over HTTPS)
                    or v3 (APIv3, signed JSON over HTTPS, encrypted notifies); several, e.g. cloudpay,v3: a shop
                    switched from the first to the last, all configured (docs/migrate-cloudpay-to-v3.md)
  --v3-verify M     how APIv3 answers and notifies are signed and checked: publicKey (default; WeChat Pay's
                    public key, PUB_KEY_ID_…, what new merchants get) or certificate (platform certificates)
  --pay-port N      port of the local WeChat Pay HTTPS endpoint (default: the port after --port; 0 picks a free one)
  --data DIR        folder of the database file (default: .local-cloud/ in the project)
  --memory          throwaway in-memory database
  --demo            seed demo settings, products, a demo buyer and a demo merchant
  --time-scale F    scale WeChat's schedules (callback retries…); 1 = real time
  --manual-refunds  refunds stay PROCESSING until settled through the control API
  --no-timers       do not run timer triggers (reconcile) on their schedule
  --instances N     instances each function may run at once (default: one per CPU core, at least 2)
  --quiet           no JSON log lines
  --test-barriers   serve /test/barriers, which holds chosen admin requests so race tests can interleave them
  --bare            start like a new CloudBase environment (nothing deployed; data in .local-cloud-bare/ unless
                    --data/--memory) and answer the Tencent Cloud API: npm run deploy -- --local-cloud URL
  --import DIR      start from an export (checked and copied; with --memory into a throwaway database). Replacing
                    an existing database asks first and keeps it in <data>/backups/<time>/
  --yes             with --import: replace an existing database without asking (scripts, no terminal)
  --export-on-exit DIR  write the data to DIR on exit (Ctrl+C, SIGTERM, end of exec, a crash)
  exec "<command>"  start, run the command (LOCAL_CLOUD_URL and the SDK's variables set), stop,
                    exit with the command's status`);
  process.exit(message ? 2 : 0);
}

export function parseArgs(argv: string[], env: NodeJS.ProcessEnv): LocalCloudOptions & WorkflowOptions {
  const options: LocalCloudOptions & WorkflowOptions = { port: env.PORT !== undefined ? Number(env.PORT) : 3000, timers: true };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) usage(`${arg} needs a value`);
      return v;
    };
    switch (arg) {
      case '--port':
        options.port = Number(value());
        break;
      case '--data':
        options.dataDir = value();
        break;
      case '--pay': {
        const channels = value().split(',');
        if (!channels.every(isPay)) usage(`--pay must name one or more of ${PAY_MODES.join(', ')}, separated by commas`);
        if (new Set(channels).size !== channels.length) usage('--pay names a channel twice');
        options.pay = channels[channels.length - 1];
        if (channels.length > 1) options.formerPay = channels.slice(0, -1);
        break;
      }
      case '--v3-verify': {
        const v = value();
        if (v !== 'publicKey' && v !== 'certificate') usage('--v3-verify must be publicKey or certificate');
        options.v3Verify = v;
        break;
      }
      case '--pay-port':
        options.payPort = Number(value());
        break;
      case '--memory':
        options.memory = true;
        break;
      case '--demo':
        options.demo = true;
        break;
      case '--time-scale':
        options.timeScale = Number(value());
        if (!(options.timeScale > 0)) usage('--time-scale must be a positive number');
        break;
      case '--manual-refunds':
        options.autoSettleRefunds = false;
        break;
      case '--no-timers':
        options.timers = false;
        break;
      case '--instances':
        options.maxInstancesPerFunction = Number(value());
        if (!Number.isInteger(options.maxInstancesPerFunction) || options.maxInstancesPerFunction < 1) usage('--instances must be a positive integer');
        break;
      case '--quiet':
        options.log = false;
        break;
      case '--test-barriers':
        options.testBarriers = true;
        break;
      case '--bare':
        options.bare = true;
        break;
      case '--import':
        options.importDir = value();
        break;
      case '--yes':
      case '-y':
        options.yes = true;
        break;
      case '--export-on-exit':
        options.exportOnExit = value();
        break;
      case 'exec':
        options.exec = value();
        break;
      case '--help':
      case '-h':
        usage();
      default:
        usage(`unknown option ${arg}`);
    }
  }
  if (!Number.isInteger(options.port) || (options.port as number) < 0 || (options.port as number) > 65535) usage('--port must be an integer 0..65535');
  options.payPort ??= options.port === 0 ? 0 : (options.port as number) + 1;
  if (!Number.isInteger(options.payPort) || options.payPort < 0 || options.payPort > 65535 || (options.payPort !== 0 && options.payPort === options.port)) usage('--pay-port must be an integer 0..65535, not the --port');
  if (options.memory && options.dataDir) usage('--memory and --data exclude each other');
  if (options.bare && options.demo) usage('--bare starts empty: it excludes --demo');
  return options;
}

/** What went wrong at start, said so that the reader knows what to do. */
export function startFailure(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  const port = (err as { port?: unknown } | null)?.port;
  if (code === 'EADDRINUSE') return `port ${String(port)} on 127.0.0.1 is already in use (another local cloud?): stop it, or start with --port N or PORT=N (--pay-port N for WeChat Pay's HTTPS port)`;
  if (code === 'EACCES') return `port ${String(port)} may not be opened by this user: use a port above 1023 with --port N`;
  return err instanceof Error ? err.message : String(err);
}

async function main(): Promise<void> {
  const parsed = parseArgs(process.argv.slice(2), process.env);
  // A bare environment keeps its own data: the usual folder already holds collections and demo data.
  if (parsed.bare && !parsed.memory && !parsed.dataDir) parsed.dataDir = join(findProjectRoot(), '.local-cloud-bare');
  const prepared = await prepareImport(parsed, join(findProjectRoot(), '.local-cloud'), terminalPrompt, (line) => console.error(line));
  const options = prepared.options;
  // A scaled time runs the timer triggers on a scaled timetable instead of the real one.
  const scaledTimers = options.timers !== false && options.timeScale !== undefined && options.timeScale !== 1;
  const cloud = await startLocalCloud(scaledTimers ? { ...options, timers: false } : options);
  const timers = scaledTimers ? startScaledTimers(cloud.runner, options.timeScale as number, cloud.log) : undefined;
  if (options.demo && options.timeScale !== undefined && options.timeScale !== 1) {
    const timers = applyDemoTimeScale(cloud, options.timeScale);
    console.error(`time scale ${options.timeScale}: demo shop timers ${JSON.stringify(timers)} (fire reconcile now: POST /sandbox/timers/reconcile)`);
  }
  if (timers) console.error(`time scale ${options.timeScale}: timers ${timers.schedule.map((t) => `${t.function} every ${t.everyMs} ms`).join(', ') || '(none)'}`);
  const stopCloud = stopper(cloud, parsed, prepared.cleanup, (line) => console.error(line), () => timers?.stop());
  process.on('uncaughtException', (err) => {
    console.error(`local cloud crashed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    void stopCloud(true).finally(() => process.exit(1));
  });
  if (parsed.exec) {
    const status = await execCommand(cloud, parsed.exec);
    await stopCloud();
    process.exit(status);
  }
  const lines = [
    `local cloud ready at ${cloud.url}  (env ${cloud.env}, ${options.memory ? 'in-memory database' : 'database in ' + (options.dataDir ?? '.local-cloud/')})`,
    `  UI                   ${cloud.url}/`,
    `  mini-program preview ${cloud.url}/preview`,
    `  admin API (SDK)      ${cloud.url}/admin      TCB_CONTEXT_CNFG='{"URL":"${cloud.url}/admin"}'`,
    `  functions gateway    POST ${cloud.url}/functions/<name>  {"data": {...}}  header x-wx-openid`,
    `  database             GET  ${cloud.url}/db/<collection>`,
    `  WeChat Pay sandbox   ${cloud.url}/sandbox/payments/<outTradeNo>  (see docs/local-cloud-sandbox.md)`,
    `  WeChat Pay HTTPS     ${cloud.sandbox.https.url}  (APIv2, APIv3${options.pay === 'v3' ? ` verified by ${options.v3Verify ?? 'publicKey'}` : ''}; the shop pays with ${options.pay ?? 'cloudpay'}; keys: GET ${cloud.url}/sandbox/merchant)`,
    `  HTTP access          POST ${cloud.url}/http/payNotify, /http/refundNotify`,
    `  messages             GET  ${cloud.url}/sandbox/messages`,
    `  functions            ${cloud.runner.names().join(', ') || '(none built: run npm run build)'}`,
  ];
  if (cloud.controlPlane) {
    lines.push(
      `  bare environment     nothing deployed yet: npm run deploy -- --local-cloud ${cloud.url} [--yes]`,
      `  Tencent Cloud API    via the proxy ${cloud.url} (CA and API key: GET ${cloud.url}/control-plane)`,
      `  HTTP access paths    ${cloud.url}/http/<created path>`,
    );
  }
  const stop = async () => {
    await stopCloud();
    process.exit(0);
  };
  // Before the banner: whoever reads "ready" may press Ctrl+C at once.
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  console.log(lines.join('\n'));
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(`error: ${startFailure(err)}`);
    process.exit(1);
  });
}
