// The alerts service as the dashboard uses it: list, acknowledge, resolve, the configured channels and
// a test notification (audited as the API's channel test is).
import { VigilError } from '../../protocol/errors.js';
import type { AlertsService } from '../alerts/service.js';
import { audit } from '../audit.js';
import type { Db } from '../db/types.js';
import { testChannel } from '../plugins/alerts.js';
import type { DashboardAlerts } from '../plugins/dashboard.js';

export function dashboardAlerts(service: AlertsService, db: Db, now: () => Date): DashboardAlerts {
  return {
    async list(o) {
      const rows = await service.list({ state: o.state, deviceId: o.deviceId, limit: o.limit });
      return rows.map((a) => ({ id: a.id, kind: a.kind, severity: a.severity, device_id: a.device_id, hostname: a.hostname, state: a.state, summary: a.title, opened_at: a.opened_at }));
    },
    acknowledge: (id, actor) => service.ack(id, actor),
    resolve: (id, actor) => service.resolve(id, actor),
    async channels() {
      return Object.entries(service.config().channels).map(([name, c]) => ({ name, kind: c.type }));
    },
    async testChannel(name, actor) {
      try {
        await testChannel(service, name, now);
        await db.tx((q) => audit(q, now(), actor, 'alert.channel.test', name, { ok: true }));
      } catch (err) {
        if (err instanceof VigilError && err.code === 'E_CHANNEL') await db.tx((q) => audit(q, now(), actor, 'alert.channel.test', name, { ok: false, error: err.message }));
        throw err;
      }
    },
  };
}
