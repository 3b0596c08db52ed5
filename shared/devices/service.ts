import type { JSONWebKeySet } from 'jose';
import type { Principal } from '#shared/platform/auth';
import type { Clock } from '#shared/platform/clock';
import type { Page, PageRequest } from '#shared/platform/dynamo';
import type { CommonFailure } from '#shared/platform/http';
import type { IdSource } from '#shared/platform/ids';
import type { Logger } from '#shared/platform/logger';
import {
  MAX_ENROLMENT_TRIES,
  deviceView,
  ended,
  enrolled,
  enrolmentExpiresAt,
  hashSecret,
  judgeRefresh,
  newEnrolmentCode,
  newRefreshToken,
  parseEnrolmentCode,
  secretMatches,
  traded,
  type DeviceRecord,
  type SecretSource,
} from './rules';
import type { DeviceView } from './schema';
import type { DeviceStore } from './store';
import { signDeviceToken, type DeviceIssuerSettings, type DeviceTokenSigner } from './tokens';

/** What devices ask the registry: passed in, so devices need not reach into it. */
export interface DeviceProviders {
  providerExists(providerId: string): Promise<boolean>;
}

export interface DeviceServiceDeps {
  devices: DeviceStore;
  providers: DeviceProviders;
  signer: DeviceTokenSigner;
  issuer: DeviceIssuerSettings;
  /** The scanner app's address; enrolment links add `#enrol=<code>` to it. */
  scannerUrl: () => Promise<string>;
  clock: Clock;
  ids: IdSource;
  random: SecretSource;
  logger: Logger;
}

export type DeviceEnrolmentView = DeviceView & { enrolmentCode: string; enrolmentUrl: string; expiresAt: string };

export type DeviceOutcome<T> = { kind: 'done'; value: T } | CommonFailure;

/**
 * Enrolment and tokens answer one way to every failure: a wrong code, a used or expired one, an
 * unknown device, a bad refresh token — so the answer tells a guesser nothing.
 */
export type CredentialOutcome<T> = { kind: 'done'; value: T } | { kind: 'refused' };

/** How often a write planned from a read is re-planned when another write came first. */
const ATTEMPTS = 3;

/**
 * Scanning devices: staff create one for a provider (a one-time code), the device redeems it for
 * a refresh token, and trades refresh tokens (each once) for short-lived access tokens signed by
 * Waymark's device key. Only hashes of codes and refresh tokens are kept.
 */
export class DeviceService {
  constructor(private readonly deps: DeviceServiceDeps) {}

  async create(principal: Principal, providerId: string, name: string): Promise<DeviceOutcome<DeviceEnrolmentView>> {
    if (!(await this.deps.providers.providerExists(providerId))) return { kind: 'not_found', what: 'Provider' };
    const now = this.deps.clock.now();
    const deviceId = this.deps.ids.next();
    for (let draw = 0; draw < ATTEMPTS; draw++) {
      const code = newEnrolmentCode(this.deps.random);
      const expiresAt = enrolmentExpiresAt(now);
      const device: DeviceRecord & { enrolment: NonNullable<DeviceRecord['enrolment']> } = {
        deviceId,
        providerId,
        name,
        status: 'pending',
        createdAt: now.toISOString(),
        createdBy: principal.sub,
        version: 1,
        enrolment: { lookup: code.lookup, expiresAt, shortHash: code.shortHash, longHash: code.longHash, tries: 0 },
      };
      if ((await this.deps.devices.create(device, now)) === 'lookup_taken') continue;
      this.deps.logger.info('device created', { deviceId, providerId });
      return {
        kind: 'done',
        value: { ...deviceView(device, now), enrolmentCode: code.typed, enrolmentUrl: `${await this.deps.scannerUrl()}#enrol=${code.long}`, expiresAt },
      };
    }
    return { kind: 'changed', code: 'try_again', message: 'Could not make a unique code just now; send the same request again.' };
  }

  async list(principal: Principal, providerId: string, page: PageRequest): Promise<DeviceOutcome<Page<DeviceView>>> {
    if (principal.role === 'provider' && principal.providerId !== providerId) {
      return { kind: 'forbidden', message: "Provider staff may only list their own provider's devices." };
    }
    if (!(await this.deps.providers.providerExists(providerId))) return { kind: 'not_found', what: 'Provider' };
    const now = this.deps.clock.now();
    const found = await this.deps.devices.list(providerId, page);
    return { kind: 'done', value: { ...found, items: found.items.map((device) => deviceView(device, now)) } };
  }

