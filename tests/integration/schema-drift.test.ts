import fs from 'node:fs';
import path from 'node:path';
import { get_dmmf } from '@prisma/prisma-schema-wasm';
import pg from 'pg';
import { applyMigrations } from '../../infra/migrate';

interface DmmfField { name: string; dbName?: string | null; kind: string; type: string; isRequired: boolean }
interface DmmfModel { name: string; dbName: string | null; fields: DmmfField[] }
interface Dmmf {
  datamodel: {
    models: DmmfModel[];
    enums: { name: string; dbName: string | null; values: { name: string; dbName: string | null }[] }[];
    indexes: { model: string; type: 'id' | 'unique' | 'normal' | 'fulltext'; fields: { name: string }[] }[];
  };
}

// The schema engine's wasm build parses schema.prisma offline (the native engine is not needed).
const dmmf: Dmmf = JSON.parse(get_dmmf(JSON.stringify({ prismaSchema: [['schema.prisma', fs.readFileSync(path.resolve(__dirname, '../../prisma/schema.prisma'), 'utf8')]] })));

/**
 * Fails when prisma/schema.prisma and the database built by prisma/migrations disagree:
 * tables, columns, nullability, column types, enums, primary keys and indexes.
 */
const SCALAR_TYPES: Record<string, string[]> = {
  String: ['text'],
  Int: ['integer'],
  Boolean: ['boolean'],
  DateTime: ['timestamp with time zone', 'timestamp without time zone'],
  Json: ['jsonb'],
  Float: ['double precision'],
};

describe('schema.prisma matches the migrated database', () => {
  let client: pg.Client;
  beforeAll(async () => {
    await applyMigrations(process.env.DATABASE_URL!);
    client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
  });
  afterAll(async () => {
    await client.end();
  });

  const models = dmmf.datamodel.models;

  it('has exactly the tables of the schema', async () => {
    const tables = await client.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`);
    expect(tables.rows.map((r) => r.table_name).sort()).toEqual(models.map((m) => m.dbName ?? m.name).sort());
  });

  it.each(models.map((m) => [m.name, m] as const))('model %s: columns, types and nullability agree', async (_name, model) => {
    const table = model.dbName ?? model.name;
    const cols = await client.query<{ column_name: string; data_type: string; is_nullable: string; udt_name: string }>(
      `SELECT column_name, data_type, is_nullable, udt_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1`,
      [table],
    );
    const byName = new Map(cols.rows.map((c) => [c.column_name, c]));
    const fields = model.fields.filter((f) => f.kind !== 'object');
    expect([...byName.keys()].sort()).toEqual(fields.map((f) => f.dbName ?? f.name).sort());
    for (const f of fields) {
      const col = byName.get(f.dbName ?? f.name)!;
      expect({ field: f.name, nullable: col.is_nullable === 'YES' }).toEqual({ field: f.name, nullable: !f.isRequired });
      if (f.kind === 'enum') expect({ field: f.name, type: col.udt_name }).toEqual({ field: f.name, type: f.type });
      else expect(SCALAR_TYPES[f.type]).toContain(col.data_type);
    }
  });

  it('has the primary keys, unique constraints and indexes the schema declares', async () => {
    const idx = await client.query<{ tablename: string; indexdef: string }>(`SELECT tablename, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'`);
    const actual = new Set(idx.rows.map((r) => `${r.tablename}:${/UNIQUE/.test(r.indexdef) ? 'unique' : 'index'}:${r.indexdef.replace(/.*\((.*)\).*/, '$1').replace(/"/g, '')}`));
    const expected = new Set<string>();
    for (const i of dmmf.datamodel.indexes) {
      const m = models.find((x) => x.name === i.model)!;
      const col = (name: string) => m.fields.find((f) => f.name === name)?.dbName ?? name;
      expected.add(`${m.dbName ?? m.name}:${i.type === 'normal' ? 'index' : 'unique'}:${i.fields.map((f) => col(f.name)).join(', ')}`);
    }
    expect([...actual].sort()).toEqual([...expected].sort());
  });

  it('has the enums of the schema with the same values', async () => {
    const rows = await client.query<{ typname: string; enumlabel: string }>(`SELECT t.typname, e.enumlabel FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid ORDER BY e.enumsortorder`);
    const actual: Record<string, string[]> = {};
    for (const r of rows.rows) (actual[r.typname] ??= []).push(r.enumlabel);
    const expected = Object.fromEntries(dmmf.datamodel.enums.map((e) => [e.dbName ?? e.name, e.values.map((v) => v.dbName ?? v.name)]));
    expect(actual).toEqual(expected);
  });

  it('records every migration in _prisma_migrations, each applied once', async () => {
    const again = await applyMigrations(process.env.DATABASE_URL!);
    expect(again.applied).toEqual([]);
    const rows = await client.query(`SELECT migration_name, checksum, finished_at FROM _prisma_migrations`);
    expect(rows.rows.length).toBe(again.alreadyApplied.length);
    for (const r of rows.rows) expect(r.finished_at).not.toBeNull();
  });
});
