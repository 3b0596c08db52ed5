import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { DeviceStore } from './device-auth';
import { parseDeviceRecord, type DeviceRecord } from './device-logic';

/**
 * This device's enrolment in IndexedDB: database "waymark-scan-device", store "device", one
 * record under the key "this-device" — the credentials (device id, provider, name, the current
 * refresh token and the latest access token), or a note that the device was revoked. A database of
 * its own beside the queue's ("waymark-scan"), so neither needs the other's upgrade. Not
 * localStorage: the refresh token is the device's one lasting secret.
 */
interface DeviceDb extends DBSchema {
  device: {
    key: string;
    value: DeviceRecord;
  };
}

export const DEVICE_DB_NAME = 'waymark-scan-device';
const STORE = 'device';
const KEY = 'this-device';

let opening: Promise<IDBPDatabase<DeviceDb>> | undefined;

function db(): Promise<IDBPDatabase<DeviceDb>> {
  opening ??= openDB<DeviceDb>(DEVICE_DB_NAME, 1, {
    upgrade(database) {
      database.createObjectStore(STORE);
    },
  }).catch((error: unknown) => {
    opening = undefined; // try again next time (e.g. storage was briefly unavailable)
    throw error;
  });
  return opening;
}

export const idbDeviceStore: DeviceStore = {
  async load() {
    return parseDeviceRecord(await (await db()).get(STORE, KEY));
  },
  async save(record) {
    await (await db()).put(STORE, record, KEY);
  },
  async clear() {
    await (await db()).delete(STORE, KEY);
  },
};
