import type { TokenVerifier } from './auth';
import type { Clock } from './clock';
import type { Db } from './dynamo';
import type { IdSource } from './ids';
import type { Logger } from './logger';
import { RegistryStore } from '../registry/store';

/** What the app needs from its surroundings; only the adapters differ between AWS and local mode. */
export interface AppDependencies {
  db: Db;
  clock: Clock;
  ids: IdSource;
  verifyToken: TokenVerifier;
  logger: Logger;
}

/** The dependencies plus every capability's store, built once per process. */
export interface Services extends AppDependencies {
  registry: RegistryStore;
}

export function createServices(deps: AppDependencies): Services {
  return { ...deps, registry: new RegistryStore(deps.db) };
}
