import type { Queue } from 'bullmq';
import type { PrismaClient } from '../generated/prisma/client';
import { createCalendarActivities } from './calendar';
import { createNotificationActivities, createProgrammeChangePublisher } from './notifications';
import { createProjectionActivities } from './projection';
import { createTemplateStore } from './templates';

/** Every activity the programme workflow calls, grouped by side effect and wired by the worker. */
export function createProgrammeActivities({ prisma, queue, reminderHour, dueTime }: { prisma: PrismaClient; queue: Queue; reminderHour?: string; dueTime?: string }) {
  const templates = createTemplateStore(prisma);
  return {
    ...createProjectionActivities({ prisma, loadTemplateVersion: templates.loadTemplateVersion, publishChange: createProgrammeChangePublisher(queue) }),
    ...createNotificationActivities({ prisma, queue }),
    ...createCalendarActivities({ reminderHour, dueTime }),
    loadTemplate: templates.loadLatestTemplate,
  };
}
export type ProgrammeActivities = ReturnType<typeof createProgrammeActivities>;
