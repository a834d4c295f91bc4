// vigil-collector alerts … and channel test …: the on-call view of alerts from the collector host.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { VigilError } from '../../protocol/errors.js';
import { renderTable } from '../../protocol/table.js';
import { buildServices, type CollectorServices } from '../app.js';
import { audit } from '../audit.js';
import { dataDir, loadConfig } from '../config.js';
import { openDatabase } from '../db/open.js';
import type { Db } from '../db/types.js';
import { testChannel } from '../plugins/alerts.js';
import { ALERTS_FILE, AlertsConfigStore, KINDS, parseAlertsConfig } from './config.js';

/**
 * Services with the alert configuration. Reading alerts works with a broken alerts.yaml (a warning is
 * printed); commands that queue notifications (resolve, retry) or send (channel test) need a valid one.
 */
async function withAlerts<T>(dir: string, fn: (s: CollectorServices, db: Db) => Promise<T>, opts: { needConfig?: boolean } = {}): Promise<T> {
  const d = dataDir(dir);
  const config = await loadConfig(d);
  const store = new AlertsConfigStore(join(d.root, ALERTS_FILE));
  try {
    await store.load();
  } catch (err) {
    if (opts.needConfig || !(err instanceof VigilError)) throw err;
    console.error(`warning ${err.code}: ${err.message}`);
  }
  const db = await openDatabase(d, config);
  try {
    return await fn(buildServices(db, config, { dataRoot: d.root, alertsConfig: () => store.current() }), db);
  } finally {
    await db.close();
  }
}

