import { listTemplateRoles } from '../../domain/template-roles';
import { validateTemplate, type Template, type TemplateInput } from '../../domain/template-schema';
import { defiTemplate, tenderTemplate, tiAction23Template } from '../../templates';

function parsed(input: TemplateInput): Template {
  const result = validateTemplate(input);
  if (!result.ok) throw new Error(`${input.key}: invalid`);
  return result.template;
}

describe('the roles a template declares (start form, start route)', () => {
  it('DEFI: the two contractors are chosen at start; the evaluator comes from the evaluation tender', () => {
    expect(listTemplateRoles(parsed(defiTemplate))).toEqual([
      { key: 'digital-contractor', filledBy: 'start' },
      { key: 'theatre-contractor', filledBy: 'start' },
      { key: 'evaluator', filledBy: 'child', child: 'tender-evaluation' },
    ]);
  });

  it('tender: the winner is chosen by the award step, nothing at start', () => {
    expect(listTemplateRoles(parsed(tenderTemplate))).toEqual([{ key: 'winner', filledBy: 'module', step: 'award' }]);
  });

  it('a template without slot assignees declares no role', () => {
    expect(listTemplateRoles(parsed(tiAction23Template))).toEqual([]);
  });

  it('reads the JSON the API returns as well (no parsing needed)', () => {
    const json = { phases: [{ steps: [{ key: 'a', assignee: { kind: 'slot', slot: 'partner' } }, { key: 'b', assignee: { kind: 'coordinator' } }, { key: 'c', assignee: { kind: 'slot', slot: 'partner' } }] }] };
    expect(listTemplateRoles(json)).toEqual([{ key: 'partner', filledBy: 'start' }]);
  });

  it('the role that enters a periodic indicator is chosen at start, once, even when no step is given to it', () => {
    const json = { phases: [{ steps: [{ key: 'a', assignee: { kind: 'coordinator' } }] }], indicators: [{ recordedBy: 'reception' }, { recordedBy: 'reception' }, {}] };
    expect(listTemplateRoles(json)).toEqual([{ key: 'reception', filledBy: 'start' }]);
  });
});
