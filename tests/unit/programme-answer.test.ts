import { createProgrammeCommands } from '../../server/programme-commands';
import type { ProgrammeState } from '../../domain/programme-state';
import { AppError } from '../../server/errors';

/** A read model of one row whose version the test moves, standing in for Prisma's findUnique. */
function fakeReadModel(row: { state: { programmeId: string; version: number }; stateVersion: number } | null) {
  let reads = 0;
  const prisma = {
    programme: {
      findUnique: async () => {
        reads += 1;
        return row && { ...row };
      },
    },
  };
  const commands = createProgrammeCommands({ prisma, templates: {}, temporal: {} } as unknown as Parameters<typeof createProgrammeCommands>[0]);
  return { commands, row, reads: () => reads };
}

describe('the state an Update answered for (issue 21: small answers)', () => {
  it('reads the read model at the answered version or later', async () => {
    const fake = fakeReadModel({ state: { programmeId: 'prg_a', version: 8 }, stateVersion: 8 });
    expect(await fake.commands.loadAnswered({ programmeId: 'prg_a', version: 7 })).toEqual({ programmeId: 'prg_a', version: 8 });
    expect(fake.reads()).toBe(1);
  });

  it('takes the whole state a worker of the previous release answered, without reading', async () => {
    const fake = fakeReadModel(null);
    const whole = { programmeId: 'prg_a', version: 3, steps: [] } as unknown as ProgrammeState;
    expect(await fake.commands.loadAnswered(whole)).toBe(whole);
    expect(fake.reads()).toBe(0);
  });

  it('waits for a row behind the answer, then answers 503 if it stays behind', async () => {
    const fake = fakeReadModel({ state: { programmeId: 'prg_a', version: 4 }, stateVersion: 4 });
    setTimeout(() => {
      fake.row!.stateVersion = 5;
      fake.row!.state = { programmeId: 'prg_a', version: 5 };
    }, 250);
    expect(await fake.commands.loadAnswered({ programmeId: 'prg_a', version: 5 })).toEqual({ programmeId: 'prg_a', version: 5 });
    const stuck = fakeReadModel({ state: { programmeId: 'prg_a', version: 4 }, stateVersion: 4 });
    const err = await stuck.commands.loadAnswered({ programmeId: 'prg_a', version: 6 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('dependency_unavailable');
  });
});
