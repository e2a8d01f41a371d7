import { changeDueKind, copyTemplate, moveItem, parseTemplateFile, setIn, type TemplateDraft } from '../../web/src/lib/template-draft';
import { defiTemplate } from '../../templates';

describe('template editor draft helpers', () => {
  it('sets a nested value without touching the original, and removes a key with undefined', () => {
    const draft = { phases: [{ steps: [{ name: { fr: 'A', en: 'A' }, due: { from: 'date', date: '2027-01-01' } }] }] };
    const renamed = setIn(draft, ['phases', 0, 'steps', 0, 'name', 'fr'], 'B');
    expect(renamed.phases[0]!.steps[0]!.name).toEqual({ fr: 'B', en: 'A' });
    expect(draft.phases[0]!.steps[0]!.name.fr).toBe('A');
    const noDue = setIn(draft, ['phases', 0, 'steps', 0, 'due'], undefined);
    expect('due' in noDue.phases[0]!.steps[0]!).toBe(false);
  });

  it('moves an item up and down, and ignores moves off the ends', () => {
    expect(moveItem(['a', 'b', 'c'], 2, 0)).toEqual(['c', 'a', 'b']);
    expect(moveItem(['a', 'b', 'c'], 0, 1)).toEqual(['b', 'a', 'c']);
    expect(moveItem(['a', 'b'], 0, -1)).toEqual(['a', 'b']);
  });

  it('copies a template under a new key and marked names, without its version', () => {
    const copy = copyTemplate(defiTemplate as TemplateDraft, { fr: 'copie', en: 'copy' });
    expect(copy.key).toBe('defi-copie');
    expect(copy.name.fr).toBe('DEFI — Destination Formation Innovante (copie)');
    expect(copy.version).toBeUndefined();
    expect(copy.phases).toEqual(defiTemplate.phases);
  });

  it('reads an exported file and refuses what is not a template', () => {
    expect(parseTemplateFile(JSON.stringify({ ...defiTemplate, version: 7 })).version).toBeUndefined();
    expect(() => parseTemplateFile('[1,2]')).toThrow('not a template');
    expect(() => parseTemplateFile('{')).toThrow();
  });

  it('switches due rule kinds keeping the offset', () => {
    const offset = { amount: 3, unit: 'workingDays' as const };
    expect(changeDueKind({ from: 'phaseStart', offset }, 'stepCompleted', 'a', 'p')).toEqual({ from: 'stepCompleted', stepKey: 'a', offset });
    expect(changeDueKind({ from: 'phaseStart', offset }, 'date', 'a', 'p')).toEqual({ from: 'date', date: '' });
    expect(changeDueKind(undefined, 'programmeStart', 'a', 'p')).toEqual({ from: 'programmeStart', offset: { amount: 7, unit: 'calendarDays' } });
    expect(changeDueKind({ from: 'phaseStart', offset }, 'none', 'a', 'p')).toBeUndefined();
  });
});