  /** Ends a device at once: its refresh token stops working and its next scan is refused. Revoking it again changes nothing. */
  async revoke(deviceId: string): Promise<DeviceOutcome<DeviceView>> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const device = await this.deps.devices.get(deviceId);
      const now = this.deps.clock.now();
      if (!device) return { kind: 'not_found', what: 'Device' };
      if (device.status === 'revoked' || device.status === 'void') return { kind: 'done', value: deviceView(device, now) };
      const after = ended(device, 'revoked_by_staff', now);
      if ((await this.deps.devices.replace(device, after)) === 'written') {
        this.deps.logger.info('device revoked', { deviceId, providerId: device.providerId, reason: 'revoked_by_staff' });
        return { kind: 'done', value: deviceView(after, now) };
      }
    }
    return { kind: 'changed' };
  }

  /** Redeems an enrolment code (either form) for the device's first refresh token. */
  async enrol(code: string): Promise<CredentialOutcome<{ deviceId: string; providerId: string; name: string; refreshToken: string }>> {
    const presented = parseEnrolmentCode(code);
    if (!presented) return this.refuseEnrolment('malformed');
    const deviceId = await this.deps.devices.deviceIdForLookup(presented.lookup);
    if (!deviceId) return this.refuseEnrolment('unknown_code');
    const now = this.deps.clock.now();
    // The try is counted before the secret is compared, so no burst gets more than five comparisons.
    const counted = await this.deps.devices.countTry(deviceId, now);
    if (!counted?.enrolment) return this.refuseEnrolment('not_redeemable', deviceId);
    if (!secretMatches({ ...counted, enrolment: counted.enrolment }, presented)) {
      if (counted.enrolment.tries >= MAX_ENROLMENT_TRIES) await this.voidEnrolment(counted, now);
      return this.refuseEnrolment('wrong_secret', deviceId);
    }
    const refresh = newRefreshToken(this.deps.random);
    const active = enrolled(counted, refresh.hash, now);
    if ((await this.deps.devices.redeem(counted.enrolment.lookup, active)) !== 'written') return this.refuseEnrolment('redeemed_meanwhile', deviceId);
    this.deps.logger.info('device enrolled', { deviceId, providerId: active.providerId });
    return { kind: 'done', value: { deviceId, providerId: active.providerId, name: active.name, refreshToken: refresh.token } };
  }

  /**
   * Trades a refresh token for an access token and the next refresh token. An already-used
   * refresh token ends the device (someone else has a copy), as the OAuth 2.0 Security BCP
   * advises. The access token is signed before the trade is written, so a signing failure
   * leaves the presented token working.
   */
  async token(deviceId: string, refreshToken: string): Promise<CredentialOutcome<{ accessToken: string; expiresIn: number; refreshToken: string }>> {
    const presentedHash = hashSecret(refreshToken);
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const device = await this.deps.devices.get(deviceId);
      const verdict = judgeRefresh(device, presentedHash);
      const now = this.deps.clock.now();
      if (verdict.kind === 'refused' || !device) return this.refuseToken('unknown_token', device ? deviceId : undefined);
      if (verdict.kind === 'reused') {
        if ((await this.deps.devices.replace(device, ended(device, 'refresh_token_reused', now))) === 'changed') continue;
        this.deps.logger.warn('device revoked', { deviceId, providerId: device.providerId, reason: 'refresh_token_reused' });
        return this.refuseToken('reused_token', deviceId);
      }
      const access = await signDeviceToken(this.deps.signer, this.deps.issuer, device, now);
      const next = newRefreshToken(this.deps.random);
      // judgeRefresh traded only an active device with a refresh token.
      const after = traded({ ...device, refresh: device.refresh! }, next.hash, now);
      if ((await this.deps.devices.replace(device, after)) === 'changed') continue; // a concurrent trade: judge again (it is now a reuse)
      return { kind: 'done', value: { accessToken: access.token, expiresIn: access.expiresIn, refreshToken: next.token } };
    }
    return this.refuseToken('changed_meanwhile', deviceId);
  }

  publicKeys(): Promise<JSONWebKeySet> {
    return this.deps.signer.publicKeys();
  }

  private async voidEnrolment(device: DeviceRecord, now: Date): Promise<void> {
    // A lost race means another write (a revoke, or a void) ended it first: either way it is over.
    await this.deps.devices.replace(device, ended(device, 'enrolment_attempts_exceeded', now));
    this.deps.logger.warn('device enrolment void', { deviceId: device.deviceId, providerId: device.providerId, reason: 'enrolment_attempts_exceeded' });
  }

  /** Logged with a reason and the device id at most: never the code. */
  private refuseEnrolment(reason: string, deviceId?: string): { kind: 'refused' } {
    this.deps.logger.warn('device enrolment refused', { reason, ...(deviceId ? { deviceId } : {}) });
    return { kind: 'refused' };
  }

  /** Logged with a reason and the device id at most: never the token. */
  private refuseToken(reason: string, deviceId?: string): { kind: 'refused' } {
    this.deps.logger.warn('device token refused', { reason, ...(deviceId ? { deviceId } : {}) });
    return { kind: 'refused' };
  }
}
