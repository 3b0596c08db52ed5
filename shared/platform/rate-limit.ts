import { createHash } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'hono';
import type { Clock } from './clock';
import type { Db } from './dynamo';
import { keys } from './keys';

/**
 * How many requests one caller may make to one route in a window. `subject` counts by the
 * token's subject (a device, a person), for routes that need a token; `address` by the client's
 * address, for the routes that need none.
 */
export interface RateLimit {
  readonly requests: number;
  readonly perSeconds: number;
  readonly by: 'subject' | 'address';
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface RateLimiter {
  take(key: string, limit: RateLimit): Promise<RateDecision>;
}

/** Window items outlive their window by this much before DynamoDB's TTL removes them. */
const KEEP_AFTER_WINDOW_SECONDS = 60;

/**
 * A fixed-window counter per caller, route and window in the table: one conditional UpdateItem
 * per request (ADD one while under the limit), the same in Lambda and local mode — every
 * concurrent Lambda instance counts into the same item. A window's item expires by TTL.
 */
export class DynamoRateLimiter implements RateLimiter {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  async take(key: string, limit: RateLimit): Promise<RateDecision> {
    const nowSeconds = Math.floor(this.clock.now().getTime() / 1000);
    const windowStart = nowSeconds - (nowSeconds % limit.perSeconds);
    const windowEnd = windowStart + limit.perSeconds;
    try {
      await this.db.client.send(
        new UpdateCommand({
          TableName: this.db.tableName,
          Key: keys.rateWindow(boundedKey(key), windowStart),
          UpdateExpression: 'ADD hits :one SET #ttl = if_not_exists(#ttl, :ttl), #type = :type',
          ConditionExpression: 'attribute_not_exists(hits) OR hits < :limit',
          ExpressionAttributeNames: { '#ttl': 'ttl', '#type': 'type' },
          ExpressionAttributeValues: { ':one': 1, ':limit': limit.requests, ':ttl': windowEnd + KEEP_AFTER_WINDOW_SECONDS, ':type': 'rateWindow' },
        }),
      );
      return { allowed: true };
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      return { allowed: false, retryAfterSeconds: Math.max(1, windowEnd - nowSeconds) };
    }
  }
}

/**
 * The caller's part of a key can be anything a client sends (an X-Forwarded-For entry), so the
 * key is a fixed-length hash: DynamoDB's key limit is never reached, and no address is stored.
 */
function boundedKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('base64url');
}

/** Counts nothing: for the scan benchmark, which measures the scan path with one token. */
export const NO_RATE_LIMITS: RateLimiter = { take: async () => ({ allowed: true }) };

/**
 * The client's address. Through CloudFront, API Gateway's source address is CloudFront's, and
 * CloudFront appends the viewer's address to X-Forwarded-For, so the last entry is the viewer
 * (entries before it are whatever the client sent). Local mode: the socket's peer.
 */
export function clientAddress(c: Context): string {
  const forwarded = c.req.header('x-forwarded-for');
  if (forwarded) return forwarded.split(',').pop()!.trim();
  const env = c.env as { event?: { requestContext?: { http?: { sourceIp?: string } } }; incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.event?.requestContext?.http?.sourceIp ?? env?.incoming?.socket?.remoteAddress ?? 'unknown';
}
