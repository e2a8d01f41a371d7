import type { PrismaClient } from '../generated/prisma/client';
import { ZTemplate, type Template } from '../domain/template-schema';

/** Published template versions are immutable, so a process-wide cache is safe. */
export function createTemplateStore(prisma: PrismaClient) {
  const cache = new Map<string, Template>();
  return {
    async loadTemplateVersion(key: string, version: number): Promise<Template> {
      const id = `${key}@${version}`;
      const hit = cache.get(id);
      if (hit) return hit;
      const row = await prisma.template.findUnique({ where: { key_version: { key, version } } });
      if (!row) throw new Error(`Template ${id} is not published`);
      const template = ZTemplate.parse(row.definition);
      cache.set(id, template);
      return template;
    },
    async loadLatestTemplate(key: string): Promise<Template> {
      const row = await prisma.template.findFirst({ where: { key }, orderBy: { version: 'desc' } });
      if (!row) throw new Error(`Template ${key} is not published`);
      return ZTemplate.parse(row.definition);
    },
  };
}
export type TemplateStore = ReturnType<typeof createTemplateStore>;
