// vigil-collector inventory | mds2 … | device set-model | compensation …: the gateway and medical-device
// views from the collector host.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { Option, type Command } from 'commander';
import { renderTable } from '../../protocol/table.js';
import { dataDir } from '../config.js';
import { openDatabase } from '../db/open.js';
import type { Db } from '../db/types.js';
import { Mds2Service } from '../mds2/service.js';
import { COMPENSATION_KINDS, CompensationsService, formatCompensated, type CompensatedResult } from '../policy/compensations.js';
import { parseExpiry } from '../waivers/service.js';
import { InventoryService } from './service.js';

async function withDb<T>(dir: string, fn: (db: Db) => Promise<T>): Promise<T> {
  const db = await openDatabase(dataDir(dir));
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

const now = () => new Date();

/** The device's end-of-life result under a compensation in force now, for `device show` (not as-of). */
export async function deviceCompensations(dir: string, deviceId: string): Promise<CompensatedResult[]> {
  return withDb(dir, (db) => new CompensationsService(db, now).compensated({ deviceId }));
}

export function registerGatewayCommands(program: Command, dataOption: () => Option, actor: () => string): void {
  program
    .command('inventory')
    .description('devices seen behind the gateways (passive: neighbour tables and DHCP leases), with the vendor of each MAC')
    .addOption(dataOption())
    .option('--gateway <id>', 'one gateway')
    .option('--all', 'include devices that have vanished')
    .option('--events', 'new and vanished device events instead, newest first')
    .option('--json', 'print JSON')
    .action(async (o) =>
      withDb(o.data, async (db) => {
        const inv = new InventoryService(db);
        await inv.sync();
        if (o.events) {
          const events = await inv.events({ gatewayId: o.gateway });
          if (o.json) return console.log(JSON.stringify({ events }, null, 2));
          return console.log(events.length ? renderTable(['at', 'gateway', 'event', 'mac', 'ip', 'vendor', 'hostname'], events.map((e) => [e.at, e.gatewayId, e.kind === 'new' ? 'new device' : 'vanished device', e.mac, e.ip, e.vendor ?? '', e.hostname ?? ''])) : 'no inventory events');
        }
        const devices = await inv.devices({ gatewayId: o.gateway, includeVanished: Boolean(o.all) });
        if (o.json) return console.log(JSON.stringify({ devices }, null, 2));
        console.log(
          devices.length
            ? renderTable(['gateway', 'mac', 'ip', 'vendor', 'hostname', 'state', 'first seen', 'last seen', ...(o.all ? ['present'] : [])], devices.map((d) => [d.gatewayHostname, d.mac, d.ip, d.vendor ?? '', d.hostname ?? '', d.state, d.firstSeenAt, d.lastSeenAt, ...(o.all ? [d.present ? 'yes' : 'vanished'] : [])]), 48)
            : 'no devices seen behind a gateway yet',
        );
      }),
    );

  const mds2 = program.command('mds2').description('MDS2 (ANSI/NEMA HN 1-2019) forms per device model: declared capabilities against observed state');
  mds2
    .command('import <file>')
    .description("import a model's MDS2 form, CSV or XLSX (replaces that model's earlier answers)")
    .requiredOption('--model <name>', 'the device model the form describes')
    .addOption(dataOption())
    .action(async (file, o) =>
      withDb(o.data, async (db) => {
        const r = await new Mds2Service(db, now).importForm(o.model, basename(file), await readFile(file), actor());
        console.log(`imported ${r.answers} answers for ${r.model} (${r.mapped} mapped to checks), sha256 ${r.sha256}`);
      }),
    );
  mds2
    .command('models')
    .description('imported models')
    .addOption(dataOption())
    .option('--json', 'print JSON')
    .action(async (o) =>
      withDb(o.data, async (db) => {
        const models = await new Mds2Service(db, now).models();
        console.log(o.json ? JSON.stringify({ models }, null, 2) : models.length ? renderTable(['model', 'answers', 'file', 'sha256', 'imported'], models.map((m) => [m.model, m.answers, m.sourceFile, m.sourceSha256.slice(0, 16), m.importedAt])) : 'no MDS2 form imported');
      }),
    );
  mds2
    .command('mismatches')
    .description('declared-versus-observed mismatches of devices with an imported model (--all: the whole baseline)')
    .addOption(dataOption())
    .option('--device <id>', 'one device')
    .option('--all', 'every mapped answer, consistent ones included')
    .option('--json', 'print JSON')
    .action(async (o) =>
      withDb(o.data, async (db) => {
        const s = new Mds2Service(db, now);
        const rows = o.all ? await s.findings({ deviceId: o.device }) : await s.mismatches({ deviceId: o.device });
        if (o.json) return console.log(JSON.stringify({ findings: rows }, null, 2));
        console.log(rows.length ? renderTable(['device', 'model', 'question', 'answer', 'check', 'observed', 'finding', 'detail'], rows.map((f) => [f.hostname, f.model, f.question, f.answer, f.checkId, f.observed ?? '-', f.kind, f.detail]), 100) : o.all ? 'no device has an imported model' : 'no mismatches');
      }),
    );

  const device = program.commands.find((c) => c.name() === 'device');
  if (!device) throw new Error('the device command must be registered first');
  device
    .command('set-model <id> <model>')
    .description("set a device's medical-device model (used to find its MDS2 form)")
    .addOption(dataOption())
    .action(async (id, model, o) =>
      withDb(o.data, async (db) => {
        await new Mds2Service(db, now).setDeviceModel(id, model, actor());
        console.log(`${id}: model ${model}`);
      }),
    );

  const comp = program.command('compensation').description('compensating controls for an end-of-life OS: the result shows as "fail (compensated)", never pass');
  comp
    .command('add')
    .description('record a compensation for a device or a role')
    .addOption(dataOption())
    .option('--device <id>', 'the device')
    .option('--role <role>', 'every device of a role')
    .addOption(new Option('--kind <kind>', 'what compensates').choices([...COMPENSATION_KINDS]).default('inbound-restricted'))
    .requiredOption('--subnets <list>', 'comma-separated subnets inbound traffic is restricted to (10.20.0.0/24,…)')
    .requiredOption('--reason <text>', 'why the OS cannot be upgraded')
    .requiredOption('--approver <name>', 'who approved it')
    .requiredOption('--expires <when>', 'duration (180d) or ISO date; at most 366 days')
    .action(async (o) =>
      withDb(o.data, async (db) => {
        const c = await new CompensationsService(db, now).add({ deviceId: o.device, role: o.role, kind: o.kind, subnets: String(o.subnets).split(',').filter(Boolean), reason: o.reason, approver: o.approver, expires: parseExpiry(o.expires), actor: actor() });
        console.log(`${c.id}: ${c.kind} to ${c.subnets.join(', ')} for ${c.deviceId ?? `role ${c.role}`}, until ${c.expiresAt}`);
      }),
    );
  comp
    .command('list')
    .description('compensations in force (--all: revoked and expired too), and the end-of-life results they cover')
    .addOption(dataOption())
    .option('--all', 'include revoked and expired')
    .option('--json', 'print JSON')
    .action(async (o) =>
      withDb(o.data, async (db) => {
        const s = new CompensationsService(db, now);
        const list = await s.list({ all: Boolean(o.all) });
        const covered = await s.compensated();
        if (o.json) return console.log(JSON.stringify({ compensations: list, results: covered }, null, 2));
        console.log(list.length ? renderTable(['id', 'for', 'kind', 'subnets', 'approver', 'expires', 'revoked'], list.map((c) => [c.id, c.deviceId ?? `role ${c.role}`, c.kind, c.subnets.join(', '), c.approver, c.expiresAt, c.revokedAt ?? ''])) : 'no compensations');
        for (const r of covered) console.log([`${r.hostname} (${r.deviceId})`, ...formatCompensated(r).map((l) => `  ${l}`)].join('\n'));
      }),
    );
  comp
    .command('revoke <id>')
    .addOption(dataOption())
    .requiredOption('--reason <text>', 'why')
    .action(async (id, o) =>
      withDb(o.data, async (db) => {
        await new CompensationsService(db, now).revoke(id, actor(), o.reason);
        console.log(`revoked ${id}`);
      }),
    );
}
