import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { PrismaClient } from '../generated/prisma/client';
import type { TemplateStore } from '../activities/templates';
import type { Config } from '../infra/config';
import type { Auth } from './auth';
import type { FileStorage } from './storage';
import type { TemporalGateway } from './temporal-gateway';

/** Everything a route needs, built once per API process (server/app.ts). */
export interface AppContext {
  config: Config;
  prisma: PrismaClient;
  redis: Redis;
  queue: Queue;
  temporal: TemporalGateway;
  auth: Auth;
  templates: TemplateStore;
  logger: Logger;
  storage: FileStorage;
}
