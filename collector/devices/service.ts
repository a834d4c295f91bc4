import { VigilError } from '../../protocol/errors.js';
import type { Db } from '../db/types.js';
import { audit } from '../audit.js';
import { devicesRepo, type DeviceRow } from './repo.js';
import { tamperRepo } from '../ingest/repo.js';

export class DevicesService {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
  ) {}

  list(): Promise<DeviceRow[]> {
    return devicesRepo.list(this.db);
  }

  async get(id: string): Promise<DeviceRow> {
    const d = await devicesRepo.byId(this.db, id);
    if (!d) throw new VigilError('E_NOT_FOUND', `device ${id} does not exist`);
    return d;
  }

  async revoke(id: string, actor: string, reason: string): Promise<void> {
    const now = this.now();
    await this.db.tx(async (q) => {
      const r = await devicesRepo.revoke(q, id, now.toISOString());
      if (r.changes !== 1) throw new VigilError('E_NOT_FOUND', `device ${id} does not exist or is already revoked`);
      await audit(q, now, actor, 'device.revoke', id, { reason });
    });
  }

  tamperEvents(deviceId?: string) {
    return tamperRepo.list(this.db, deviceId);
  }

  async counts() {
    return (await devicesRepo.counts(this.db)) ?? { devices: 0, active: 0, envelopes: 0, tamper: 0 };
  }
}