export function registerAlertCommands(program: Command, dataOption: () => Option, actor: () => string): void {
  const alerts = program.command('alerts').description('alerts: drift, stale devices, tamper, enrolments; acknowledge, resolve, dead letters');
  alerts
    .command('list')
    .description('alerts, newest first (default: open and acknowledged)')
    .addOption(dataOption())
    .addOption(new Option('--state <state>', 'which alerts').choices(['active', 'open', 'acknowledged', 'resolved', 'all']).default('active'))
    .addOption(new Option('--kind <kind>', 'one kind').choices([...KINDS]))
    .option('--device <id>', 'one device')
    .option('--json', 'print JSON')
    .action(async (o) =>
      withAlerts(o.data, async (s) => {
        const rows = await s.alerts.list({ state: o.state, kind: o.kind, deviceId: o.device });
        if (o.json) return console.log(JSON.stringify(rows, null, 2));
        console.log(renderTable(['ID', 'SEVERITY', 'KIND', 'STATE', 'OPENED', 'TITLE'], rows.map((a) => [a.id, a.severity, a.kind, `${a.state}${a.flapping ? ' (flapping)' : ''}`, a.opened_at, a.title]), 80));
      }),
    );
  alerts
    .command('show <id>')
    .description('one alert with its deliveries')
    .addOption(dataOption())
    .option('--json', 'print JSON')
    .action(async (id, o) =>
      withAlerts(o.data, async (s) => {
        const r = await s.alerts.get(id);
        if (o.json) return console.log(JSON.stringify(r, null, 2));
        const a = r.alert;
        console.log(`${a.id}  ${a.severity} ${a.kind}  ${a.state}${a.flapping ? ' (flapping)' : ''}\n${a.title}`);
        console.log(`opened ${a.opened_at}, last seen ${a.last_seen_at} (${a.occurrences}×)${a.acked_at ? `, acknowledged ${a.acked_at} by ${a.acked_by}` : ''}${a.resolved_at ? `, resolved ${a.resolved_at} by ${a.resolved_by}` : ''}`);
        if (a.detail) console.log(`detail ${a.detail}`);
        console.log(renderTable(['DELIVERY', 'CHANNEL', 'EVENT', 'STATUS', 'ATTEMPTS', 'LAST ERROR'], r.deliveries.map((d) => [String(d.id), d.channel, d.event, d.status, String(d.attempts), d.last_error ?? ''])));
      }),
    );
  for (const verb of ['ack', 'resolve'] as const) {
    alerts
      .command(`${verb} <id>`)
      .description(verb === 'ack' ? 'acknowledge: someone is on it (recorded in the audit log)' : 'resolve by hand (recorded in the audit log; a resolved notification is sent)')
      .addOption(dataOption())
      .option('--note <text>', 'why / what was done')
      .action(async (id, o) =>
        withAlerts(o.data, async (s) => {
          const a = verb === 'ack' ? await s.alerts.ack(id, actor(), o.note) : await s.alerts.resolve(id, actor(), o.note);
          console.log(`${a.id} ${a.state}`);
        }, { needConfig: verb === 'resolve' }),
      );
  }
  alerts
    .command('dead-letters')
    .description('notifications that could not be delivered after every attempt')
    .addOption(dataOption())
    .option('--json', 'print JSON')
    .action(async (o) =>
      withAlerts(o.data, async (s) => {
        const rows = await s.alerts.deadLetters();
        if (o.json) return console.log(JSON.stringify(rows, null, 2));
        console.log(renderTable(['DELIVERY', 'CHANNEL', 'EVENT', 'ALERT', 'ATTEMPTS', 'CREATED', 'LAST ERROR'], rows.map((d) => [String(d.id), d.channel, d.event, d.alert_id ?? d.group_id ?? '', String(d.attempts), d.created_at, d.last_error ?? '']), 80));
      }),
    );
  alerts
    .command('retry [deliveries...]')
    .description('queue dead letters again (by delivery number, or --all); the running collector sends them')
    .addOption(dataOption())
    .option('--all', 'every dead letter')
    .action(async (ids: string[], o) =>
      withAlerts(o.data, async (s) => {
        if (!o.all && !ids.length) throw new VigilError('E_BAD_REQUEST', 'name delivery numbers or use --all');
        const nums = ids.map((i) => {
          if (!/^[1-9]\d{0,15}$/.test(i)) throw new VigilError('E_BAD_REQUEST', `"${i}" is not a delivery number`);
          return Number(i);
        });
        const done = await s.alerts.retry(o.all ? 'all' : nums, actor());
        console.log(`queued ${done.length} delivery(ies) again${done.length ? `: ${done.join(', ')}` : ''}`);
      }, { needConfig: true }),
    );
  alerts
    .command('check')
    .description('validate the alerts file (default: alerts.yaml in the data directory); errors name line, column and field')
    .addOption(dataOption())
    .option('--file <file>', 'alerts file to check')
    .action(async (o) => {
      const file = o.file ?? join(dataDir(o.data).root, ALERTS_FILE);
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (err) {
        throw new VigilError('E_ALERT_CONFIG', `${file} cannot be read: ${(err as Error).message}`);
      }
      try {
        const c = parseAlertsConfig(text, file);
        console.log(`${file}: valid; channels ${Object.keys(c.channels).join(', ') || '(none)'}; ${c.routes.length} route(s)`);
      } catch (err) {
        if (err instanceof VigilError && err.details.length) {
          for (const line of err.details) console.error(line);
          console.error(`error ${err.code}: ${err.details.length} problem(s) in ${file}`);
          process.exit(2);
        }
        throw err;
      }
    });

  const channel = program.command('channel').description('alert channels from alerts.yaml');
  channel
    .command('test <name>')
    .description('send a test notification through one channel now and report the result')
    .addOption(dataOption())
    .action(async (name, o) =>
      withAlerts(o.data, async (s, db) => {
        const now = () => new Date();
        const n = await testChannel(s.alerts, name, now).catch(async (err: unknown) => {
          if (err instanceof VigilError && err.code === 'E_CHANNEL') await db.tx((q) => audit(q, now(), actor(), 'alert.channel.test', name, { ok: false, error: err.message }));
          throw err;
        });
        await db.tx((q) => audit(q, now(), actor(), 'alert.channel.test', name, { ok: true }));
        console.log(`channel ${name}: test notification ${n.id} delivered`);
      }, { needConfig: true }),
    );
}
