import type { Queue } from 'bullmq';
import type { PrismaClient } from '../generated/prisma/client';
import { createCalendarActivities } from './calendar';
import { createNotificationActivities } from './notifications';
import { createProjectionActivities } from './projection';
import { createTemplateStore } from './templates';

/** Every activity the programme workflow calls, grouped by side effect and wired by the worker. */
export function createProgrammeActivities({ prisma, queue, reminderHour }: { prisma: PrismaClient; queue: Queue; reminderHour?: string }) {
  const templates = createTemplateStore(prisma);
  return {
    ...createProjectionActivities({ prisma, loadTemplateVersion: templates.loadTemplateVersion }),
    ...createNotificationActivities({ prisma, queue }),
    ...createCalendarActivities({ reminderHour }),
    loadTemplate: templates.loadLatestTemplate,
  };
}
export type ProgrammeActivities = ReturnType<typeof createProgrammeActivities>;
